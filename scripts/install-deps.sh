#!/usr/bin/env bash
# Installs the Debian packages a fresh machine of this kind lacks for the build and the tests.
# Idempotent; quiet when everything is present. (PostgreSQL is installed by
# sync-server/scripts/start-test-postgres.sh, the JDK, JNA and Kotlin compiler by
# bindings/scripts/install-toolchains.sh.)
set -euo pipefail

need_apt=()
command -v tmux >/dev/null || need_apt+=(tmux)             # the CLI's live terminal tests
command -v unshare >/dev/null || need_apt+=(util-linux)    # the bindings' storage-full tests
command -v python3 >/dev/null || need_apt+=(python3)       # the Python bindings suite
command -v cc >/dev/null || need_apt+=(build-essential)    # bundled SQLite, ring
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)   # the SQLCipher comparison bench
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v curl >/dev/null || need_apt+=(curl)             # scripts/run.sh waits on /healthz
command -v chromium >/dev/null || need_apt+=(chromium)     # the dashboard's browser tests
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)   # ...which read its printed PDF back
command -v npm >/dev/null || need_apt+=(nodejs npm)        # ...and run on Node (20 or later)
if ((${#need_apt[@]})); then
    echo "installing Debian packages: ${need_apt[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# The browser tests' Node packages, exactly as locked (playwright-core drives the system's
# Chromium and never downloads a browser of its own).
e2e="$(dirname "$0")/../clinician/e2e"
if [ ! -d "$e2e/node_modules" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
    echo "installing the dashboard browser tests' Node packages (npm ci)"
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
command -v cargo >/dev/null || {
    echo "cargo is missing: install a Rust toolchain (https://rustup.rs) and run this again" >&2
    exit 1
}
