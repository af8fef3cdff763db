#!/usr/bin/env bash
# Regenerates the README's screenshots of the clinician's dashboard (docs/screenshots/), from a
# fictional client made with the companion CLI, in Debian's Chromium. Usage: scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo build --locked -p companion-server -p companion-cli -p companion-clinician
npm --prefix clinician/e2e run screenshots
