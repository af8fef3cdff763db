"""The companion API from Python, through the generated UniFFI bindings (test-hooks build).

Run by bindings/scripts/run-foreign-tests.sh (through run.py, which also records which API
functions the suite called). Every test works in its own temporary directory; the clock is
frozen where dates matter. Fake data only ("Sam Example").
"""
import asyncio
import datetime
import os
import shutil
import tempfile
import threading
import time
import unittest

from companion import (
    Backup,
    Company,
    CompanionCore,
    CompanionError,
    DayRange,
    InternalError,
    ItemKind,
    KeyMethod,
    KeyProviderError,
    LookupQuery,
    MatchHow,
    NewUrge,
    Outcome,
    PlanChange,
    PlanEdit,
    StrategyKind,
    StrategySource,
    Unlock,
    UrgeEdit,
    UrgeField,
    UrgeQuery,
    UseContext,
    create_store_async,
    guess_strategy_kind,
    is_backup_file,
    open_store_async,
    panic_for_test,
    parse_availability,
)
from keystores import CrashingKeystore, ForgetfulKeystore, RefusingKeystore, SoftKeystore

PASS = "a long passphrase, typed by Sam Example".encode()
OTHER_PASS = "another passphrase".encode()
BACKUP_PASS = "backup passphrase for the test".encode()

# 2026-03-28 10:00 UTC: a Saturday, 11:00 in Berlin (the day before clocks go forward).
NOW_MS = int(datetime.datetime(2026, 3, 28, 10, 0, tzinfo=datetime.timezone.utc).timestamp() * 1000)
TODAY = datetime.date(2026, 3, 28)
HOUR_MS = 3600 * 1000


def passphrase(p=PASS):
    return Unlock.PASSPHRASE(p)


class StoreTest(unittest.TestCase):
    """A fresh directory per test, and helpers to make stores in it."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="companion-py-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name="store.db"):
        return os.path.join(self.dir, name)

    def frozen(self, core):
        core.freeze_clock_for_test(NOW_MS)
        core.set_time_zone("Europe/Berlin")
        return core

    def new_store(self, name="store.db", unlock=None):
        return self.frozen(CompanionCore.create(self.path(name), unlock or passphrase()))


class KeyProviderTests(StoreTest):
    def test_store_protected_by_a_python_key_provider(self):
        keystore = SoftKeystore()
        core = self.new_store(unlock=Unlock.DEVICE_KEY(keystore))
        self.assertEqual(keystore.wraps, 1)
        logged = core.log_urge(NewUrge(intensity=6, triggers=["lonely"]))
        self.assertEqual(core.unlock_methods(), [KeyMethod.KEY_PROVIDER])
        self.assertIsNone(core.passphrase_iterations())
        del core

        again = CompanionCore.open(self.path(), Unlock.DEVICE_KEY(keystore))
        self.assertGreaterEqual(keystore.unwraps, 1)
        self.assertEqual(again.urge(logged.id).triggers, ["lonely"])

    def test_another_devices_key_is_refused_and_nothing_changes(self):
        core = self.new_store(unlock=Unlock.DEVICE_KEY(SoftKeystore()))
        core.log_urge(NewUrge(intensity=3))
        del core
        with self.assertRaises(CompanionError.KeyProviderFailed) as e:
            CompanionCore.open(self.path(), Unlock.DEVICE_KEY(SoftKeystore()))
        self.assertIn("did not make that blob", e.exception.detail)
        with self.assertRaises(CompanionError.WrongKey) as e:
            CompanionCore.open(self.path(), Unlock.DEVICE_KEY(ForgetfulKeystore()))
        self.assertEqual(e.exception.method, KeyMethod.KEY_PROVIDER)

    def test_a_key_provider_that_throws_becomes_a_typed_error(self):
        core = self.new_store(unlock=Unlock.DEVICE_KEY(SoftKeystore()))
        core.lock()
        with self.assertRaises(CompanionError.KeyProviderFailed) as e:
            core.unlock(Unlock.DEVICE_KEY(CrashingKeystore()))
        self.assertIn("simulated keystore crash", e.exception.detail)
        self.assertTrue(core.is_locked())
        with self.assertRaises(CompanionError.KeyProviderFailed):
            CompanionCore.open(self.path(), Unlock.DEVICE_KEY(CrashingKeystore()))
        with self.assertRaises(CompanionError.KeyProviderFailed):
            CompanionCore.create(self.path("crashed.db"), Unlock.DEVICE_KEY(CrashingKeystore()))
        self.assertFalse(os.path.exists(self.path("crashed.db")), "a failed create leaves no file behind")

        with self.assertRaises(CompanionError.KeyProviderFailed) as e:
            CompanionCore.create(self.path("refused.db"), Unlock.DEVICE_KEY(RefusingKeystore()))
        self.assertIn("the keystore is locked", e.exception.detail)
        self.assertFalse(os.path.exists(self.path("refused.db")), "a failed create leaves no file behind")

    def test_key_provider_error_carries_its_reason(self):
        err = KeyProviderError.Failed("hardware key unavailable")
        self.assertEqual(err.reason, "hardware key unavailable")


class UrgeTests(StoreTest):
    def test_log_read_edit_and_delete(self):
        core = self.new_store()
        began = core.stamp_at(NOW_MS - 2 * HOUR_MS)
        logged = core.log_urge(
            NewUrge(
                intensity=7,
                occurred=began,
                triggers=["lonely", "late-night scrolling"],
                feelings=["restless"],
                place="at home",
                company=Company.ALONE,
                activity="scrolling",
                note="Sam Example felt it rise after the call",
                duration_secs=900,
                outcome=Outcome.COPED,
                strategies=["called a friend"],
            )
        )
        self.assertEqual(len(logged.id), 26)
        self.assertEqual(logged.occurred, began)
        self.assertEqual(logged.occurred.offset_secs, 3600)
        self.assertEqual(logged.occurred.zone, "Europe/Berlin")
        self.assertEqual(logged.logged.utc_ms, NOW_MS)
        self.assertIsNone(logged.edited_utc_ms)
        self.assertIsNone(logged.surf_session)

        read = core.urge(logged.id)
        self.assertEqual(read, logged)
        self.assertEqual(read.note, "Sam Example felt it rise after the call")

        edited = core.edit_urge(
            logged.id,
            UrgeEdit(intensity=4, outcome=Outcome.SURFED, clear=[UrgeField.NOTE, UrgeField.STRATEGIES]),
        )
        self.assertEqual(edited.intensity, 4)
        self.assertEqual(edited.outcome, Outcome.SURFED)
        self.assertIsNone(edited.note)
        self.assertEqual(edited.strategies, [])
        self.assertEqual(edited.edited_utc_ms, NOW_MS)
        self.assertEqual(edited.place, "at home", "fields not named stay as they were")
        self.assertEqual(core.urge(logged.id), edited)

        ended = core.edit_urge(logged.id, UrgeEdit(ended=core.stamp_at(NOW_MS - HOUR_MS)))
        self.assertEqual(ended.duration_secs, 3600)

        core.delete_urge(logged.id)
        with self.assertRaises(CompanionError.NotFound) as e:
            core.urge(logged.id)
        self.assertEqual(e.exception.what, "urge entry")
        with self.assertRaises(CompanionError.NotFound):
            core.delete_urge(logged.id)

    def test_lists_by_day_range_and_trigger(self):
        core = self.new_store()
        day_ms = 24 * HOUR_MS
        for ago_ms, trigger in [(HOUR_MS, "stressed"), (0, "lonely"), (day_ms, "lonely"), (9 * day_ms, "bored")]:
            core.log_urge(NewUrge(intensity=5, occurred=core.stamp_at(NOW_MS - ago_ms), triggers=[trigger]))

        today = core.urges_on(TODAY, False)
        self.assertEqual([u.triggers for u in today.urges], [["stressed"], ["lonely"]])
        self.assertEqual(today.unreadable, [])
        self.assertIsNone(today.urges[0].note, "heads only unless details are asked for")

        week = core.urges(UrgeQuery(_from=TODAY - datetime.timedelta(days=6), to=TODAY))
        self.assertEqual(len(week.urges), 3)
        lonely = core.urges(UrgeQuery(trigger="  LONELY "))
        self.assertEqual(len(lonely.urges), 2)
        everything = core.urges(UrgeQuery(with_details=True))
        self.assertEqual(len(everything.urges), 4)
        self.assertEqual(
            [u.occurred.utc_ms for u in everything.urges], sorted(u.occurred.utc_ms for u in everything.urges)
        )

        triggers = core.trigger_suggestions(30)
        self.assertEqual(triggers[0], "lonely", "the person's own words first, most used first")
        self.assertIn("bored", triggers)
        feelings = core.feeling_suggestions(30)
        self.assertIn("anxious", feelings)

    def test_invalid_input_names_the_field(self):
        core = self.new_store()
        cases = [
            (lambda: core.log_urge(NewUrge(intensity=11)), "intensity"),
            (lambda: core.log_urge(NewUrge(intensity=5, note="x" * 20_000)), "note"),
            (lambda: core.log_urge(NewUrge(intensity=5, outcome=Outcome.COPED)), "strategies"),
            (lambda: core.log_urge(NewUrge(intensity=5, occurred=core.stamp_at(NOW_MS + 2 * HOUR_MS))), "time"),
            (lambda: core.urge("not-an-id"), "id"),
            (lambda: core.urges(UrgeQuery(_from=TODAY, to=TODAY - datetime.timedelta(days=1))), "date range"),
            (lambda: core.set_time_zone("Mars/Olympus_Mons"), "time zone"),
            (lambda: core.stamp_at(2**62), "time"),
            (lambda: core.export_backup(b""), "passphrase"),
        ]
        logged = core.log_urge(NewUrge(intensity=2))
        cases.append((lambda: core.edit_urge(logged.id, UrgeEdit()), "edit"))
        for call, field in cases:
            with self.subTest(field=field):
                with self.assertRaises(CompanionError.InvalidInput) as e:
                    call()
                self.assertEqual(e.exception.field, field)
                self.assertTrue(e.exception.detail.startswith(field), e.exception.detail)
        self.assertEqual(len(core.urges(UrgeQuery()).urges), 1, "nothing invalid was stored")


class PlanTests(StoreTest):
    def build_plan(self, core):
        first = core.edit_plan([PlanEdit.ADD_TRIGGER(name="lonely"), PlanEdit.ADD_WARNING_SIGN(name="scrolling late at night")])
        lonely, scrolling = first.added
        second = core.edit_plan(
            [
                PlanEdit.ADD_STRATEGY(for_item=lonely, text="call Sam Example", kind=None),
                PlanEdit.ADD_STRATEGY(for_item=lonely, text="go for a run", kind=StrategyKind.VALUED_ACTIVITY),
                PlanEdit.ADD_STRATEGY(for_item=None, text="wait fifteen minutes", kind=StrategyKind.DELAY),
                PlanEdit.ADD_PERSON(name="Sam Example", how="555-0100", availability=[parse_availability("daily 18-22")]),
                PlanEdit.ADD_PROFESSIONAL(name="Example crisis line", how="000", availability=[], crisis_line=True),
                PlanEdit.ADD_DISTRACTION(text="the climbing gym"),
                PlanEdit.ADD_ENVIRONMENT_CHANGE(text="the phone charges in the kitchen"),
                PlanEdit.ADD_REASON(text="to be present with my family"),
            ]
        )
        return lonely, scrolling, second

    def test_an_empty_plan_offers_suggestions(self):
        core = self.new_store()
        listing = core.plan()
        self.assertEqual(listing.plan.triggers, [])
        self.assertEqual(listing.unreadable, [])
        found = core.find_in_plan(LookupQuery(text="lonely"))
        self.assertTrue(found.strategies)
        self.assertTrue(all(s.source == StrategySource.SUGGESTION and s.id is None for s in found.strategies))

    def test_edit_the_plan_and_look_up_strategies(self):
        core = self.new_store()
        lonely, scrolling, edited = self.build_plan(core)
        plan = edited.plan
        self.assertEqual([t.name for t in plan.triggers], ["lonely"])
        self.assertEqual(plan.warning_signs[0].kind, ItemKind.WARNING_SIGN)
        call, run = plan.triggers[0].strategies
        self.assertEqual(call.kind, StrategyKind.REACH_OUT, "a kind is guessed from the words")
        self.assertEqual(guess_strategy_kind("call Sam Example"), StrategyKind.REACH_OUT)
        self.assertEqual(len(edited.added), 8)
        self.assertEqual(plan.people[0].availability[0].from_minute, 18 * 60)
        self.assertTrue(plan.professionals[0].crisis_line)

        # Typos and inflections still find the trigger; at high intensity reach out first.
        found = core.find_in_plan(LookupQuery(text="feeling lonley tonight", intensity=8))
        self.assertTrue(found.high_intensity)
        self.assertEqual(found.matched[0].id, lonely)
        self.assertEqual(found.matched[0].how, MatchHow.FULL)
        self.assertEqual(found.strategies[0].text, "call Sam Example")
        self.assertEqual(found.contacts[0].contact.name, "Example crisis line")
        self.assertTrue(found.contacts[0].reachable_now)
        self.assertFalse(found.contacts[1].reachable_now, "Sam Example is reachable 18-22; it is 11:00")
        self.assertEqual(found.reasons[0].text, "to be present with my family")

        finder = core.plan_finder()
        self.assertEqual(finder.plan(), plan)
        tapped = finder.find(LookupQuery(text="", item=lonely, limit=1))
        self.assertEqual(len(tapped.strategies), 1)
        self.assertEqual(tapped.matched[0].how, MatchHow.TAPPED)

        changed = core.edit_plan(
            [
                PlanEdit.MOVE(id=run.id, position=0),
                PlanEdit.RENAME(id=lonely, text="loneliness"),
                PlanEdit.SET_KIND(id=run.id, kind=StrategyKind.DISTRACT),
                PlanEdit.SET_HOW(id=plan.people[0].id, how=None),
                PlanEdit.SET_AVAILABILITY(id=plan.people[0].id, availability=[]),
                PlanEdit.SET_CRISIS_LINE(id=plan.professionals[0].id, crisis_line=False),
                PlanEdit.REMOVE(id=scrolling),
            ]
        ).plan
        self.assertEqual([s.text for s in changed.triggers[0].strategies], ["go for a run", "call Sam Example"])
        self.assertEqual(changed.triggers[0].name, "loneliness")
        self.assertEqual(changed.triggers[0].strategies[0].kind, StrategyKind.DISTRACT)
        self.assertIsNone(changed.people[0].how)
        self.assertEqual(changed.warning_signs, [])
        self.assertEqual(core.plan().plan, changed)

        core.apply_plan_change(PlanChange.ADD_STRATEGY(for_item="stressed", text="box breathing", kind=StrategyKind.GROUND_OR_BREATHE))
        core.apply_plan_change(PlanChange.ADD_TRIGGER(name="Loneliness"))  # already there: nothing changes
        core.apply_plan_change(PlanChange.ADD_WARNING_SIGN(text="skipping meals"))
        core.apply_plan_change(PlanChange.ADD_ENVIRONMENT_CHANGE(text="no phone in the bedroom"))
        core.apply_plan_change(PlanChange.ADD_REASON(text="my health"))
        after = core.plan().plan
        self.assertEqual(sorted(t.name for t in after.triggers), ["loneliness", "stressed"])
        self.assertEqual(len(after.environment), 2)

        for call_, field in [
            (lambda: core.edit_plan([]), "edit"),
            (lambda: parse_availability("whenever Sam Example is free"), "availability"),
            (lambda: core.find_in_plan(LookupQuery(text="x", intensity=11)), "intensity"),
        ]:
            with self.subTest(field=field):
                with self.assertRaises(CompanionError.InvalidInput) as e:
                    call_()
                self.assertEqual(e.exception.field, field)
        with self.assertRaises(CompanionError.InvalidInput):
            core.edit_plan([PlanEdit.REMOVE(id="0" * 26)])

    def test_strategy_uses_teach_the_ranking(self):
        core = self.new_store()
        lonely, _, edited = self.build_plan(core)
        run = edited.plan.triggers[0].strategies[1]
        use = core.start_strategy(run.id, UseContext(for_item=lonely, intensity=6))
        self.assertEqual(use.strategy_text, "go for a run")
        self.assertIsNone(use.helped)
        self.assertTrue(core.finish_strategy(use.id, True).helped)
        urge = core.log_urge(NewUrge(intensity=4, triggers=["lonely"]))
        self.assertEqual(core.link_strategy_use(use.id, urge.id).urge, urge.id)
        uses = core.strategy_uses(DayRange(_from=TODAY, to=TODAY))
        self.assertEqual([u.id for u in uses.uses], [use.id])
        stats = core.strategy_stats(DayRange())
        self.assertEqual([(s.strategy, s.used, s.helped) for s in stats.overall], [("go for a run", 1, 1)])
        with self.assertRaises(CompanionError.NotFound):
            core.finish_strategy(urge.id, True)
        with self.assertRaises(CompanionError.InvalidInput):
            core.start_strategy("nope", UseContext())

    def test_two_copies_merge(self):
        mine = self.new_store()
        self.build_plan(mine)
        theirs = self.new_store("clinician.db")
        theirs.apply_plan_change(PlanChange.ADD_REASON(text="my health"))
        merged = theirs.merge_plan(mine.plan_document())
        self.assertEqual([t.name for t in merged.triggers], ["lonely"])
        self.assertEqual(sorted(r.text for r in merged.reasons), ["my health", "to be present with my family"])
        with self.assertRaises(CompanionError.StorageCorrupt):
            theirs.merge_plan(b"not a plan document")


class LockAndRekeyTests(StoreTest):
    def test_lock_and_unlock(self):
        core = self.new_store()
        logged = core.log_urge(NewUrge(intensity=5))
        self.assertFalse(core.is_locked())
        core.lock()
        self.assertTrue(core.is_locked())
        with self.assertRaises(CompanionError.NotAllowed):
            core.urge(logged.id)
        with self.assertRaises(CompanionError.WrongKey) as e:
            core.unlock(passphrase(OTHER_PASS))
        self.assertEqual(e.exception.method, KeyMethod.PASSPHRASE)
        self.assertTrue(core.is_locked())
        core.unlock(passphrase())
        self.assertEqual(core.urge(logged.id).intensity, 5)
        self.assertEqual(core.path(), self.path())

    def test_rekey_with_passphrase_and_device_key(self):
        core = self.new_store()
        self.assertEqual(core.passphrase_iterations(), 600_000)
        keystore = SoftKeystore()
        core.set_unlock_method(Unlock.DEVICE_KEY(keystore), True)
        self.assertEqual(sorted(core.unlock_methods(), key=str), sorted([KeyMethod.PASSPHRASE, KeyMethod.KEY_PROVIDER], key=str))

        core.set_unlock_method(passphrase(OTHER_PASS), False)
        self.assertEqual(core.unlock_methods(), [KeyMethod.PASSPHRASE])
        with self.assertRaises(CompanionError.WrongKey):
            CompanionCore.open(self.path(), passphrase(PASS))
        with self.assertRaises(CompanionError.NotFound) as e:
            CompanionCore.open(self.path(), Unlock.DEVICE_KEY(keystore))
        self.assertEqual(e.exception.what, "unlock method")
        CompanionCore.open(self.path(), passphrase(OTHER_PASS))

        with self.assertRaises(CompanionError.NotAllowed):
            core.remove_unlock_method(KeyMethod.PASSPHRASE)
        with self.assertRaises(CompanionError.NotFound):
            core.remove_unlock_method(KeyMethod.KEY_PROVIDER)
        core.set_unlock_method(Unlock.DEVICE_KEY(keystore), True)
        core.remove_unlock_method(KeyMethod.PASSPHRASE)
        self.assertEqual(core.unlock_methods(), [KeyMethod.KEY_PROVIDER])
        CompanionCore.open(self.path(), Unlock.DEVICE_KEY(keystore))

    def test_info(self):
        core = self.new_store()
        core.log_urge(NewUrge(intensity=1))
        core.log_urge(NewUrge(intensity=2))
        info = core.info()
        self.assertEqual(info.records, 2)
        self.assertGreater(info.file_bytes, 0)
        self.assertEqual(info.key_methods, [KeyMethod.PASSPHRASE])
        self.assertGreaterEqual(info.schema_version, 1)


class BackupTests(StoreTest):
    def test_export_and_restore(self):
        core = self.new_store()
        first = core.log_urge(NewUrge(intensity=8, note="Sam Example's note", triggers=["payday"]))
        second = core.log_urge(NewUrge(intensity=3))
        backup = core.export_backup(BACKUP_PASS)
        self.assertIsInstance(backup, Backup)
        self.assertEqual(backup.records, 2)
        self.assertEqual(backup.unreadable, [])
        self.assertTrue(is_backup_file(backup.bytes))
        self.assertFalse(is_backup_file(b"hello"))
        self.assertNotIn(b"Sam Example", backup.bytes)

        restored = self.new_store("restored.db", passphrase(OTHER_PASS))
        with self.assertRaises(CompanionError.WrongKey):
            restored.restore_backup(backup.bytes, b"not the backup passphrase")
        with self.assertRaises(CompanionError.BadExportFile):
            restored.restore_backup(backup.bytes[: len(backup.bytes) // 2], BACKUP_PASS)
        with self.assertRaises(CompanionError.BadExportFile):
            restored.restore_backup(b"not a backup at all", BACKUP_PASS)
        self.assertEqual(restored.restore_backup(backup.bytes, BACKUP_PASS), 2)
        self.assertEqual(restored.urge(first.id), first)
        self.assertEqual(restored.urge(second.id), second)
        with self.assertRaises(CompanionError.NotAllowed):
            restored.restore_backup(backup.bytes, BACKUP_PASS)


class AsyncTests(StoreTest):
    def test_async_variants_do_not_block_the_event_loop(self):
        async def scenario():
            ticks = 0
            stop = asyncio.Event()

            async def ticker():
                nonlocal ticks
                while not stop.is_set():
                    ticks += 1
                    await asyncio.sleep(0.005)

            ticking = asyncio.create_task(ticker())
            core = await create_store_async(self.path(), passphrase())
            stop.set()
            await ticking
            self.assertGreater(ticks, 3, "the loop kept running while the key was derived")

            self.frozen(core)
            core.log_urge(NewUrge(intensity=4))
            core.lock()
            await core.unlock_async(passphrase())
            keystore = SoftKeystore()
            await core.set_unlock_method_async(Unlock.DEVICE_KEY(keystore), True)
            reopened = await open_store_async(self.path(), Unlock.DEVICE_KEY(keystore))
            backup = await reopened.export_backup_async(BACKUP_PASS)
            target = await create_store_async(self.path("target.db"), passphrase(OTHER_PASS))
            self.assertEqual(await target.restore_backup_async(backup.bytes, BACKUP_PASS), 1)
            with self.assertRaises(CompanionError.WrongKey):
                await open_store_async(self.path(), passphrase(OTHER_PASS))

        asyncio.run(scenario())


class StorageErrorTests(StoreTest):
    def test_missing_existing_and_unopenable_stores(self):
        with self.assertRaises(CompanionError.NotFound) as e:
            CompanionCore.open(self.path("missing.db"), passphrase())
        self.assertEqual(e.exception.what, "store")
        self.new_store()
        with self.assertRaises(CompanionError.AlreadyExists) as e:
            CompanionCore.create(self.path(), passphrase())
        self.assertEqual(e.exception.what, "store")
        with self.assertRaises(CompanionError.StorageFailed):
            CompanionCore.create(self.path("no/such/dir/store.db"), passphrase())

    def test_corrupt_and_newer_stores(self):
        junk = self.path("junk.db")
        with open(junk, "wb") as f:
            f.write(b"this is not a companion store " * 200)
        with self.assertRaises(CompanionError.StorageCorrupt):
            CompanionCore.open(junk, passphrase())

        core = self.new_store("newer.db")
        del core
        # The schema version is SQLite's user_version: 4 bytes at offset 60 of the header.
        with open(self.path("newer.db"), "r+b") as f:
            f.seek(60)
            f.write((999).to_bytes(4, "big"))
        with self.assertRaises(CompanionError.NeedsNewerApp):
            CompanionCore.open(self.path("newer.db"), passphrase())

    def test_busy_store(self):
        holder = self.new_store()
        other = CompanionCore.open(self.path(), passphrase())
        started = threading.Event()

        def hold():
            started.set()
            holder.hold_write_lock_for_test(7000)

        t = threading.Thread(target=hold)
        t.start()
        started.wait()
        time.sleep(0.5)
        with self.assertRaises(CompanionError.Busy):
            other.log_urge(NewUrge(intensity=2))
        t.join()
        other.log_urge(NewUrge(intensity=2))

    def test_full_disk(self):
        full_dir = os.environ.get("COMPANION_FULL_DIR")
        self.assertTrue(full_dir, "run through run-foreign-tests.sh, which provides a small file system")
        path = os.path.join(full_dir, "py-full.db")
        filler = os.path.join(full_dir, "py-filler")
        try:
            core = self.frozen(CompanionCore.create(path, passphrase()))
            core.log_urge(NewUrge(intensity=1))
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
            try:
                while True:
                    os.write(fd, b"\0" * 65536)
            except OSError:
                pass
            try:
                while True:
                    os.write(fd, b"\0" * 512)
            except OSError:
                pass
            os.close(fd)
            with self.assertRaises(CompanionError.StorageFull):
                core.log_urge(NewUrge(intensity=9, note="x" * 5000))
            os.remove(filler)
            core.log_urge(NewUrge(intensity=2))
            self.assertEqual(core.info().records, 2, "the failed entry left nothing behind")
        finally:
            for p in (filler, path, path + "-wal", path + "-shm"):
                if os.path.exists(p):
                    os.remove(p)


class ThreadingTests(StoreTest):
    def test_many_threads_share_one_core(self):
        core = self.new_store()
        errors = []

        def work(n):
            try:
                for i in range(10):
                    core.log_urge(NewUrge(intensity=(n + i) % 11))
                    core.urges_on(TODAY, False)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(core.urges_on(TODAY, False).urges), 60)


class PanicTests(StoreTest):
    def test_a_panic_becomes_an_exception_and_the_process_goes_on(self):
        with self.assertRaises(InternalError) as e:
            panic_for_test("deliberate test panic")
        self.assertIn("deliberate test panic", str(e.exception))

        core = self.new_store()
        core.log_urge(NewUrge(intensity=5))
        with self.assertRaises(InternalError):
            core.panic_during_write_for_test()
        self.assertEqual(core.info().records, 1, "the panicking transaction was rolled back")
        core.log_urge(NewUrge(intensity=6))
        self.assertEqual(len(core.urges(UrgeQuery()).urges), 2)
        with self.assertRaises(InternalError):
            panic_for_test("and again")


class ClockTests(StoreTest):
    def test_time_zone_and_frozen_clock(self):
        core = CompanionCore.create(self.path(), passphrase())
        core.freeze_clock_for_test(NOW_MS)
        core.set_time_zone("America/New_York")
        self.assertEqual(core.time_zone(), "America/New_York")
        self.assertEqual(core.now().utc_ms, NOW_MS)
        self.assertEqual(core.now().offset_secs, -4 * 3600)
        self.assertEqual(core.today(), TODAY)
        core.set_time_zone("+05:30")
        self.assertEqual(core.time_zone(), "+05:30")
        self.assertEqual(core.stamp_at(NOW_MS).offset_secs, 5 * 3600 + 1800)
        core.freeze_clock_for_test(None)
        self.assertGreater(core.now().utc_ms, NOW_MS)


if __name__ == "__main__":
    unittest.main()
