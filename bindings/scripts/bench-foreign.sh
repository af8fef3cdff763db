#!/usr/bin/env bash
# The bindings benchmark: logging an urge from Kotlin and from Python versus from Rust, as
# ratios measured in the same run (tests/benches/ffi.rs). Builds the release library and its
# bindings, compiles the Kotlin side, and runs `bench ffi` with both foreign commands. Prints the
# Markdown tables for docs/benchmarks.md (## Bindings).
#
# Usage: bindings/scripts/bench-foreign.sh [--quick] [--n N] [--rounds R]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

"$here/install-toolchains.sh" >&2
out="$("$here/build-bindings.sh" --release | tail -n 1)"
work="$target/companion-bindings/bench"
mkdir -p "$work"
jar="$work/kotlin-bench.jar"
compile_kotlin "$jar" "$out"/kotlin/app/companion/companion_api.kt "$out"/kotlin/app/companion/core/companion_core.kt \
    "$root"/bindings/benches/BenchLogUrge.kt

cd "$root"
cargo build --quiet --release -p companion-tests --bin bench
exec "$target/release/bench" ffi "$@" \
    --kotlin "java -Djna.library.path='$out/lib' -cp '$jar:$jvm_classpath' app.companion.bench.BenchLogUrgeKt" \
    --python "PYTHONPATH='$out/python' python3 '$root/bindings/benches/bench_log_urge.py'"
