// Kotlin side of the bindings benchmark (tests/benches/ffi.rs runs it).
//
// Usage: java -Djna.library.path=<lib dir> -cp ... app.companion.bench.BenchLogUrgeKt STORE_DIR N WARMUP
//
// Creates a store in STORE_DIR (key derivation not timed), then times, one call at a time:
// logUrge (an fsync'd write), urge(id) (a read and decrypt), today() (no I/O, a small value in
// a buffer) and isLocked() (no I/O, a boolean: the bare FFI crossing), N times each, after
// WARMUP untimed writes and CHEAP_WARMUP untimed calls of each cheap one (so the JIT has
// compiled the path). Prints one JSON line of nanosecond samples. The same workload as the
// Rust and Python sides.
package app.companion.bench

import app.companion.CompanionCore
import app.companion.Unlock
import app.companion.core.Company
import app.companion.core.NewUrge
import java.io.File

/** The same for every language: bindings/benches/bench_log_urge.py, tests/benches/ffi.rs. */
private const val CHEAP_WARMUP = 5000

private fun newUrge() = NewUrge(
    intensity = 6u,
    triggers = listOf("lonely", "late-night scrolling"),
    feelings = listOf("restless"),
    company = Company.ALONE,
    note = "Sam Example's benchmark note",
)

private inline fun timed(n: Int, call: () -> Unit): List<Long> = List(n) {
    val t = System.nanoTime()
    call()
    System.nanoTime() - t
}

fun main(args: Array<String>) {
    val (dir, n, warmup) = Triple(args[0], args[1].toInt(), args[2].toInt())
    CompanionCore.create(File(dir, "kotlin.db").path, Unlock.Passphrase("benchmark passphrase".toByteArray())).use { core ->
        repeat(warmup) { core.logUrge(newUrge()) }
        val first = core.logUrge(newUrge())
        repeat(CHEAP_WARMUP) {
            core.urge(first.id)
            core.today()
            core.isLocked()
        }
        val logUrge = timed(n) { core.logUrge(newUrge()) }
        val readUrge = timed(n) { core.urge(first.id) }
        val today = timed(n) { core.today() }
        val isLocked = timed(n) { core.isLocked() }
        fun arr(v: List<Long>) = v.joinToString(",", "[", "]")
        println("""{"lang":"kotlin","log_urge":${arr(logUrge)},"read_urge":${arr(readUrge)},"today":${arr(today)},"is_locked":${arr(isLocked)}}""")
    }
}
