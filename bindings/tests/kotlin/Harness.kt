// A minimal test harness for the Kotlin suite (no JUnit on this machine: only the Kotlin
// compiler, its standard library and kotlinx-coroutines). Each test runs in its own temporary
// directory; a failed assertion or an unexpected exception fails that test, and main() exits
// non-zero when any test failed.
package app.companion.tests

import java.io.File
import java.nio.file.Files

class AssertionFailed(message: String) : AssertionError(message)

class TestContext(val dir: File) {
    fun path(name: String = "store.db"): String = File(dir, name).path
}

private class TestCase(val group: String, val name: String, val body: TestContext.() -> Unit)

object Tests {
    private val cases = mutableListOf<TestCase>()

    fun group(group: String, block: Group.() -> Unit) = Group(group).block()

    class Group(private val group: String) {
        fun test(name: String, body: TestContext.() -> Unit) {
            cases += TestCase(group, name, body)
        }
    }

    /** Runs every registered test; returns the number of failures. */
    fun runAll(): Int {
        var failures = 0
        val started = System.nanoTime()
        for (case in cases) {
            val dir = Files.createTempDirectory("companion-kt-").toFile()
            val t0 = System.nanoTime()
            try {
                TestContext(dir).apply(case.body)
                println("ok    ${case.group} > ${case.name} (${(System.nanoTime() - t0) / 1_000_000} ms)")
            } catch (e: Throwable) {
                failures++
                println("FAIL  ${case.group} > ${case.name}: $e")
                e.printStackTrace(System.out)
            } finally {
                dir.deleteRecursively()
            }
        }
        val secs = (System.nanoTime() - started) / 1e9
        println("${cases.size - failures} passed, $failures failed, in %.1f s".format(secs))
        return failures
    }
}

fun check(condition: Boolean, message: () -> String) {
    if (!condition) throw AssertionFailed(message())
}

fun <T> assertEquals(expected: T, actual: T, what: String = "value") {
    if (expected != actual) throw AssertionFailed("$what: expected <$expected>, got <$actual>")
}

/** Runs [block], which must throw an [E]; returns it. */
inline fun <reified E : Throwable> assertThrows(what: String = E::class.java.name, block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionFailed("$what: expected ${E::class.java.name}, got $e")
    }
    throw AssertionFailed("$what: expected ${E::class.java.name}, nothing was thrown")
}
