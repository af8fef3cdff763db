// The Android app's plain-Kotlin layer (android/.../data/CompanionRepository.kt) on the JVM:
// first launch creates the store with the device key, a failing key store falls back to the
// passphrase, calls run on the given dispatcher, and every error has kind words.
package app.companion.tests

import app.companion.CompanionCore
import app.companion.CompanionException
import app.companion.Unlock
import app.companion.android.data.CompanionRepository
import app.companion.android.data.OpenResult
import app.companion.android.data.userMessage
import app.companion.core.KeyMethod
import app.companion.core.NewUrge
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.runBlocking

/** Runs work on one named thread and counts what it was given. */
private class CountingDispatcher(private val inner: CoroutineDispatcher) : CoroutineDispatcher() {
    val dispatched = AtomicInteger()
    override fun dispatch(context: CoroutineContext, block: Runnable) {
        dispatched.incrementAndGet()
        inner.dispatch(context, block)
    }
}

fun registerRepositoryTests() {
    Tests.group("android repository") {
        test("first launch creates, later launches open, calls run off the caller's thread") {
            val executor = Executors.newSingleThreadExecutor { r -> Thread(r, "test-io") }
            val pool = executor.asCoroutineDispatcher()
            val io = CountingDispatcher(pool)
            try {
                val provider = CountingAesProvider()
                runBlocking {
                    val repo = CompanionRepository(path(), io)
                    assertEquals(OpenResult.Opened(created = true), repo.openWithDeviceKey(provider), "created")
                    check(repo.isOpen) { "open" }
                    repo.logUrge(NewUrge(intensity = 4u, triggers = listOf("lonely")))
                    assertEquals(1, repo.today().size, "today")
                    check(io.dispatched.get() >= 2) { "store calls ran on the repository's dispatcher" }
                    check(repo.findInPlan("lonely", 4u).strategies.isNotEmpty()) { "suggestions for an empty plan" }
                    repo.lock()
                    check(!repo.isOpen) { "locked" }
                    assertEquals(OpenResult.Opened(created = false), repo.openWithDeviceKey(provider), "unlocked again")

                    val again = CompanionRepository(path(), io)
                    assertEquals(OpenResult.Opened(created = false), again.openWithDeviceKey(provider), "opened")
                    assertEquals(1, again.today().size, "same entries")
                }
            } finally {
                pool.close()
            }
        }

        test("a failing key store offers the passphrase") {
            CompanionCore.create(path(), Unlock.DeviceKey(CountingAesProvider())).use { core ->
                core.setUnlockMethod(passphrase(), true)
                assertEquals(setOf(KeyMethod.PASSPHRASE, KeyMethod.KEY_PROVIDER), core.unlockMethods().toSet(), "both")
            }
            runBlocking {
                val executor = Executors.newSingleThreadExecutor()
                val repo = CompanionRepository(path(), executor.asCoroutineDispatcher())
                val failed = repo.openWithDeviceKey(CrashingProvider())
                check(failed is OpenResult.Failed && failed.retryWithPassphrase) { "fall back: $failed" }
                val wrong = repo.openWithPassphrase(OTHER_PASS.copyOf())
                check(wrong is OpenResult.Failed && !wrong.retryWithPassphrase) { "wrong passphrase: $wrong" }
                check((wrong as OpenResult.Failed).message.contains("Nothing was changed")) { wrong.message }
                assertEquals(OpenResult.Opened(created = false), repo.openWithPassphrase(PASS.copyOf()), "opened")
                executor.shutdown()
            }
        }

        test("every error has kind, plain words") {
            val all = listOf(
                CompanionException.WrongKey(KeyMethod.PASSPHRASE, "x"),
                CompanionException.InvalidInput("note", "note: is longer than 10000 characters"),
                CompanionException.NotFound("urge entry", "x"),
                CompanionException.AlreadyExists("store", "x"),
                CompanionException.NotAllowed("the store is locked; unlock it first"),
                CompanionException.StorageFull("x"),
                CompanionException.StorageCorrupt("x"),
                CompanionException.NeedsNewerApp("x"),
                CompanionException.Busy("x"),
                CompanionException.KeyProviderFailed("x"),
                CompanionException.BadExportFile("x"),
                CompanionException.StorageFailed("x"),
                CompanionException.Offline("x"),
                CompanionException.ServerRefused(503u, "x"),
                CompanionException.KeyMismatch("x"),
            )
            for (e in all) {
                val words = userMessage(e)
                check(words.isNotBlank() && words[0].isUpperCase()) { "$e: $words" }
                for (harsh in listOf("fail", "error", "invalid", "relapse", "exception")) {
                    check(harsh !in words.lowercase()) { "$e uses '$harsh': $words" }
                }
            }
            assertEquals("Note: is longer than 10000 characters", userMessage(all[1]), "validation detail")
        }
    }
}
