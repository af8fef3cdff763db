#!/usr/bin/env bash
# Run the foreign-language test suites of the bindings: Python and Kotlin (on the JVM), against
# the test-hooks build of companion-ffi, then check that together they call every exported
# function and method and that each triggers every error variant.
#
# Usage: bindings/scripts/run-foreign-tests.sh
# Needs: what bindings/scripts/install-toolchains.sh installs (it is called first, and does
# nothing when everything is present), and `unshare` (util-linux) to give the suites a small
# private file system for the "storage full" tests: as root a private mount namespace, otherwise
# an unprivileged user namespace. Nothing outside this process tree sees the mount. It also
# builds and starts `companion-server` (SQLite, 127.0.0.1, a free port) and registers a
# clinician with `companion-clinician`, for the sharing and sync tests; both stop with it.
# Work files go to ${CARGO_TARGET_DIR:-target}/companion-bindings/foreign-tests.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"
work="$target/companion-bindings/foreign-tests"

if [ "${COMPANION_FOREIGN_INNER:-}" != 1 ]; then
    "$here/install-toolchains.sh"
    test_out="$("$here/build-bindings.sh" --test-hooks | tail -n 1)"
    prod_out="$("$here/build-bindings.sh" | tail -n 1)"
    # The sync server and the clinician reader, for the sharing tests.
    (cd "$root" && cargo build --quiet -p companion-server -p companion-clinician --bins)
    mkdir -p "$work"
    export COMPANION_FOREIGN_INNER=1 COMPANION_TEST_OUT="$test_out" COMPANION_PROD_OUT="$prod_out"
    if [ "$(id -u)" -eq 0 ] && unshare --mount --propagation private true 2>/dev/null; then
        exec unshare --mount --propagation private "$0" "$@"
    elif unshare --user --map-root-user --mount true 2>/dev/null; then
        exec unshare --user --map-root-user --mount "$0" "$@"
    else
        echo "run-foreign-tests: cannot create a private mount namespace (unshare); the storage-full" >&2
        echo "tests need one. Run as root, or enable unprivileged user namespaces." >&2
        exit 1
    fi
fi

# Inside the private mount namespace from here on.
full_dir="$work/full-disk"
mkdir -p "$full_dir"
mount -t tmpfs -o size=2m companion-full "$full_dir"
export COMPANION_FULL_DIR="$full_dir"
# Deliberate panics print their message; keep the log readable.
export RUST_BACKTRACE=0

# A sync server on SQLite in the work dir, a clinic, and a clinician account: the suites pair
# with it, share, sync, and read and suggest through the clinician reader.
server_dir="$work/server"
rm -rf "$server_dir"
mkdir -p "$server_dir"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export COMPANION_SERVER="http://127.0.0.1:$port"
"$target/debug/companion-server" --data-dir "$server_dir/data" serve --listen "127.0.0.1:$port" \
    > "$server_dir/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; umount "$full_dir" 2>/dev/null || true' EXIT
healthy() { python3 -c "import urllib.request; urllib.request.urlopen('$COMPANION_SERVER/healthz', timeout=1)" 2>/dev/null; }
for _ in $(seq 1 100); do
    healthy && break
    sleep 0.1
done
if ! healthy; then
    echo "run-foreign-tests: the sync server did not start; its log:" >&2
    cat "$server_dir/server.log" >&2
    exit 1
fi
clinic_invite="$("$target/debug/companion-server" --data-dir "$server_dir/data" admin create-clinic \
    --name "Example Clinic" --public-url "$COMPANION_SERVER" | sed -n 's/^First clinician invite[^:]*: //p')"
export COMPANION_CLINICIAN_BIN="$target/debug/companion-clinician"
export COMPANION_CLINICIAN_EMAIL="dr.example@clinic.invalid"
export COMPANION_CLINICIAN_PASSPHRASE="clinician passphrase for the foreign tests"
# The clinician's login tickets (kept between runs, as on a clinician's machine), in the work dir.
export COMPANION_CLINICIAN_STATE="$server_dir/clinician-state"
"$COMPANION_CLINICIAN_BIN" register --invite "$clinic_invite" --name "Dr Sam Example" >/dev/null

status=0

echo "== Python suite"
PYTHONPATH="$COMPANION_TEST_OUT/python" python3 "$root/bindings/tests/python/run.py" "$work/python-called.json" \
    || status=1

echo "== Kotlin suite"
mapfile -t android_sources < <(android_jvm_sources)
kotlin_sources=(
    "$COMPANION_TEST_OUT"/kotlin/app/companion/companion_api.kt
    "$COMPANION_TEST_OUT"/kotlin/app/companion/core/companion_core.kt
    "${android_sources[@]}"
    "$root"/bindings/tests/kotlin/*.kt
)
jar="$work/kotlin-tests.jar"
compile_kotlin "$jar" "${kotlin_sources[@]}"
java -Djna.library.path="$COMPANION_TEST_OUT/lib" \
    -cp "$jar:$jvm_classpath" app.companion.tests.MainKt || status=1

echo "== API coverage"
python3 "$root/bindings/tests/check_api_coverage.py" \
    --test-bindings "$COMPANION_TEST_OUT/python/companion" \
    --prod-bindings "$COMPANION_PROD_OUT/python/companion" \
    --python-called "$work/python-called.json" \
    --python-tests "$root/bindings/tests/python" \
    --kotlin-tests "$root/bindings/tests/kotlin" "${android_sources[@]}" \
    || status=1

exit $status
