#!/usr/bin/env bash
# Runs every test of the project on a fresh machine of this kind: installs what is missing
# (Debian packages, the Kotlin compiler from npm), starts PostgreSQL for the server suite, then
# runs the Rust suites (core, CLI, server on SQLite and PostgreSQL, end-to-end), clippy, and the
# Kotlin and Python suites of the bindings. Usage: scripts/test.sh
# Environment: COMPANION_FUZZ_SECONDS (server fuzzing time per target, default here 20; run it longer by hand, e.g. 600).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

step "Installing missing prerequisites"
scripts/install-deps.sh
bindings/scripts/install-toolchains.sh

step "Starting PostgreSQL for the server suite"
eval "$(sync-server/scripts/start-test-postgres.sh)"
export COMPANION_REQUIRE_POSTGRES=1
export COMPANION_FUZZ_SECONDS="${COMPANION_FUZZ_SECONDS:-20}"

step "Checking formatting"
cargo fmt --all -- --check

step "Building everything"
cargo build --workspace --all-targets --locked

step "Rust tests (core, CLI, server on SQLite and PostgreSQL, end-to-end)"
cargo test --workspace --locked

step "Clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Bindings: Python and Kotlin suites, API coverage"
bindings/scripts/run-foreign-tests.sh

step "All tests passed"
