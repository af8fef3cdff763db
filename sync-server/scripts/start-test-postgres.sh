#!/usr/bin/env bash
# Start a local PostgreSQL for the server's test suite and print the URL to use.
# Installs PostgreSQL from Debian packages when missing. Idempotent.
# Usage: eval "$(sync-server/scripts/start-test-postgres.sh)"
set -euo pipefail
log() { echo "$*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing PostgreSQL (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 50); do
    su postgres -c "psql -p $port -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 0.2
done
su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='companion_test'\"" | grep -q 1 ||
    su postgres -c "psql -p $port -qc \"CREATE ROLE companion_test LOGIN PASSWORD 'companion_test'\"" >&2
su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname='companion_test'\"" | grep -q 1 ||
    su postgres -c "psql -p $port -qc \"CREATE DATABASE companion_test OWNER companion_test\"" >&2
# Enough connections for the concurrency tests (several server processes, many pools).
su postgres -c "psql -p $port -qtAc 'SHOW max_connections'" | awk '$1 < 200 {exit 1}' || {
    su postgres -c "psql -p $port -qc 'ALTER SYSTEM SET max_connections = 300'" >&2
    pg_ctlcluster "$version" main restart >&2
}
echo "export COMPANION_TEST_POSTGRES_URL=postgres://companion_test:companion_test@127.0.0.1:$port/companion_test"
