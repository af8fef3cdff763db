"""A client's whole day, driven through the app model exactly as a phone shell drives it:
events in, views and effects out. The shell's only jobs (showing a prompt, dialling a
number, keeping the reminder schedule) are done here by the test.

Sharing runs against the real sync server and clinician reader that run-foreign-tests.sh
starts, through the Python HTTP transport of test_progress_and_sharing.py.
"""
import asyncio
import json
import os
import subprocess

from companion import (
    AppModel,
    BackgroundSync,
    Biometrics,
    CheckInAction,
    ContactKind,
    Effect,
    Event,
    ExercisesAction,
    GateAction,
    HomeAction,
    InsightsAction,
    InsightsRange,
    LinkKind,
    LogUrgeAction,
    Measure,
    NewChainLink,
    NextStepAction,
    NotificationKind,
    PlanAction,
    PlanTarget,
    Platform,
    Route,
    ScreenView,
    SettingsAction,
    ShareCategory,
    SharingAction,
    SharingStage,
    SlipAction,
    SlipStage,
    SurfAction,
    SurfOutcome,
    SurfStage,
    VulnerabilityFactor,
    reminder_schedule_json,
    upcoming_reminders,
)
from keystores import SoftKeystore
from test_companion import NOW_MS, StoreTest
from test_progress_and_sharing import UrllibTransport, clinician, new_invite

PASSPHRASE = "river lamp orange".encode()
MINUTE_MS = 60 * 1000
PHONE = Platform(biometrics=Biometrics.AVAILABLE, device_key_enrolled=False)


class Shell:
    """What a phone shell does: render the view, send events, carry out effects."""

    def __init__(self, model):
        self.model = model
        self.dialled = []
        self.messaged = []
        self.reminders_json = None
        self.notifications = {}
        self.prompts = []
        self.left = False

    def send(self, event):
        effects = self.model.send(event)
        for e in effects:
            if isinstance(e, Effect.DIAL):
                self.dialled.append(e.number)
            elif isinstance(e, Effect.MESSAGE):
                self.messaged.append(e.number)
            elif isinstance(e, Effect.REMINDERS):
                self.reminders_json = reminder_schedule_json(e.schedule)
            elif isinstance(e, Effect.NOTIFICATIONS):
                self.notifications[e.plan.group] = e.plan.upcoming
            elif isinstance(e, Effect.AUTHENTICATE):
                self.prompts.append(e.purpose)
            elif isinstance(e, Effect.LEAVE_APP):
                self.left = True
        return effects

    def screen(self, kind):
        view = self.model.view()
        if not isinstance(view.screen, kind):
            raise AssertionError(f"expected {kind.__name__}, got {type(view.screen).__name__}")
        return view.screen.view

    def notice(self):
        n = self.model.view().notice
        return n.text if n else ""

    def open(self, route):
        return self.send(Event.OPEN(route=route))


class AppDayTests(StoreTest):
    def test_a_clients_whole_day(self):
        keystore = SoftKeystore()
        model = AppModel(self.path("journal.db"), PHONE, keystore, UrllibTransport())
        core = model.core()
        core.freeze_clock_for_test(NOW_MS)
        core.set_time_zone("Europe/Berlin")
        shell = Shell(model)
        clock = [NOW_MS]

        def later(minutes):
            clock[0] += minutes * MINUTE_MS
            core.freeze_clock_for_test(clock[0])

        # First run: what the app is and is not, the recovery passphrase, biometric unlock.
        first = shell.screen(ScreenView.FIRST_RUN)
        self.assertTrue(any("not an emergency service" in p for p in first.about))
        shell.send(Event.GATE(action=GateAction.CREATE_JOURNAL(passphrase=PASSPHRASE, confirmation=PASSPHRASE)))
        shell.send(Event.GATE(action=GateAction.ENABLE_BIOMETRICS()))
        self.assertEqual(shell.prompts[-1].name, "ENROL")
        shell.send(Event.AUTHENTICATED())
        self.assertGreater(keystore.wraps, 0, "the platform key now guards the journal too")
        home = shell.screen(ScreenView.HOME)
        self.assertEqual(home.log_urge_label, "Log an urge")
        self.assertEqual(model.view().app_name, "Journal", "discreet by default")
        self.assertTrue(model.view().secure)

        # A strong urge: one tap saves it, then the next steps, then surfing it.
        shell.open(Route.LOG_URGE)
        shell.send(Event.LOG_URGE(action=LogUrgeAction.INTENSITY(value=9)))
        logged = shell.screen(ScreenView.LOG_URGE)
        self.assertEqual(logged.next_steps[0].action, NextStepAction.SURF())
        shell.send(Event.LOG_URGE(action=LogUrgeAction.ADD_TRIGGER(text="lonely")))
        shell.send(Event.LOG_URGE(action=LogUrgeAction.SAVE_DETAILS(note="")))
        shell.send(Event.LOG_URGE(action=LogUrgeAction.NEXT(action=NextStepAction.SURF())))
        surf = shell.screen(ScreenView.SURF)
        self.assertEqual(surf.stage, SurfStage.LIVE)
        self.assertEqual(model.view().refresh_after_ms, 1000)
        later(3)
        self.assertTrue(shell.screen(ScreenView.SURF).prompt_due)
        shell.send(Event.SURF(action=SurfAction.RATE(intensity=6)))
        later(4)
        shell.send(Event.SURF(action=SurfAction.RATE(intensity=3)))
        (upcoming,) = shell.notifications.values()
        self.assertTrue(upcoming and upcoming[-1].kind == NotificationKind.TIME_UP)
        self.assertTrue(all(n.title == "Reminder" for n in upcoming), "neutral words on the lock screen")
        shell.send(Event.SURF(action=SurfAction.END(outcome=SurfOutcome.PASSED)))
        ended = shell.screen(ScreenView.SURF)
        self.assertEqual([p.y for p in ended.wave.points], [9.0, 6.0, 3.0])
        self.assertIn("It passed without acting on it.", ended.summary)
        self.assertEqual(len(core.urges_on(core.today(), False).urges), 1, "one urge, surfed")
        shell.send(Event.SURF(action=SurfAction.DONE()))

        # The plan, looked up as one types, and a contact action for the platform.
        shell.open(Route.PLAN)
        for part, text, how in [
            (PlanTarget.TRIGGER, "Lonely evenings", None),
            (PlanTarget.PERSON, "Sam Example", "07700 900123"),
            (PlanTarget.CRISIS_LINE, "Example Crisis Line", "116 123"),
        ]:
            shell.send(Event.PLAN(action=PlanAction.ADD(part=part, text=text, for_item=None, how=how, hours=None)))
        plan = shell.screen(ScreenView.PLAN)
        self.assertEqual([s.step for s in plan.sections], [1, 2, 3, 4, 5, 6, 7])
        for typed in ["lo", "lonel", "lonely"]:
            shell.send(Event.PLAN(action=PlanAction.SEARCH(text=typed)))
        found = shell.screen(ScreenView.PLAN).found
        self.assertEqual(found.matched, "For: Lonely evenings")
        sam = next(c for c in found.contacts if c.name == "Sam Example")
        shell.send(Event.PLAN(action=PlanAction.CONTACT(contact_id=sam.id, kind=ContactKind.CALL)))
        self.assertEqual(shell.dialled, ["07700900123"])
        # Words of suicide in the search box: the crisis step first, with the emergency number.
        shell.send(Event.PLAN(action=PlanAction.SEARCH(text="i want to die")))
        crisis = shell.screen(ScreenView.PLAN).crisis
        self.assertIn("Example Crisis Line", [c.name for c in crisis.contacts])
        self.assertIn("not an emergency service", crisis.not_an_emergency_service)
        shell.send(Event.CALL_EMERGENCY())
        self.assertEqual(shell.dialled[-1], "112", "Berlin's time zone: Germany's number")
        shell.send(Event.BACK())

        # An exercise.
        shell.open(Route.EXERCISES)
        shell.send(Event.EXERCISES(action=ExercisesAction.CHOOSE(key="box")))
        shell.send(Event.EXERCISES(action=ExercisesAction.BEGIN(distress=6)))
        self.assertEqual(model.view().refresh_after_ms, 100)
        later(1)
        player = shell.screen(ScreenView.EXERCISES).player
        self.assertTrue(player.cue and 0 < player.overall < 1)
        shell.send(Event.EXERCISES(action=ExercisesAction.STOP()))
        shell.send(Event.EXERCISES(action=ExercisesAction.FINISH(distress=3)))
        self.assertEqual(shell.screen(ScreenView.EXERCISES).result[0], "Your distress went from 6 to 3.")
        shell.send(Event.EXERCISES(action=ExercisesAction.DONE()))

        # A check-in.
        shell.open(Route.CHECK_IN)
        shell.send(Event.CHECK_IN(action=CheckInAction.RATE(measure=Measure.MOOD, value=6)))
        shell.send(Event.CHECK_IN(action=CheckInAction.SAVE(note="a long day")))
        self.assertEqual(core.check_in_on(core.today()).mood, 6)
        shell.send(Event.CHECK_IN(action=CheckInAction.DONE()))

        # A slip and its chain analysis, left half-way and picked up from Home.
        shell.open(Route.SLIP)
        shell.send(Event.SLIP(action=SlipAction.WRITE(what="an hour of videos")))
        self.assertIsNone(model.view().crisis)
        slip = shell.screen(ScreenView.SLIP)
        self.assertEqual(slip.stage, SlipStage.CHAIN)
        self.assertFalse(any("current" in line.lower() for line in slip.progress), "never the current stretch first")
        shell.send(Event.SLIP(action=SlipAction.ANSWER_FACTORS(factors=[VulnerabilityFactor.LONELINESS], note=None)))
        shell.send(Event.SLIP(action=SlipAction.LATER()))
        resume = shell.screen(ScreenView.HOME).unfinished[0]
        shell.send(Event.HOME(action=HomeAction.CONTINUE_ANALYSIS(slip_id=resume.slip_id)))
        self.assertEqual(shell.screen(ScreenView.SLIP).step_label, "Step 2 of 8")
        shell.send(Event.SLIP(action=SlipAction.ANSWER_TEXT(text="a message went unanswered")))
        link = NewChainLink(kind=LinkKind.THOUGHT, text="nobody cares", instead="text Sam")
        shell.send(Event.SLIP(action=SlipAction.ANSWER_LINKS(links=[link])))
        while shell.screen(ScreenView.SLIP).stage == SlipStage.CHAIN:
            shell.send(Event.SLIP(action=SlipAction.SKIP_STEP()))
        self.assertTrue(shell.screen(ScreenView.SLIP).kind_words)
        shell.send(Event.SLIP(action=SlipAction.DONE()))

        # Insights, chart-ready.
        shell.open(Route.INSIGHTS)
        insights = shell.screen(ScreenView.INSIGHTS)
        self.assertEqual(len(insights.series[0].points), 28)
        self.assertEqual(insights.series[0].points[-1].y, 1.0)
        shell.send(Event.INSIGHTS(action=InsightsAction.RANGE(range=InsightsRange.THREE_MONTHS)))
        self.assertEqual(shell.screen(ScreenView.INSIGHTS).series[2].title, "Average intensity per week")
        shell.send(Event.BACK())

        # A reminder schedule the platform keeps, and re-arms after a reboot or a new zone.
        shell.open(Route.SETTINGS)
        shell.send(Event.SETTINGS(action=SettingsAction.DAILY_CHECK_IN(minute=20 * 60 + 30)))
        armed = upcoming_reminders(shell.reminders_json, clock[0], "Europe/Berlin")
        self.assertEqual((armed[0].kind, armed[0].title), (NotificationKind.DAILY_CHECK_IN, "Reminder"))
        moved = upcoming_reminders(shell.reminders_json, clock[0], "America/New_York")
        self.assertNotEqual(armed[0].at_utc_ms, moved[0].at_utc_ms, "20:30 where the phone is now")

        # Discreet mode off and on again: the app's name and icon follow.
        effects = shell.send(Event.SETTINGS(action=SettingsAction.DISCREET(on=False)))
        self.assertIn(Effect.APP_IDENTITY(discreet=False, name="Recovery companion"), effects)
        shell.send(Event.SETTINGS(action=SettingsAction.DISCREET(on=True)))
        shell.send(Event.BACK())

        # Lock after a minute in the background; biometrics open it again.
        effects = shell.send(Event.WENT_TO_BACKGROUND())
        self.assertEqual(effects, [Effect.LOCK_AFTER(ms=60_000)])
        later(2)
        shell.send(Event.LOCK_TIMER_FIRED())
        self.assertTrue(core.is_locked())
        self.assertEqual(shell.screen(ScreenView.LOCKED).heading, "Locked")
        model.set_platform(Platform(biometrics=Biometrics.AVAILABLE, device_key_enrolled=True))
        shell.send(Event.CAME_TO_FOREGROUND())
        self.assertEqual(shell.prompts[-1].name, "UNLOCK")
        unwraps = keystore.unwraps
        shell.send(Event.AUTHENTICATED())
        self.assertGreater(keystore.unwraps, unwraps)
        self.assertFalse(core.is_locked())

        # Quick exit: a neutral screen, the store locked, the app left.
        shell.send(Event.QUICK_EXIT())
        self.assertTrue(shell.left and core.is_locked())
        self.assertEqual(shell.screen(ScreenView.NEUTRAL).heading, "Notes")
        shell.send(Event.GATE(action=GateAction.REOPEN()))
        shell.send(Event.GATE(action=GateAction.UNLOCK_WITH_PASSPHRASE(passphrase=PASSPHRASE)))
        shell.screen(ScreenView.HOME)

        # Pair (comparing the code), preview, consent, sync against the real server.
        shell.open(Route.SHARING)
        shell.send(Event.SHARING(action=SharingAction.START_PAIRING()))
        shell.send(Event.SHARING(action=SharingAction.INVITE_ENTERED(text=new_invite())))
        compare = shell.screen(ScreenView.SHARING)
        self.assertEqual((compare.stage, compare.clinician), (SharingStage.COMPARE_CODE, "Dr Sam Example"))
        self.assertEqual(len(compare.code.split("-")), 6)
        shell.send(Event.SHARING(action=SharingAction.CODES_MATCH()))
        self.assertTrue(shell.notice().startswith("Paired with Dr Sam Example"), shell.notice())
        shell.send(Event.SHARING(action=SharingAction.TOGGLE(category=ShareCategory.COPING_PLAN)))
        shell.send(Event.SHARING(action=SharingAction.PREVIEW()))
        preview = shell.screen(ScreenView.SHARING).preview
        self.assertEqual([p.title for p in preview], ["Weekly summaries", "My coping plan"])
        self.assertIn("Lonely evenings", preview[1].content)
        self.assertIn(Effect.SYNC_SOON(), shell.send(Event.SHARING(action=SharingAction.CONSENT())))
        synced = model.background_sync()
        self.assertIsInstance(synced, BackgroundSync.SYNCED)
        self.assertEqual((synced.report.shares_synced, synced.report.errors), (2, []))

        # The clinician suggests a strategy; it arrives with the next sync.
        # (Only the coping plan's share takes suggestions; the clinician's tool refuses the others.)
        suggested = sum(
            subprocess.run(
                [os.environ["COMPANION_CLINICIAN_BIN"], "suggest", "--share", s["share"], "--trigger", "Lonely evenings",
                 "--strategy", "text Sam Example"],
                capture_output=True, timeout=60,
            ).returncode == 0
            for s in json.loads(clinician("shares"))
        )
        self.assertGreaterEqual(suggested, 1)
        shell.send(Event.SHARING(action=SharingAction.SYNC_NOW()))
        self.assertRegex(shell.notice(), r"^Up to date\. \d+ new suggestions? from your clinician\.$")
        card = shell.screen(ScreenView.SHARING).pairings[0]
        self.assertTrue(any("text Sam Example" in s for s in card.suggestions), card.suggestions)

        # Stop sharing: withdrawn at once, erased on the server at the next sync.
        effects = shell.send(Event.SHARING(action=SharingAction.STOP_SHARING(pairing_id=card.pairing_id)))
        self.assertIn(Effect.SYNC_SOON(), effects)
        erased = asyncio.run(model.send_async(Event.SHARING(action=SharingAction.SYNC_NOW())))
        self.assertEqual(erased, [])
        self.assertEqual(shell.screen(ScreenView.SHARING).pairings[0].shares, ["Nothing shared."])
        shell.send(Event.SHARING(action=SharingAction.SHOW_RECEIPTS()))
        sharing = shell.screen(ScreenView.SHARING)
        self.assertEqual(sum("Stopped sharing" in r for r in sharing.receipts), 2)
        self.assertEqual(sharing.unreadable, [], "everything opened")

        # A longer lock time, kept in the journal.
        shell.open(Route.SETTINGS)
        shell.send(Event.SETTINGS(action=SettingsAction.LOCK_AFTER(secs=300)))

        # Locked again: a background sync reads nothing.
        shell.send(Event.LOCK_NOW())
        self.assertIsInstance(model.background_sync(), BackgroundSync.LOCKED)

        # The phone restarts the app: its settings come back with the journal, not from the shell.
        restarted = Shell(AppModel(self.path("journal.db"), PHONE, keystore, UrllibTransport()))
        restarted.model.core().freeze_clock_for_test(clock[0])
        restarted.model.core().set_time_zone("Europe/Berlin")
        restarted.screen(ScreenView.LOCKED)
        effects = restarted.send(Event.GATE(action=GateAction.UNLOCK_WITH_PASSPHRASE(passphrase=PASSPHRASE)))
        self.assertIn(Effect.APP_IDENTITY(discreet=True, name="Journal"), effects)
        rearmed = upcoming_reminders(restarted.reminders_json, clock[0], "Europe/Berlin")
        self.assertEqual((rearmed[0].kind, rearmed[0].at_utc_ms), (NotificationKind.DAILY_CHECK_IN, armed[0].at_utc_ms))
        self.assertEqual(restarted.send(Event.WENT_TO_BACKGROUND()), [Effect.LOCK_AFTER(ms=300_000)])
