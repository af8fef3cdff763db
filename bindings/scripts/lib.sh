# Shared by the bindings scripts (sourced, not run): where things are, and compiling Kotlin
# with the cached compiler.
#   root          the workspace
#   target        the Cargo target directory
#   cache         where install-toolchains.sh keeps the Kotlin compiler
#   kotlin_home   the unpacked npm `kotlin-compiler` package
#   jvm_classpath JNA, ZXing core, kotlinx-coroutines and the Kotlin standard library
#   android_jvm_sources  the Android app's Kotlin files that import nothing from android.* or
#                 androidx.*: every one is compiled and tested on the JVM
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cache="${COMPANION_TOOLCHAIN_CACHE:-$HOME/.cache/companion-toolchains}"
kotlin_version="${KOTLIN_COMPILER_VERSION:-2.3.21}"
kotlin_home="$cache/kotlin-compiler-$kotlin_version"
zxing_jar="/usr/share/maven-repo/com/google/zxing/core/debian/core-debian.jar"
jvm_classpath="/usr/share/java/jna.jar:$zxing_jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar:$kotlin_home/lib/kotlin-stdlib.jar"

# android_jvm_sources: print the Android app's plain-Kotlin files, one a line.
android_jvm_sources() {
    find "$root/android" -name '*.kt' -print0 | sort -z | xargs -0 grep -L -E '^import (android|androidx)\.'
}

# compile_kotlin JAR SOURCE...: compile SOURCEs into JAR unless JAR was built from exactly these
# sources (a hash of their contents sits beside it).
compile_kotlin() {
    local jar="$1"
    shift
    local stamp
    stamp="$(cat "$@" | sha256sum | cut -c1-16)"
    if [ ! -f "$jar" ] || [ "$(cat "$jar.sha" 2>/dev/null)" != "$stamp" ]; then
        rm -f "$jar"
        "$kotlin_home/bin/kotlinc" -nowarn -jvm-target 17 -cp "$jvm_classpath" -d "$jar" "$@" >&2
        echo "$stamp" > "$jar.sha"
    fi
}
