"""Slips and chain analysis, check-ins, goals, insights, and sharing with a clinician, from
Python.

The sharing tests talk to a real sync server and the clinician reader
(`companion-clinician`), both started by run-foreign-tests.sh (COMPANION_SERVER and
COMPANION_CLINICIAN_* in the environment), through a transport written in Python (urllib).
"""
import asyncio
import base64
import datetime
import json
import os
import subprocess
import urllib.error
import urllib.request

from companion import (
    ChainAnswer,
    ChainStatus,
    ChainStep,
    CompanionCore,
    CompanionError,
    ConsentRequest,
    DaySpan,
    GoalEdit,
    GoalFrame,
    GoalMeasure,
    GoalState,
    HttpReply,
    LinkAlternative,
    LinkKind,
    NewChainLink,
    NewCheckIn,
    CheckInEdit,
    CheckInField,
    NewGoal,
    NewSlip,
    NewUrge,
    Outcome,
    PlanEdit,
    PlanPart,
    ReceiptAction,
    ShareCategory,
    ShareState,
    SlipEdit,
    SummaryOptions,
    SyncTransport,
    TransportFailure,
    Unlock,
    Vulnerability,
    VulnerabilityFactor,
    chain_step_text,
    consent_wording,
    consent_wording_version,
    read_invite,
    slip_guide,
)
from test_companion import HOUR_MS, NOW_MS, TODAY, StoreTest

DAY_MS = 24 * HOUR_MS


class SlipTests(StoreTest):
    def test_a_slip_and_its_chain_analysis_feed_the_plan(self):
        core = self.new_store()
        urge = core.log_urge(NewUrge(intensity=8, outcome=Outcome.ACTED, occurred=core.stamp_at(NOW_MS - 3 * HOUR_MS)))
        slip = core.log_slip(NewSlip(what="Sam Example's words about the evening", urge=urge.id))
        self.assertEqual(slip.occurred, urge.occurred, "dated by the urge it followed")
        guide = slip_guide(slip)
        self.assertEqual(guide.status, ChainStatus.NOT_STARTED())
        self.assertEqual(guide.next_step, ChainStep.VULNERABILITIES)
        self.assertTrue(guide.compassion_prompt)
        self.assertIn("vulnerable", chain_step_text(ChainStep.VULNERABILITIES).question)

        slip = core.answer_chain(
            slip.id, ChainAnswer.VULNERABILITIES(items=[Vulnerability(factor=VulnerabilityFactor.SLEEP, note="four hours")])
        )
        self.assertEqual(slip_guide(slip).status, ChainStatus.IN_PROGRESS(next=ChainStep.PROMPTING_EVENT))
        self.assertEqual([s.id for s in core.unfinished_chain_analyses().slips], [slip.id])
        core.answer_chain(slip.id, ChainAnswer.PROMPTING_EVENT(text="an advert late at night"))
        core.answer_chain(
            slip.id,
            ChainAnswer.LINKS(
                links=[
                    NewChainLink(kind=LinkKind.THOUGHT, text="just one look", instead=None),
                    NewChainLink(kind=LinkKind.ACTION, text="kept scrolling", instead="put the phone in the kitchen"),
                ]
            ),
        )
        core.answer_chain(slip.id, ChainAnswer.ALTERNATIVES(items=[LinkAlternative(link=0, instead="text Sam Example")]))
        core.answer_chain(slip.id, ChainAnswer.CONSEQUENCES(text="tired and low the next day"))
        core.answer_chain(slip.id, ChainAnswer.SKIP(step=ChainStep.REPAIR))
        core.answer_chain(slip.id, ChainAnswer.COMMITMENT(text="phone out of the bedroom"))
        slip = core.answer_chain(slip.id, ChainAnswer.SELF_COMPASSION(text="I am learning"))
        self.assertEqual(slip_guide(slip).status, ChainStatus.COMPLETE())
        self.assertIsNotNone(slip.chain_completed)
        self.assertEqual(core.unfinished_chain_analyses().slips, [])

        suggestions = slip_guide(slip).plan_suggestions
        self.assertTrue(suggestions)
        strategy = next(s for s in suggestions if s.part == PlanPart.STRATEGY)
        self.assertIsNotNone(strategy.for_item, "a strategy is for a trigger or warning sign")
        added = core.add_to_plan_from_slip(slip.id, strategy)
        self.assertIn(strategy.text, [a.text for a in added.slip.plan_additions])
        items = added.plan.triggers + added.plan.warning_signs
        self.assertIn(strategy.text, [st.text for item in items for st in item.strategies])
        self.assertNotIn(strategy, slip_guide(added.slip).plan_suggestions, "not suggested twice")

        edited = core.edit_slip(slip.id, SlipEdit(what="new words", unlink_urge=True))
        self.assertIsNone(edited.urge)
        self.assertEqual(core.slip(slip.id).what, "new words")
        self.assertEqual([s.id for s in core.slips(TODAY, TODAY).slips], [slip.id])
        with self.assertRaises(CompanionError.InvalidInput):
            core.log_slip(NewSlip(what="   "))
        core.delete_slip(slip.id)
        with self.assertRaises(CompanionError.NotFound):
            core.slip(slip.id)
        self.assertEqual(core.urge(urge.id).id, urge.id, "the urge entry stays")


class CheckInAndGoalTests(StoreTest):
    def test_check_ins(self):
        core = self.new_store()
        saved = core.check_in(NewCheckIn(mood=6, stress=7, loneliness=4, sleep=5, note="a long day"))
        self.assertFalse(saved.updated)
        self.assertEqual(saved.check_in.day, TODAY)
        again = core.check_in(NewCheckIn(mood=7))
        self.assertTrue(again.updated, "a second check-in the same day updates it")
        self.assertEqual(again.check_in.saves, 2)
        self.assertEqual(core.check_in_on(TODAY).mood, 7)
        self.assertIsNone(core.check_in_on(TODAY - datetime.timedelta(days=1)))
        edited = core.edit_check_in(saved.check_in.id, CheckInEdit(sleep=8, clear=[CheckInField.NOTE]))
        self.assertEqual((edited.sleep, edited.note), (8, None))
        self.assertEqual(core.check_in_by_id(saved.check_in.id), edited)
        listing = core.check_ins(TODAY - datetime.timedelta(days=7), TODAY, True)
        self.assertEqual([c.id for c in listing.check_ins], [saved.check_in.id])
        with self.assertRaises(CompanionError.InvalidInput) as e:
            core.check_in(NewCheckIn(mood=11))
        self.assertEqual(e.exception.field, "mood")
        core.delete_check_in(saved.check_in.id)
        with self.assertRaises(CompanionError.NotFound):
            core.check_in_by_id(saved.check_in.id)

    def test_goals_count_progress(self):
        core = self.new_store()
        week = core.goal_time_frame(GoalFrame.THIS_WEEK())
        self.assertEqual(week._from.weekday(), 0, "Monday")
        month = core.goal_time_frame(GoalFrame.THIS_MONTH())
        self.assertEqual(month._from, TODAY.replace(day=1))
        ten = core.goal_time_frame(GoalFrame.NEXT_DAYS(days=10))
        self.assertEqual((ten.to - ten._from).days, 9)

        tracked = core.create_goal(
            NewGoal(text="Ride out three urges", measure=GoalMeasure.URGES_SURFED(), target=3, end=week.to)
        )
        self.assertEqual(tracked.progress.current, 0)
        core.log_urge(NewUrge(intensity=5, outcome=Outcome.SURFED))
        self.assertEqual(core.goal(tracked.goal.id).progress.current, 1, "counted from the urge log")

        walks = core.create_goal(
            NewGoal(text="Evening walks", why="clears my head", measure=GoalMeasure.MANUAL(unit="walks"), target=2, end=ten.to)
        )
        walks = core.add_goal_progress(walks.goal.id, 1, None)
        walks = core.add_goal_progress(walks.goal.id, 1, TODAY)
        self.assertEqual(walks.progress.state, GoalState.REACHED)
        walks = core.undo_goal_progress(walks.goal.id)
        self.assertEqual((walks.progress.current, walks.progress.percent), (1, 50))
        archived = core.edit_goal(walks.goal.id, GoalEdit(archived=True, target=4))
        self.assertTrue(archived.goal.archived)
        self.assertEqual([g.goal.id for g in core.goals(False).goals], [tracked.goal.id])
        self.assertEqual(len(core.goals(True).goals), 2)
        with self.assertRaises(CompanionError.InvalidInput):
            core.create_goal(NewGoal(text="x", measure=GoalMeasure.URGES_LOGGED(), target=0, end=week.to))
        core.delete_goal(walks.goal.id)
        with self.assertRaises(CompanionError.NotFound):
            core.goal(walks.goal.id)


class InsightTests(StoreTest):
    def test_insights_progress_and_weekly_summaries(self):
        core = self.new_store()
        for days_ago, intensity, outcome in [(1, 6, Outcome.SURFED), (2, 8, Outcome.ACTED), (9, 4, Outcome.SURFED)]:
            core.log_urge(
                NewUrge(
                    intensity=intensity,
                    outcome=outcome,
                    triggers=["lonely"],
                    occurred=core.stamp_at(NOW_MS - days_ago * DAY_MS),
                )
            )
        core.check_in(NewCheckIn(mood=5, stress=6))
        week = DaySpan(_from=TODAY - datetime.timedelta(days=6), to=TODAY)
        report = core.insights(week)
        self.assertEqual(report.unreadable, [])
        urges = report.insights.urges
        self.assertEqual((urges.total, urges.surfed, urges.acted, urges.intensity_peak), (2, 1, 1, 8))
        self.assertEqual(report.insights.top_triggers[0].trigger, "lonely")
        self.assertEqual(sum(d.urges for d in report.insights.per_day), 2)
        self.assertEqual(report.insights.acting_out.events, 1)

        progress = core.progress().progress
        self.assertEqual((progress.urges_total, progress.urges_surfed_total, progress.acting_out_total), (3, 2, 1))
        self.assertEqual(progress.last_acting_out_day, TODAY - datetime.timedelta(days=2))

        # Whole weeks touching the range: 2026-03-22 is a Sunday, so the week of 16 March too.
        summaries = core.weekly_summaries(week, SummaryOptions(include_trigger_names=True)).summaries
        self.assertEqual([s.week_start for s in summaries], [datetime.date(2026, 3, 16), datetime.date(2026, 3, 23)])
        self.assertEqual([s.urges for s in summaries], [1, 2])
        self.assertTrue(all(s.week_start.weekday() == 0 for s in summaries))
        self.assertEqual(summaries[-1].top_triggers[0].trigger, "lonely")
        self.assertIsNone(core.weekly_summaries(week, SummaryOptions()).summaries[-1].top_triggers)

        times = core.check_in_times(4)
        self.assertEqual(times.unreadable, [])
        self.assertNotIn("urge", times.message.lower())
        self.assertIsInstance(times.windows, list)
        effectiveness = core.strategy_effectiveness(week)
        self.assertEqual(effectiveness.triggers, [], "no strategies named yet")

        with self.assertRaises(CompanionError.InvalidInput) as e:
            core.insights(DaySpan(_from=TODAY, to=TODAY - datetime.timedelta(days=1)))
        self.assertEqual(e.exception.field, "date range")


# ----- sharing with a clinician ---------------------------------------------------------


def clinician(*args):
    """Run the clinician reader against the test server; its JSON output, parsed."""
    binary = os.environ.get("COMPANION_CLINICIAN_BIN")
    if not binary:
        raise AssertionError("run through run-foreign-tests.sh, which starts a sync server")
    out = subprocess.run([binary, "--json", *args], check=True, capture_output=True, text=True, timeout=60)
    return out.stdout


def new_invite():
    return json.loads(clinician("invite"))["invite"]


class UrllibTransport(SyncTransport):
    """The app's own HTTP stack, in Python: every answer is returned, whatever its status."""

    def __init__(self):
        self.sent = []

    def send(self, request):
        self.sent.append(request)
        req = urllib.request.Request(
            request.url,
            data=request.body if request.method != "GET" else None,
            method=request.method,
            headers={h.name: h.value for h in request.headers},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return HttpReply(status=resp.status, body=resp.read())
        except urllib.error.HTTPError as e:
            return HttpReply(status=e.code, body=e.read())
        except OSError as e:
            raise TransportFailure.Unreachable(str(e))


class KeySwappingTransport(UrllibTransport):
    """A man in the middle who swaps the clinician's key in the registration answer."""

    def send(self, request):
        reply = super().send(request)
        if request.method == "POST" and request.url.endswith("/v1/devices") and reply.status == 201:
            body = json.loads(reply.body)
            body["recipient"]["public_key"] = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
            return HttpReply(status=reply.status, body=json.dumps(body).encode())
        return reply


class UnreachableTransport(SyncTransport):
    def send(self, request):
        raise TransportFailure.Unreachable("no network in the test")


class CrashingTransport(SyncTransport):
    def send(self, request):
        raise ValueError("a bug in the app's HTTP code")


class SharingTests(StoreTest):
    def test_pair_consent_sync_suggestions_and_withdrawal(self):
        core = self.new_store()
        invite = new_invite()
        info = read_invite(invite)
        self.assertEqual(info.clinician_name, "Dr Sam Example")
        self.assertEqual(len(info.fingerprint.split("-")), 6)
        self.assertNotIn("token", repr(info).lower())

        # Pairing errors first: no network, a crashing transport, a swapped key, a used invite.
        with self.assertRaises(CompanionError.Offline):
            core.pair_with_clinician(invite, UnreachableTransport())
        with self.assertRaises(CompanionError.Offline) as e:
            core.pair_with_clinician(invite, CrashingTransport())
        self.assertIn("a bug in the app's HTTP code", e.exception.detail)
        with self.assertRaises(CompanionError.KeyMismatch):
            core.pair_with_clinician(invite, KeySwappingTransport())
        self.assertEqual(core.pairings().pairings, [], "nothing was kept")
        with self.assertRaises(CompanionError.ServerRefused) as e:
            core.pair_with_clinician(invite, UrllibTransport())
        self.assertGreaterEqual(e.exception.status, 400, "the invite was used up by the swapped attempt")
        with self.assertRaises(CompanionError.InvalidInput) as e:
            read_invite("companion-invite:1:not-really")
        self.assertEqual(e.exception.field, "invite")

        transport = UrllibTransport()
        pairing = core.pair_with_clinician(new_invite(), transport)
        self.assertEqual(pairing.fingerprint, info.fingerprint)
        self.assertEqual(core.pairings().pairings, [pairing])

        core.log_urge(NewUrge(intensity=5, triggers=["lonely"], note="canary-note-sam-example"))
        core.edit_plan([PlanEdit.ADD_TRIGGER(name="lonely")])
        self.assertTrue(consent_wording(ShareCategory.URGES))
        self.assertTrue(consent_wording_version())
        preview = core.preview_consent([ShareCategory.URGES], True)
        self.assertEqual(preview[0].entries, 1)
        self.assertNotIn("canary-note", preview[0].json, "notes are not part of the urge category")
        self.assertIn("notes", preview[0].never_sent)

        categories = [ShareCategory.WEEKLY_SUMMARIES, ShareCategory.URGES, ShareCategory.COPING_PLAN]
        shares = core.grant_consent(ConsentRequest(pairing=pairing.id, categories=categories, include_history=True))
        self.assertEqual(sorted(s.category.value for s in shares), sorted(c.value for c in categories))
        report = core.sync(transport, True)
        self.assertEqual((report.shares_synced, report.errors), (3, []))
        self.assertGreater(report.chunks_sent, 0)
        self.assertFalse(any(b"canary-note" in r.body for r in transport.sent), "no unconsented byte left")
        self.assertTrue(all(s.last_synced is not None and s.pending_chunks == 0 for s in core.shares().shares))

        # The clinician reads what was shared and suggests a strategy for the plan.
        read = json.loads(clinician("read"))
        self.assertIn("lonely", json.dumps(read))
        self.assertNotIn("canary-note", json.dumps(read))
        suggested = 0
        for share in json.loads(clinician("shares")):
            done = subprocess.run(
                [os.environ["COMPANION_CLINICIAN_BIN"], "suggest", "--share", share["share"], "--trigger", "lonely",
                 "--strategy", "text Sam Example"],
                capture_output=True, text=True, timeout=60,
            )
            suggested += done.returncode == 0
        self.assertGreaterEqual(suggested, 1)

        pulled = asyncio.run(core.sync_async(None, True))
        self.assertTrue(any("text Sam Example" in s for s in pulled.suggestions), pulled.suggestions)
        plan_share = next(s for s in core.shares().shares if s.category == ShareCategory.COPING_PLAN)
        self.assertEqual(plan_share.suggestions[0]._from, "Dr Sam Example")
        self.assertIn("text Sam Example", [s.text for s in core.plan().plan.triggers[0].strategies])

        withdrawn = core.withdraw_consent(pairing.id, [ShareCategory.URGES])
        self.assertEqual([s.state for s in withdrawn], [ShareState.WITHDRAWN])
        erased = core.sync(transport, True)
        self.assertEqual(erased.shares_erased, 1)
        states = {s.category: s.state for s in core.shares().shares}
        self.assertEqual(states[ShareCategory.URGES], ShareState.ERASED)
        self.assertEqual(states[ShareCategory.COPING_PLAN], ShareState.ACTIVE)
        receipts = [(r.action, r.category) for r in core.consent_receipts().receipts]
        self.assertEqual(receipts.count((ReceiptAction.WITHDRAWN, ShareCategory.URGES)), 1)
        self.assertEqual(sum(1 for a, _ in receipts if a == ReceiptAction.GRANTED), 3)

    def test_async_pairing(self):
        core = self.new_store()
        pairing = asyncio.run(core.pair_with_clinician_async(new_invite(), None))
        self.assertEqual(pairing.clinician_name, "Dr Sam Example")
