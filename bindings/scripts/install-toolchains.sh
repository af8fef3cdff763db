#!/usr/bin/env bash
# Install what the foreign-language tests of the bindings need, idempotently:
#   - Debian `libjna-java` (/usr/share/java/jna.jar: the JNA runtime UniFFI's Kotlin uses);
#   - Debian `libzxing-core-java` (ZXing core, which the Android app reads invite QR codes with);
#   - a JDK (`default-jdk-headless`) when `java`/`javac` are missing;
#   - the Kotlin compiler from the npm package `kotlin-compiler`, unpacked once under
#     $COMPANION_TOOLCHAIN_CACHE (default ~/.cache/companion-toolchains) and reused afterwards;
#   - python3 (3.9 or newer) must already be present: the Python bindings need nothing else.
#
# Prints nothing but progress; exits non-zero when something cannot be installed.
# Usage: bindings/scripts/install-toolchains.sh     (CI calls it before run-foreign-tests.sh)
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
CACHE="$cache"
KOTLIN_VERSION="$kotlin_version"
KOTLIN_HOME="$kotlin_home"

need_apt=()
[ -f /usr/share/java/jna.jar ] || need_apt+=(libjna-java)
[ -f "$zxing_jar" ] || need_apt+=(libzxing-core-java)
{ command -v java >/dev/null && command -v javac >/dev/null; } || need_apt+=(default-jdk-headless)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "install-toolchains: apt-get install ${need_apt[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
    echo "install-toolchains: npm pack kotlin-compiler@$KOTLIN_VERSION into $KOTLIN_HOME"
    mkdir -p "$CACHE"
    tmp="$(mktemp -d "$CACHE/.kotlin.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null)
    tar -xzf "$tmp"/kotlin-compiler-*.tgz -C "$tmp"
    chmod +x "$tmp"/package/bin/*
    rm -rf "$KOTLIN_HOME"
    mv "$tmp/package" "$KOTLIN_HOME"
fi

python3 - <<'PY'
import sys
if sys.version_info < (3, 9):
    sys.exit("install-toolchains: python3 3.9 or newer is needed, found %s" % sys.version.split()[0])
PY

echo "install-toolchains: ready (kotlinc: $KOTLIN_HOME/bin/kotlinc, jna: /usr/share/java/jna.jar, zxing: $zxing_jar, $(python3 --version))"
