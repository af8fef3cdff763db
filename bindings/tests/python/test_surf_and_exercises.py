"""Urge surfing, guided exercises and the notification schedule from Python.

A frozen clock moves by hand, as in the core's own tests: a session killed mid-way and picked
up minutes later records the missed prompts as missed, and an exercise's step and breathing
phase follow the clock exactly.
"""
import datetime
import json

from companion import (
    Adjust,
    ClosedBy,
    CompanionError,
    NotificationKind,
    Origin,
    Outcome,
    Phase,
    PointKind,
    SurfEnd,
    SurfOutcome,
    SurfSettings,
    SurfStart,
    SurfState,
    UrgeQuery,
    Wording,
    exercise_from_json,
    exercise_to_json,
    surf_summary,
)
from test_companion import NOW_MS, TODAY, StoreTest

MIN = 60_000


class SurfTests(StoreTest):
    def at(self, core, offset_ms):
        core.freeze_clock_for_test(NOW_MS + offset_ms)

    def test_a_session_survives_the_app_being_killed(self):
        core = self.new_store()
        self.assertEqual(SurfSettings(), SurfSettings(length_secs=1200, interval_secs=180))
        session = core.start_surf(SurfStart(intensity=6, settings=SurfSettings(length_secs=600, interval_secs=120)))
        self.assertTrue(session.urge_created)
        self.assertEqual(core.urge(session.urge).surf_session, session.id)
        status = core.surf_status(session)
        self.assertEqual(status.state, SurfState.RUNNING)
        self.assertEqual(status.next_prompt, 1)
        self.assertEqual(status.next_prompt_at_utc_ms, NOW_MS + 2 * MIN)
        self.assertEqual(status.time_up_at_utc_ms, NOW_MS + 10 * MIN)

        # Neutral words on the lock screen unless the client chooses otherwise.
        plan = core.surf_notifications(session.id)
        self.assertEqual(plan.group, "surf-" + session.id)
        self.assertEqual([n.at_utc_ms for n in plan.upcoming][:2], [NOW_MS + 2 * MIN, NOW_MS + 4 * MIN])
        self.assertEqual(plan.upcoming[-1].kind, NotificationKind.TIME_UP)
        self.assertEqual(plan.next, plan.upcoming[0])
        self.assertEqual(core.notification_wording(), Wording.NEUTRAL)
        for n in plan.upcoming:
            self.assertNotIn("urge", (n.title + n.body).lower())
        core.set_notification_wording(Wording.EXPLICIT)
        self.assertEqual(core.notification_wording(), Wording.EXPLICIT)
        self.assertIn("urge", core.surf_notifications(session.id).upcoming[0].body.lower())

        self.at(core, 2 * MIN)
        session = core.surf_checkin(session.id, 8, "Sam Example notices it peaking")
        self.assertEqual(session.points[-1].prompt, 1)

        # The app is killed; 7 minutes later it starts again.
        del core
        from companion import CompanionCore, Unlock

        core = CompanionCore.open(self.path(), Unlock.PASSPHRASE(b"a long passphrase, typed by Sam Example"))
        core.set_time_zone("Europe/Berlin")
        self.at(core, 9 * MIN)
        active = core.active_surf()
        self.assertEqual(active.id, session.id)
        missed = [p.prompt for p in active.points if p.intensity is None]
        # Prompts 2 (4 min) and 3 (6 min) are past their answer window; 4 (8 min) is still due.
        self.assertEqual(missed, [2, 3], "missed prompts are recorded as missed, never invented")
        self.assertTrue(all(p.kind == PointKind.PROMPT for p in active.points if p.intensity is None))
        status = core.surf_status(active)
        self.assertEqual(status.pending_prompt, 4)
        self.assertEqual(status.active_ms, 9 * MIN)
        self.assertIsNone(status.next_prompt, "prompt 4 was the last before the timer ends")
        self.assertEqual(status.time_up_at_utc_ms, NOW_MS + 10 * MIN)
        self.assertEqual(core.reopen_surf(session.id), active)

        paused = core.pause_surf(session.id)
        self.assertEqual(core.surf_status(paused).state, SurfState.PAUSED)
        self.assertEqual(core.surf_notifications(session.id).upcoming, [], "nothing fires while paused")
        self.at(core, 12 * MIN)
        resumed = core.resume_surf(session.id)
        self.assertEqual(core.surf_status(resumed).active_ms, 9 * MIN)

        self.at(core, 13 * MIN)
        ended = core.end_surf(session.id, SurfEnd(outcome=SurfOutcome.PASSED, intensity=2, strategies=["slow breathing"]))
        self.assertEqual(ended.ending.closed_by, ClosedBy.PERSON)
        self.assertEqual(core.surf_status(ended).state, SurfState.ENDED)
        urge = core.urge(session.urge)
        self.assertEqual(urge.outcome, Outcome.SURFED)
        self.assertEqual(urge.strategies, ["slow breathing"])
        summary = surf_summary(ended)
        self.assertEqual(summary.peak, 8)
        self.assertEqual(summary.time_to_peak_ms, 2 * MIN)
        self.assertEqual(summary.missed, 3, "prompt 4's window closed before the end")
        self.assertEqual(ended.points[-1].kind, PointKind.END)
        self.assertEqual(summary.last, 2)
        self.assertTrue(summary.passed_without_acting)
        with self.assertRaises(CompanionError.NotAllowed):
            core.surf_checkin(session.id, 3, None)

        listing = core.surf_sessions(TODAY, TODAY)
        self.assertEqual([s.id for s in listing.sessions], [session.id])
        self.assertEqual(core.surf_session(session.id), ended)
        core.delete_surf(session.id)
        with self.assertRaises(CompanionError.NotFound):
            core.surf_session(session.id)
        self.assertIsNone(core.urge(session.urge).surf_session, "the urge entry stays, unlinked")

    def test_surfing_a_logged_urge_and_bad_starts(self):
        core = self.new_store()
        from companion import NewUrge

        urge = core.log_urge(NewUrge(intensity=5, triggers=["bored"]))
        with self.assertRaises(CompanionError.InvalidInput) as e:
            core.start_surf(SurfStart())
        self.assertEqual(e.exception.field, "intensity")
        with self.assertRaises(CompanionError.InvalidInput) as e:
            core.start_surf(SurfStart(intensity=5, settings=SurfSettings(length_secs=5, interval_secs=1)))
        self.assertEqual(e.exception.field, "length")
        session = core.start_surf(SurfStart(urge=urge.id))
        self.assertFalse(session.urge_created)
        with self.assertRaises(CompanionError.NotAllowed):
            core.start_surf(SurfStart(intensity=3))
        self.assertEqual(core.active_surf().id, session.id)
        self.assertEqual(len(core.urges(UrgeQuery()).urges), 1)


class ExerciseTests(StoreTest):
    def test_box_breathing_follows_the_clock(self):
        core = self.new_store()
        library = core.exercises()
        keys = [d.key for d in library.exercises]
        for key in ["box", "4-7-8", "paced", "5-4-3-2-1", "pmr-short", "pmr-long", "sober", "self-compassion"]:
            self.assertIn(key, keys)
        self.assertEqual(library.unreadable, [])
        self.assertEqual(core.find_exercise("grounding").key, "5-4-3-2-1")

        runner = core.start_exercise("box", Adjust(rounds=2), 7)
        self.assertEqual(runner.key(), "box")
        self.assertTrue(runner.title())
        steps = runner.steps()
        start = runner.position()
        self.assertEqual(start.elapsed_ms, 0)
        self.assertEqual(steps[start.step].phase, start.phase)
        self.assertEqual(runner.current_text(), steps[start.step].text)
        boundaries = runner.boundaries_ms()
        self.assertEqual(boundaries[0], 0)
        self.assertEqual(len(boundaries), len(set(boundaries)))
        # Box breathing: in 4, hold 4, out 4, hold 4; find the first inhale boundary.
        inhale_index = next(i for i, s in enumerate(steps) if s.phase == Phase.INHALE)

        core.freeze_clock_for_test(NOW_MS + 1_000)
        p = runner.position()
        self.assertEqual(p.elapsed_ms, 1_000)
        runner.pause()
        self.assertTrue(runner.is_paused())
        core.freeze_clock_for_test(NOW_MS + 60_000)
        self.assertEqual(runner.position().elapsed_ms, 1_000, "a paused exercise stands still")
        runner.resume()
        self.assertFalse(runner.is_paused())
        skipped = runner.skip()
        self.assertEqual(skipped.elapsed_ms, boundaries[1], "skip jumps to the next boundary")
        self.assertGreaterEqual(inhale_index, 0)

        core.freeze_clock_for_test(NOW_MS + 60_000 + start.total_ms)
        self.assertTrue(runner.position().finished)
        with self.assertRaises(CompanionError.NotAllowed):
            runner.skip()
        saved = core.save_exercise(runner, 3, "calmer now")
        self.assertTrue(saved.completed)
        self.assertEqual((saved.distress_before, saved.distress_after), (7, 3))
        self.assertEqual(saved.skipped_steps, 1)
        self.assertEqual(core.exercise_session(saved.id), saved)
        self.assertEqual([s.id for s in core.exercise_sessions(TODAY, None).sessions], [saved.id])
        core.delete_exercise_session(saved.id)
        self.assertEqual(core.exercise_sessions(None, None).sessions, [])
        with self.assertRaises(CompanionError.InvalidInput) as e:
            core.start_exercise("box", Adjust(), 11)
        self.assertEqual(e.exception.field, "distress before")

    def test_custom_exercises(self):
        core = self.new_store()
        text = json.dumps(
            {
                "format": 1,
                "key": "evening-calm",
                "title": "Evening calm",
                "category": "breathing",
                "steps": [
                    {"text": "Breathe in slowly", "seconds": 4, "phase": "inhale"},
                    {"text": "And out", "seconds": 6, "phase": "exhale"},
                ],
            }
        )
        definition = exercise_from_json(text, Origin.CLINICIAN)
        self.assertEqual(definition.origin, Origin.CLINICIAN)
        self.assertEqual(exercise_from_json(exercise_to_json(definition), Origin.CLINICIAN), definition)
        added = core.add_exercise(definition, False)
        self.assertEqual(added._def.key, "evening-calm")
        self.assertEqual([c._def.key for c in core.custom_exercises().exercises], ["evening-calm"])
        self.assertEqual(core.start_exercise("evening-calm", Adjust(), None).position().total_ms, 10_000)

        bad = json.loads(text)
        bad["steps"][1]["seconds"] = 0
        with self.assertRaises(CompanionError.InvalidInput) as e:
            exercise_from_json(json.dumps(bad), Origin.MINE)
        self.assertEqual(e.exception.field, "step duration")
        with self.assertRaises(CompanionError.InvalidInput):
            exercise_from_json("{not json", Origin.MINE)
        builtin_key = core.find_exercise("box")
        with self.assertRaises(CompanionError.InvalidInput) as e:
            core.add_exercise(builtin_key, False)
        self.assertEqual(e.exception.field, "key")

        core.remove_exercise("evening-calm")
        self.assertEqual(core.custom_exercises().exercises, [])
        with self.assertRaises(CompanionError.InvalidInput):
            core.find_exercise("evening-calm")
