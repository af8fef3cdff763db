"""Python side of the bindings benchmark (tests/benches/ffi.rs runs it).

Usage: python3 bench_log_urge.py STORE_DIR N WARMUP   (PYTHONPATH: the generated `companion`)

Creates a store in STORE_DIR (key derivation not timed), then times, one call at a time:
`log_urge` (an fsync'd write), `urge(id)` (a read and decrypt), `today()` (no I/O, a small
value in a buffer) and `is_locked()` (no I/O, a boolean: the bare FFI crossing), N times each,
after WARMUP untimed writes and CHEAP_WARMUP untimed calls of each cheap one. Prints one JSON
line of nanosecond samples. The same workload as the Rust and Kotlin sides.
"""
import json
import os
import sys
import time

from companion import Company, CompanionCore, NewUrge, Unlock

# Enough calls for a JIT to compile the hot path (the JVM's C2 threshold is about 10,000
# invocations of a loop body); the same for every language.
CHEAP_WARMUP = 5000


def new_urge():
    return NewUrge(
        intensity=6,
        triggers=["lonely", "late-night scrolling"],
        feelings=["restless"],
        company=Company.ALONE,
        note="Sam Example's benchmark note",
    )


def timed(n, call):
    samples = []
    for _ in range(n):
        t = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - t)
    return samples


def main():
    directory, n, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    core = CompanionCore.create(os.path.join(directory, "python.db"), Unlock.PASSPHRASE(b"benchmark passphrase"))
    for _ in range(warmup):
        core.log_urge(new_urge())
    first = core.log_urge(new_urge())
    for _ in range(CHEAP_WARMUP):
        core.urge(first.id)
        core.today()
        core.is_locked()
    out = {
        "lang": "python",
        "log_urge": timed(n, lambda: core.log_urge(new_urge())),
        "read_urge": timed(n, lambda: core.urge(first.id)),
        "today": timed(n, core.today),
        "is_locked": timed(n, core.is_locked),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
