#!/usr/bin/env bash
# The bindings benchmark: logging an urge from Kotlin and from Python versus from Rust, as
# ratios measured in the same run (tests/benches/ffi.rs). Builds the release library and its
# bindings, compiles the Kotlin side, and runs `bench ffi` with both foreign commands. Prints the
# Markdown tables for docs/benchmarks.md (## Bindings).
#
# Usage: bindings/scripts/bench-foreign.sh [--quick] [--n N] [--rounds R]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cache="${COMPANION_TOOLCHAIN_CACHE:-$HOME/.cache/companion-toolchains}"
kotlin_home="$cache/kotlin-compiler-${KOTLIN_COMPILER_VERSION:-2.3.21}"

"$here/install-toolchains.sh" >&2
out="$("$here/build-bindings.sh" --release | tail -n 1)"
work="$target/companion-bindings/bench"
mkdir -p "$work"
classpath="/usr/share/java/jna.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar:$kotlin_home/lib/kotlin-stdlib.jar"
jar="$work/kotlin-bench.jar"
sources=("$out"/kotlin/app/companion/companion_api.kt "$out"/kotlin/app/companion/core/companion_core.kt
    "$root"/bindings/benches/BenchLogUrge.kt)
stamp="$(cat "${sources[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$jar" ] || [ "$(cat "$jar.sha" 2>/dev/null)" != "$stamp" ]; then
    rm -f "$jar"
    "$kotlin_home/bin/kotlinc" -nowarn -jvm-target 17 -cp "$classpath" -d "$jar" "${sources[@]}" >&2
    echo "$stamp" > "$jar.sha"
fi

cd "$root"
cargo build --quiet --release -p companion-tests --bin bench
exec "$target/release/bench" ffi "$@" \
    --kotlin "java -Djna.library.path='$out/lib' -cp '$jar:$classpath' app.companion.bench.BenchLogUrgeKt" \
    --python "PYTHONPATH='$out/python' python3 '$root/bindings/benches/bench_log_urge.py'"
