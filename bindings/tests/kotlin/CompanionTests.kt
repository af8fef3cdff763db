// The companion API from Kotlin on the JVM, through the generated UniFFI bindings (test-hooks
// build), as the Android app uses it. Run by bindings/scripts/run-foreign-tests.sh. Every test
// has its own temporary directory; the clock is frozen where dates matter. Fake data only.
package app.companion.tests

import app.companion.CompanionCore
import app.companion.CompanionException
import app.companion.InternalException
import app.companion.KeyProviderException
import app.companion.Unlock
import app.companion.createStoreAsync
import app.companion.isBackupFile
import app.companion.openStoreAsync
import app.companion.panicForTest
import app.companion.core.Company
import app.companion.core.KeyMethod
import app.companion.core.NewUrge
import app.companion.core.Outcome
import app.companion.core.UrgeEdit
import app.companion.core.UrgeField
import app.companion.core.UrgeQuery
import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.io.RandomAccessFile
import java.time.LocalDate
import java.time.ZoneOffset
import java.time.ZonedDateTime
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking

val PASS = "a long passphrase, typed by Sam Example".toByteArray()
val OTHER_PASS = "another passphrase".toByteArray()
val BACKUP_PASS = "backup passphrase for the test".toByteArray()

// 2026-03-28 10:00 UTC: a Saturday, 11:00 in Berlin (the day before clocks go forward).
val NOW_MS: Long = ZonedDateTime.of(2026, 3, 28, 10, 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli()
val TODAY: LocalDate = LocalDate.of(2026, 3, 28)
const val HOUR_MS = 3_600_000L

fun passphrase(p: ByteArray = PASS): Unlock = Unlock.Passphrase(p)

fun CompanionCore.frozen(): CompanionCore = apply {
    freezeClockForTest(NOW_MS)
    setTimeZone("Europe/Berlin")
}

fun TestContext.newStore(name: String = "store.db", unlock: Unlock = passphrase()): CompanionCore =
    CompanionCore.create(path(name), unlock).frozen()

fun registerCompanionTests() {
    Tests.group("key provider") {
        test("a store protected by a Kotlin key provider (the app's AES-GCM provider)") {
            val provider = CountingAesProvider()
            val id = newStore(unlock = Unlock.DeviceKey(provider)).use { core ->
                assertEquals(1, provider.wraps, "wraps")
                assertEquals(listOf(KeyMethod.KEY_PROVIDER), core.unlockMethods(), "unlock methods")
                assertEquals(null, core.passphraseIterations(), "passphrase iterations")
                core.logUrge(NewUrge(intensity = 6u, triggers = listOf("lonely"))).id
            }
            CompanionCore.open(path(), Unlock.DeviceKey(provider)).use { again ->
                check(provider.unwraps >= 1) { "the provider unwrapped the key" }
                assertEquals(listOf("lonely"), again.urge(id).triggers, "triggers")
            }
        }

        test("another device's key is refused and nothing changes") {
            newStore(unlock = Unlock.DeviceKey(CountingAesProvider())).use { it.logUrge(NewUrge(intensity = 3u)) }
            val refused = assertThrows<CompanionException.KeyProviderFailed> {
                CompanionCore.open(path(), Unlock.DeviceKey(CountingAesProvider()))
            }
            check("AEADBadTagException" in refused.detail) { refused.detail }
            val wrong = assertThrows<CompanionException.WrongKey> {
                CompanionCore.open(path(), Unlock.DeviceKey(ForgetfulProvider()))
            }
            assertEquals(KeyMethod.KEY_PROVIDER, wrong.method, "method")
        }

        test("a key provider that throws becomes a typed error, never a crash") {
            newStore(unlock = Unlock.DeviceKey(CountingAesProvider())).use { core ->
                core.lock()
                val e = assertThrows<CompanionException.KeyProviderFailed> {
                    core.unlock(Unlock.DeviceKey(CrashingProvider()))
                }
                check("simulated keystore crash" in e.detail) { e.detail }
                check(core.isLocked()) { "still locked" }
            }
            assertThrows<CompanionException.KeyProviderFailed> {
                CompanionCore.open(path(), Unlock.DeviceKey(CrashingProvider()))
            }
            val refused = assertThrows<CompanionException.KeyProviderFailed> {
                CompanionCore.create(path("refused.db"), Unlock.DeviceKey(RefusingProvider()))
            }
            check("the keystore is locked" in refused.detail) { refused.detail }
            check(!File(path("refused.db")).exists()) { "a failed create leaves no file behind" }
            assertEquals("hardware key unavailable", KeyProviderException.Failed("hardware key unavailable").reason)
        }
    }

    Tests.group("urges") {
        test("log, read, edit and delete") {
            newStore().use { core ->
                val began = core.stampAt(NOW_MS - 2 * HOUR_MS)
                val logged = core.logUrge(
                    NewUrge(
                        intensity = 7u,
                        occurred = began,
                        triggers = listOf("lonely", "late-night scrolling"),
                        feelings = listOf("restless"),
                        place = "at home",
                        company = Company.ALONE,
                        activity = "scrolling",
                        note = "Sam Example felt it rise after the call",
                        durationSecs = 900u,
                        outcome = Outcome.COPED,
                        strategies = listOf("called a friend"),
                    ),
                )
                assertEquals(26, logged.id.length, "id length")
                assertEquals(began, logged.occurred, "occurred")
                assertEquals(3600, logged.occurred.offsetSecs, "offset")
                assertEquals("Europe/Berlin", logged.occurred.zone, "zone")
                assertEquals(NOW_MS, logged.logged.utcMs, "logged")
                assertEquals(logged, core.urge(logged.id), "read back")

                val edited = core.editUrge(
                    logged.id,
                    UrgeEdit(intensity = 4u, outcome = Outcome.SURFED, clear = listOf(UrgeField.NOTE, UrgeField.STRATEGIES)),
                )
                assertEquals(4.toUByte(), edited.intensity, "intensity")
                assertEquals(null, edited.note, "note cleared")
                assertEquals(emptyList<String>(), edited.strategies, "strategies cleared")
                assertEquals(NOW_MS, edited.editedUtcMs, "edited at")
                assertEquals("at home", edited.place, "untouched field")
                assertEquals(edited, core.urge(logged.id), "edit stored")

                val ended = core.editUrge(logged.id, UrgeEdit(ended = core.stampAt(NOW_MS - HOUR_MS)))
                assertEquals(3600u, ended.durationSecs, "duration from end")

                core.deleteUrge(logged.id)
                val gone = assertThrows<CompanionException.NotFound> { core.urge(logged.id) }
                assertEquals("urge entry", gone.what, "what")
                assertThrows<CompanionException.NotFound> { core.deleteUrge(logged.id) }
            }
        }

        test("lists by day, range and trigger; suggestions") {
            newStore().use { core ->
                val day = 24 * HOUR_MS
                for ((agoMs, trigger) in listOf(HOUR_MS to "stressed", 0L to "lonely", day to "lonely", 9 * day to "bored")) {
                    core.logUrge(NewUrge(intensity = 5u, occurred = core.stampAt(NOW_MS - agoMs), triggers = listOf(trigger)))
                }
                val today = core.urgesOn(TODAY, false)
                assertEquals(listOf(listOf("stressed"), listOf("lonely")), today.urges.map { it.triggers }, "today")
                assertEquals(0, today.unreadable.size, "unreadable")
                assertEquals(3, core.urges(UrgeQuery(from = TODAY.minusDays(6), to = TODAY)).urges.size, "this week")
                assertEquals(2, core.urges(UrgeQuery(trigger = "  LONELY ")).urges.size, "by trigger")
                val all = core.urges(UrgeQuery(withDetails = true)).urges
                assertEquals(4, all.size, "all")
                assertEquals(all.map { it.occurred.utcMs }.sorted(), all.map { it.occurred.utcMs }, "oldest first")
                assertEquals("lonely", core.triggerSuggestions(30L).first(), "own words first")
                check("anxious" in core.feelingSuggestions(30L)) { "built-in feelings offered" }
            }
        }

        test("invalid input names the field") {
            newStore().use { core ->
                val logged = core.logUrge(NewUrge(intensity = 2u))
                val cases: List<Pair<String, () -> Any?>> = listOf(
                    "intensity" to { core.logUrge(NewUrge(intensity = 11u)) },
                    "note" to { core.logUrge(NewUrge(intensity = 5u, note = "x".repeat(20_000))) },
                    "strategies" to { core.logUrge(NewUrge(intensity = 5u, outcome = Outcome.COPED)) },
                    "time" to { core.logUrge(NewUrge(intensity = 5u, occurred = core.stampAt(NOW_MS + 2 * HOUR_MS))) },
                    "id" to { core.urge("not-an-id") },
                    "date range" to { core.urges(UrgeQuery(from = TODAY, to = TODAY.minusDays(1))) },
                    "time zone" to { core.setTimeZone("Mars/Olympus_Mons") },
                    "time" to { core.stampAt(Long.MAX_VALUE) },
                    "passphrase" to { core.exportBackup(ByteArray(0)) },
                    "edit" to { core.editUrge(logged.id, UrgeEdit()) },
                )
                for ((field, call) in cases) {
                    val e = assertThrows<CompanionException.InvalidInput>(field) { call() }
                    assertEquals(field, e.field, "field")
                    check(e.detail.startsWith(field)) { e.detail }
                    check(e.toString() == e.detail) { "toString() is the plain sentence: $e" }
                }
                assertEquals(1, core.urges(UrgeQuery()).urges.size, "nothing invalid was stored")
            }
        }
    }

    Tests.group("lock and rekey") {
        test("lock and unlock") {
            newStore().use { core ->
                val logged = core.logUrge(NewUrge(intensity = 5u))
                check(!core.isLocked()) { "open" }
                core.lock()
                check(core.isLocked()) { "locked" }
                assertThrows<CompanionException.NotAllowed> { core.urge(logged.id) }
                val wrong = assertThrows<CompanionException.WrongKey> { core.unlock(passphrase(OTHER_PASS)) }
                assertEquals(KeyMethod.PASSPHRASE, wrong.method, "method")
                check(core.isLocked()) { "a wrong key leaves it locked" }
                core.unlock(passphrase())
                assertEquals(5.toUByte(), core.urge(logged.id).intensity, "readable again")
                assertEquals(path(), core.path(), "path")
            }
        }

        test("rekey with a passphrase and a device key") {
            newStore().use { core ->
                assertEquals(600_000u, core.passphraseIterations(), "iterations")
                val provider = CountingAesProvider()
                core.setUnlockMethod(Unlock.DeviceKey(provider), true)
                assertEquals(setOf(KeyMethod.PASSPHRASE, KeyMethod.KEY_PROVIDER), core.unlockMethods().toSet(), "both")
                core.setUnlockMethod(passphrase(OTHER_PASS), false)
                assertEquals(listOf(KeyMethod.PASSPHRASE), core.unlockMethods(), "only the new passphrase")
                assertThrows<CompanionException.WrongKey> { CompanionCore.open(path(), passphrase(PASS)) }
                val noSlot = assertThrows<CompanionException.NotFound> { CompanionCore.open(path(), Unlock.DeviceKey(provider)) }
                assertEquals("unlock method", noSlot.what, "what")
                CompanionCore.open(path(), passphrase(OTHER_PASS)).close()

                assertThrows<CompanionException.NotAllowed> { core.removeUnlockMethod(KeyMethod.PASSPHRASE) }
                assertThrows<CompanionException.NotFound> { core.removeUnlockMethod(KeyMethod.KEY_PROVIDER) }
                core.setUnlockMethod(Unlock.DeviceKey(provider), true)
                core.removeUnlockMethod(KeyMethod.PASSPHRASE)
                assertEquals(listOf(KeyMethod.KEY_PROVIDER), core.unlockMethods(), "only the device key")
                CompanionCore.open(path(), Unlock.DeviceKey(provider)).close()
            }
        }

        test("info") {
            newStore().use { core ->
                core.logUrge(NewUrge(intensity = 1u))
                core.logUrge(NewUrge(intensity = 2u))
                val info = core.info()
                assertEquals(2uL, info.records, "records")
                check(info.fileBytes > 0uL) { "file size" }
                assertEquals(listOf(KeyMethod.PASSPHRASE), info.keyMethods, "key methods")
                check(info.schemaVersion >= 1u) { "schema version" }
            }
        }
    }

    Tests.group("backup") {
        test("export and restore") {
            newStore().use { core ->
                val first = core.logUrge(NewUrge(intensity = 8u, note = "Sam Example's note", triggers = listOf("payday")))
                val second = core.logUrge(NewUrge(intensity = 3u))
                val backup = core.exportBackup(BACKUP_PASS)
                assertEquals(2uL, backup.records, "records")
                assertEquals(0, backup.unreadable.size, "unreadable")
                check(isBackupFile(backup.bytes)) { "recognised as a backup" }
                check(!isBackupFile("hello".toByteArray())) { "not a backup" }
                check(!String(backup.bytes, Charsets.ISO_8859_1).contains("Sam Example")) { "encrypted" }

                newStore("restored.db", passphrase(OTHER_PASS)).use { restored ->
                    assertThrows<CompanionException.WrongKey> { restored.restoreBackup(backup.bytes, "nope".toByteArray()) }
                    assertThrows<CompanionException.BadExportFile> {
                        restored.restoreBackup(backup.bytes.copyOf(backup.bytes.size / 2), BACKUP_PASS)
                    }
                    assertThrows<CompanionException.BadExportFile> { restored.restoreBackup("junk".toByteArray(), BACKUP_PASS) }
                    assertEquals(2uL, restored.restoreBackup(backup.bytes, BACKUP_PASS), "restored")
                    assertEquals(first, restored.urge(first.id), "first")
                    assertEquals(second, restored.urge(second.id), "second")
                    assertThrows<CompanionException.NotAllowed> { restored.restoreBackup(backup.bytes, BACKUP_PASS) }
                }
            }
        }
    }

    Tests.group("coroutines") {
        test("suspend variants run off the caller's thread") {
            runBlocking {
                val ticks = AtomicInteger()
                val ticker = async {
                    while (true) {
                        ticks.incrementAndGet()
                        delay(5)
                    }
                }
                // runBlocking is single-threaded: the ticker only advances if the key
                // derivation does not block this thread.
                val core = createStoreAsync(path(), passphrase()).frozen()
                ticker.cancel()
                check(ticks.get() > 3) { "the caller's thread kept running (${ticks.get()} ticks)" }

                core.logUrge(NewUrge(intensity = 4u))
                core.lock()
                core.unlockAsync(passphrase())
                val provider = CountingAesProvider()
                core.setUnlockMethodAsync(Unlock.DeviceKey(provider), true)
                val reopened = openStoreAsync(path(), Unlock.DeviceKey(provider))
                val backup = reopened.exportBackupAsync(BACKUP_PASS)
                val target = createStoreAsync(path("target.db"), passphrase(OTHER_PASS))
                assertEquals(1uL, target.restoreBackupAsync(backup.bytes, BACKUP_PASS), "restored")
                try {
                    openStoreAsync(path(), passphrase(OTHER_PASS))
                    throw AssertionFailed("a wrong passphrase must fail")
                } catch (e: CompanionException.WrongKey) {
                    // expected
                }
                listOf(core, reopened, target).forEach { it.close() }
            }
        }

        test("many threads share one core") {
            newStore().use { core ->
                val failures = AtomicInteger()
                val threads = (0 until 6).map { n ->
                    thread {
                        try {
                            repeat(10) { i ->
                                core.logUrge(NewUrge(intensity = ((n + i) % 11).toUByte()))
                                core.urgesOn(TODAY, false)
                            }
                        } catch (e: Throwable) {
                            failures.incrementAndGet()
                        }
                    }
                }
                threads.forEach { it.join() }
                assertEquals(0, failures.get(), "failures")
                assertEquals(60, core.urgesOn(TODAY, false).urges.size, "all logged")
                runBlocking(Dispatchers.IO) { assertEquals(60, core.urgesOn(TODAY, false).urges.size, "from Dispatchers.IO") }
            }
        }
    }

    Tests.group("storage errors") {
        test("missing, existing and unopenable stores") {
            val missing = assertThrows<CompanionException.NotFound> { CompanionCore.open(path("missing.db"), passphrase()) }
            assertEquals("store", missing.what, "what")
            newStore().close()
            val exists = assertThrows<CompanionException.AlreadyExists> { CompanionCore.create(path(), passphrase()) }
            assertEquals("store", exists.what, "what")
            assertThrows<CompanionException.StorageFailed> { CompanionCore.create(path("no/such/dir/store.db"), passphrase()) }
        }

        test("corrupt and newer stores") {
            File(path("junk.db")).writeBytes("this is not a companion store ".repeat(200).toByteArray())
            assertThrows<CompanionException.StorageCorrupt> { CompanionCore.open(path("junk.db"), passphrase()) }

            newStore("newer.db").close()
            // The schema version is SQLite's user_version: 4 bytes at offset 60 of the header.
            RandomAccessFile(path("newer.db"), "rw").use { f ->
                f.seek(60)
                f.writeInt(999)
            }
            assertThrows<CompanionException.NeedsNewerApp> { CompanionCore.open(path("newer.db"), passphrase()) }
        }

        test("a busy store") {
            newStore().use { holder ->
                CompanionCore.open(path(), passphrase()).use { other ->
                    val started = CountDownLatch(1)
                    val t = thread {
                        started.countDown()
                        holder.holdWriteLockForTest(7000u)
                    }
                    started.await()
                    Thread.sleep(500)
                    assertThrows<CompanionException.Busy> { other.logUrge(NewUrge(intensity = 2u)) }
                    t.join()
                    other.logUrge(NewUrge(intensity = 2u))
                }
            }
        }

        test("a full disk") {
            val fullDir = System.getenv("COMPANION_FULL_DIR")
            check(!fullDir.isNullOrEmpty()) { "run through run-foreign-tests.sh, which provides a small file system" }
            val store = File(fullDir, "kt-full.db")
            val filler = File(fullDir, "kt-filler")
            try {
                CompanionCore.create(store.path, passphrase()).frozen().use { core ->
                    core.logUrge(NewUrge(intensity = 1u))
                    FileOutputStream(filler).use { out ->
                        for (chunk in listOf(65536, 512)) {
                            val bytes = ByteArray(chunk)
                            try {
                                while (true) out.write(bytes)
                            } catch (e: IOException) {
                                // the disk is full
                            }
                        }
                    }
                    assertThrows<CompanionException.StorageFull> { core.logUrge(NewUrge(intensity = 9u, note = "x".repeat(5000))) }
                    filler.delete()
                    core.logUrge(NewUrge(intensity = 2u))
                    assertEquals(2uL, core.info().records, "the failed entry left nothing behind")
                }
            } finally {
                listOf("", "-wal", "-shm").forEach { File(store.path + it).delete() }
                filler.delete()
            }
        }
    }

    Tests.group("panics") {
        test("a panic becomes an exception and the process goes on") {
            val e = assertThrows<InternalException> { panicForTest("deliberate test panic") }
            check("deliberate test panic" in (e.message ?: "")) { "message: ${e.message}" }
            newStore().use { core ->
                core.logUrge(NewUrge(intensity = 5u))
                assertThrows<InternalException> { core.panicDuringWriteForTest() }
                assertEquals(1uL, core.info().records, "the panicking transaction was rolled back")
                core.logUrge(NewUrge(intensity = 6u))
                assertEquals(2, core.urges(UrgeQuery()).urges.size, "the store goes on")
            }
            assertThrows<InternalException> { panicForTest("and again") }
        }
    }

    Tests.group("clock") {
        test("time zone and frozen clock") {
            CompanionCore.create(path(), passphrase()).use { core ->
                core.freezeClockForTest(NOW_MS)
                core.setTimeZone("America/New_York")
                assertEquals("America/New_York", core.timeZone(), "zone")
                assertEquals(NOW_MS, core.now().utcMs, "now")
                assertEquals(-4 * 3600, core.now().offsetSecs, "New York offset")
                assertEquals(TODAY, core.today(), "today")
                core.setTimeZone("+05:30")
                assertEquals("+05:30", core.timeZone(), "fixed offset")
                assertEquals(5 * 3600 + 1800, core.stampAt(NOW_MS).offsetSecs, "offset")
                core.freezeClockForTest(null)
                check(core.now().utcMs > NOW_MS) { "time runs again" }
            }
        }
    }
}
