#!/usr/bin/env bash
# The main job: builds the release binaries, starts the sync server (embedded SQLite under
# ./data/server, plain HTTP on 127.0.0.1 only), and on the first run sets up a demo so you can
# see the whole path at once: a demo clinic and clinician, and a demo client (the `companion`
# terminal client) that has paired with the clinician and consented to share weekly summaries.
# Everything in the demo is fictional. The server keeps running until Ctrl-C.
#
# Usage: scripts/run.sh [--no-demo] [--listen ADDR]      (data lives in ./data; delete it to start over)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

demo=1
listen=127.0.0.1:8420
while (($#)); do
    case "$1" in
        --no-demo) demo=0 ;;
        --listen) listen="$2"; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

scripts/install-deps.sh
echo "==> Building (release)"
cargo build --release --locked -p companion-server -p companion-cli -p companion-clinician
BIN="$ROOT/target/release"
DATA="$ROOT/data"
mkdir -p "$DATA"
chmod 700 "$DATA"
url="http://$listen"

echo "==> Starting the sync server on $url (SQLite in $DATA/server)"
"$BIN/companion-server" --data-dir "$DATA/server" serve --listen "$listen" >"$DATA/server.out" 2>"$DATA/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the server did not start:" >&2
        cat "$DATA/server.log" >&2
        exit 1
    fi
    curl -fsS "$url/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
cat "$DATA/server.out"

# The demo's passphrases are for this fictional demo only; real people choose their own.
export COMPANION_SERVER="$url"
export COMPANION_CLINICIAN_EMAIL=demo.clinician@clinic.invalid
export COMPANION_CLINICIAN_PASSPHRASE="demo clinician passphrase, not for real use"
client_env=(COMPANION_PASSPHRASE="demo client passphrase, not for real use")
client() { env "${client_env[@]}" "$BIN/companion" --data-dir "$DATA/client" "$@"; }
clinician() { "$BIN/companion-clinician" "$@"; }

if ((demo)) && [ ! -f "$DATA/demo-ready" ]; then
    echo "==> First run: setting up the demo (fictional people and data)"
    invite=$("$BIN/companion-server" --data-dir "$DATA/server" admin create-clinic --name "Demo Clinic" --public-url "$url" |
        sed -n 's/^First clinician invite[^:]*: //p')
    clinician register --invite "$invite" --name "Dr Demo Example"
    client init
    client urge log --intensity 6 --trigger lonely --feeling restless --outcome surfed --at 22:10 --note "demo entry"
    client urge log --intensity 4 --trigger bored --outcome coped --strategy "went for a walk"
    client plan edit add-strategy "Call a friend" --for lonely --kind reach_out
    client plan edit add-reason "Being present with the people I love"
    client_invite=$(clinician invite 2>/dev/null)
    client share pair "$client_invite"
    client share consent --to "Dr Demo Example" --categories weekly-summaries,coping-plan --include-history --yes
    client sync
    touch "$DATA/demo-ready"
fi

cat <<EOT

==> Ready. The server runs until you press Ctrl-C (its log: $DATA/server.log).

In another terminal, from $ROOT:
  export COMPANION_PASSPHRASE="demo client passphrase, not for real use"
  alias companion="$BIN/companion --data-dir $DATA/client"
  companion urge log --intensity 5 --trigger stress      # log an urge in seconds
  companion surf                                         # ride it out
  companion plan find "stress"                           # your plan for this moment
  companion share status                                 # what you share, with whom
  companion share preview --categories weekly-summaries,urges
  companion sync                                         # send what you consented to

As the demo clinician (same terminal works):
  export COMPANION_SERVER=$url COMPANION_CLINICIAN_EMAIL=$COMPANION_CLINICIAN_EMAIL
  export COMPANION_CLINICIAN_PASSPHRASE="$COMPANION_CLINICIAN_PASSPHRASE"
  $BIN/companion-clinician shares
  $BIN/companion-clinician read                          # decrypted on your side only
  $BIN/companion-clinician dashboard                     # the same, in your browser (127.0.0.1 only)
  $BIN/companion-clinician suggest --share SHARE --trigger lonely --strategy "Text a friend"
                                                         # SHARE: the coping plan's share, from "shares"

Server: $url/healthz, $url/metrics. Start over: stop it and delete $DATA.
EOT
wait "$server_pid"
