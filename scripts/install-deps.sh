#!/usr/bin/env bash
# Installs what a fresh machine of this kind lacks for the tests. Idempotent; quiet when
# everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tmux >/dev/null || need_apt+=(tmux)
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
if ((${#need_apt[@]})); then
    echo "installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
