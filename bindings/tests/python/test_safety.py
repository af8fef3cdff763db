"""Safety first, from Python: the risk check over the project's phrase lists, the crisis step
before anything else, next steps after a strong urge, the slip offered after acting.

The phrase lists are the core's (core/src/safety/phrases), written from the C-SSRS and
screening guides: every phrasing that must trigger does, none that must not does.
"""
import os
import unittest

from companion import (
    ChainAnswer,
    CompanionError,
    LookupQuery,
    NewSlip,
    PlanPart,
    RecordKind,
    Vulnerability,
    VulnerabilityFactor,
    NewUrge,
    NextStepOffer,
    Outcome,
    PlanEdit,
    RegionSource,
    RiskConcern,
    SafetySettings,
    StrategyKind,
    SurfEnd,
    SurfOutcome,
    SurfStart,
    about_text,
    assess_risk,
    emergency_number_for_region,
    next_step_title,
)
from test_companion import StoreTest

PHRASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "core", "src", "safety", "phrases")


def phrases(name):
    with open(os.path.join(PHRASES, name), encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]


def kinds(steps):
    """The variant names of next steps ("SURF_NOW", ...)."""
    return [type(s).__name__.split(".")[-1] for s in steps]


def build_plan(core):
    lonely = core.edit_plan([PlanEdit.ADD_TRIGGER(name="Lonely")]).added[0]
    core.edit_plan([
        PlanEdit.ADD_STRATEGY(for_item=lonely, text="Go to the climbing gym", kind=StrategyKind.VALUED_ACTIVITY),
        PlanEdit.ADD_PERSON(name="Brother Example", how="+00 0000 0003", availability=[]),
        PlanEdit.ADD_PROFESSIONAL(name="Example Crisis Line", how="000", availability=[], crisis_line=True),
    ])


class RiskPhraseTests(unittest.TestCase):
    def test_every_phrasing_that_must_trigger_does_and_none_that_must_not(self):
        must = phrases("must_trigger.txt")
        must_not = phrases("must_not_trigger.txt")
        self.assertGreaterEqual(len(must), 60)
        self.assertGreaterEqual(len(must_not), 40)
        self.assertEqual([p for p in must if assess_risk(p) is None], [])
        self.assertEqual([p for p in must_not if assess_risk(p) is not None], [])
        self.assertEqual(assess_risk("I want to hurt myself"), RiskConcern.SELF_HARM)

    def test_what_the_app_is_and_is_not(self):
        self.assertIn("not an emergency service", about_text())
        gb = emergency_number_for_region("gb")
        self.assertEqual((gb.number, gb.source), ("999", RegionSource.CHOSEN))
        self.assertIsNone(emergency_number_for_region("XX"))


class CrisisStepTests(StoreTest):
    def test_risk_words_everywhere_lead_to_the_crisis_step_first(self):
        core = self.new_store()
        build_plan(core)
        for phrase in phrases("must_trigger.txt")[:12]:
            step = core.check_words(["lonely", phrase])
            self.assertIsNotNone(step, phrase)
            self.assertEqual(step.not_an_emergency_service, "This app is not an emergency service.")
            self.assertEqual(step.contacts[0].contact.name, "Example Crisis Line")
            found = core.find_in_plan(LookupQuery(text=phrase))
            self.assertIsNotNone(found.crisis, phrase)
        self.assertIsNone(core.check_words(["this deadline is killing me"]))
        self.assertEqual(core.emergency_number().region, "DE")
        self.assertEqual(core.crisis_step().emergency.number, "112")

    def test_the_chosen_emergency_number_and_high_mark_are_kept_and_used(self):
        core = self.new_store()
        build_plan(core)
        self.assertEqual(core.safety_settings(), SafetySettings(emergency_region=None, own_emergency_number=None, high_mark=None))
        self.assertEqual(core.high_mark(), 8)
        stored = core.set_safety_settings(SafetySettings(emergency_region="gb", own_emergency_number=None, high_mark=6))
        self.assertEqual(stored.emergency_region, "GB")
        self.assertEqual((core.emergency_number().number, core.emergency_number().source), ("999", RegionSource.CHOSEN))
        self.assertEqual(core.check_words(["kms"]).emergency.number, "999")
        self.assertEqual(core.high_mark(), 6)
        urge = core.log_urge(NewUrge(intensity=6, triggers=["lonely"]))
        self.assertEqual(kinds(core.after_urge(urge.id).steps)[0], "SURF_NOW")
        core.set_safety_settings(SafetySettings(emergency_region=None, own_emergency_number="+99 123", high_mark=None))
        self.assertEqual((core.emergency_number().number, core.emergency_number().source), ("+99 123", RegionSource.OWN_NUMBER))
        with self.assertRaises(CompanionError.InvalidInput):
            core.set_safety_settings(SafetySettings(emergency_region="XX", own_emergency_number=None, high_mark=None))
        with self.assertRaises(CompanionError.InvalidInput):
            core.set_safety_settings(SafetySettings(emergency_region=None, own_emergency_number=None, high_mark=2))
        self.assertEqual(core.safety_settings().own_emergency_number, "+99 123", "nothing stored when refused")

    def test_risk_words_flag_the_entry_and_the_flag_outlives_the_app(self):
        core = self.new_store()
        urge = core.log_urge(NewUrge(intensity=2, note="i wnat to die"))
        self.assertEqual(urge.risk, RiskConcern.SUICIDE)
        self.assertIsNone(core.log_urge(NewUrge(intensity=2, note="this deadline is killing me")).risk)
        slip = core.log_slip(NewSlip(what="I want to hurt myself", occurred=None, urge=None))
        self.assertEqual(slip.risk, RiskConcern.SELF_HARM)
        flagged = core.flagged_entries(None, None)
        self.assertEqual({(e.kind, e.id) for e in flagged.entries}, {(RecordKind.URGE, urge.id), (RecordKind.SLIP, slip.id)})
        self.assertEqual(flagged.unreadable, [])
        self.assertEqual(core.urge(urge.id).risk, RiskConcern.SUICIDE)

    def test_a_strong_urge_offers_surfing_the_plan_a_person_then_crisis_lines(self):
        core = self.new_store()
        build_plan(core)
        urge = core.log_urge(NewUrge(intensity=9, triggers=["lonely"], note="want to open the hookup app"))
        after = core.after_urge(urge.id)
        self.assertIsNone(after.risk)
        self.assertEqual(kinds(after.steps), ["SURF_NOW", "PLAN_STRATEGY", "REACH_OUT", "CRISIS_LINES"])
        self.assertIn("+00 0000 0003", next_step_title(after.steps[2]))
        # Surfing it continues the same entry: one urge, not two.
        session = core.start_surf(SurfStart(urge=after.steps[0].urge, intensity=9))
        ended = core.end_surf(session.id, SurfEnd(outcome=SurfOutcome.ACTED, intensity=None, note=None, strategies=[]))
        self.assertEqual(len(core.urges_on(self.today(), False).urges), 1)
        after_surf = core.after_surf(ended.id)
        self.assertEqual(kinds(after_surf.steps), ["LOG_SLIP"])
        self.assertEqual(after_surf.steps[0].urge, urge.id)

    def test_risk_words_in_a_calm_urge_still_come_first(self):
        core = self.new_store()
        urge = core.log_urge(NewUrge(intensity=2, note="i wnat to die"))
        after = core.after_urge(urge.id)
        self.assertEqual(after.risk, RiskConcern.SUICIDE)
        self.assertIsInstance(after.steps[0], NextStepOffer.CRISIS)
        acted = core.log_urge(NewUrge(intensity=5, outcome=Outcome.ACTED))
        self.assertEqual(kinds(core.after_urge(acted.id).steps), ["LOG_SLIP"])

    def test_slip_suggestions_leave_out_what_the_plan_holds_and_say_why(self):
        core = self.new_store()
        build_plan(core)
        slip = core.log_slip(NewSlip(what="watched porn for hours", occurred=None, urge=None))
        lonely = Vulnerability(factor=VulnerabilityFactor.LONELINESS, note=None)
        core.answer_chain(slip.id, ChainAnswer.VULNERABILITIES(items=[lonely]))
        core.answer_chain(slip.id, ChainAnswer.CONSEQUENCES(text="felt empty and ashamed"))
        offered = core.slip_plan_suggestions(slip.id)
        self.assertFalse(any(s.text == "lonely" for s in offered), "the plan has Lonely already")
        self.assertFalse(any(s.part == PlanPart.REASON for s in offered), "shame is no reason")
        self.assertTrue(all(s.why for s in offered))
        self.assertEqual(core.slip_to_analyze(), slip.id)
        after = core.progress().sentences_after_slip
        self.assertFalse(any("Current stretch" in l for l in after), after)

    def test_plan_entries_are_named_as_people_name_them(self):
        core = self.new_store()
        build_plan(core)
        self.assertEqual(core.resolve_plan_entry("loneliness").words, "Lonely")
        self.assertEqual(core.resolve_plan_entry("lonely/1").words, "Go to the climbing gym")
        self.assertEqual(len(core.plan_entries()), 4)
        self.assertIn('"triggers"', core.plan_json())
        with self.assertRaises(CompanionError.InvalidInput):
            core.resolve_plan_entry("xyzzy")

    def today(self):
        import datetime
        return datetime.date(2026, 3, 28)


if __name__ == "__main__":
    unittest.main()
