#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server:
#   scripts/with-postgres.sh dotnet test tests/ActorJobs.Persistence.Tests
# Installs PostgreSQL from Debian's packages if its server binaries are missing, creates a fresh data
# directory in a temporary folder, starts the server on 127.0.0.1 on a free port (fsync and
# synchronous_commit on, as in production), exports ACTORJOBS_TEST_POSTGRES with its connection string,
# runs the command, then stops the server and deletes the folder. Exits with the command's exit code,
# or non-zero with a message if PostgreSQL cannot be installed or started.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: scripts/with-postgres.sh COMMAND [ARG...]" >&2
    exit 2
fi

say() { echo "with-postgres: $*" >&2; }
fail() { say "$*"; exit 1; }

server_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

PG_BIN="$(server_bin)"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
    say "no PostgreSQL server binaries found; installing the 'postgresql' package from Debian"
    as_root apt-get update -qq >&2 || fail "apt-get update failed; cannot install PostgreSQL"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 \
        || fail "apt-get install postgresql failed; the PostgreSQL tests cannot run"
    PG_BIN="$(server_bin)"
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || fail "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql"
fi

# The server refuses to run as root, so as root it runs as the 'postgres' user the package created.
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || fail "running as root, but there is no 'postgres' user to run the server as"
    as_server() { runuser -u postgres -- "$@"; }
else
    as_server() { "$@"; }
fi

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local port
    for port in $(shuf -i 20000-60000 -n 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    return 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/actorjobs-pg.XXXXXX")"
DATA="$WORK/data"
STARTED=0
cleanup() {
    if [ "$STARTED" -eq 1 ]; then
        as_server "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || say "could not stop the server cleanly"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK/socket"
if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$WORK"; fi

as_server "$PG_BIN/initdb" -D "$DATA" -U actorjobs --auth=trust -E UTF8 --no-instructions >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; fail "initdb failed"; }

PORT="$(free_port)" || fail "found no free port on 127.0.0.1"
# fsync and synchronous_commit are PostgreSQL's defaults; they are named here so no one benchmarks without them.
if ! as_server "$PG_BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK/socket -c fsync=on -c synchronous_commit=on -c max_wal_size=1GB" start >/dev/null; then
    cat "$WORK/server.log" >&2 || true
    fail "PostgreSQL did not start on 127.0.0.1:$PORT"
fi
STARTED=1

as_server "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U actorjobs -d postgres -qAt -c "CREATE DATABASE actorjobs_test" >/dev/null \
    || fail "could not create the test database"

export ACTORJOBS_TEST_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=actorjobs;Database=actorjobs_test"
say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') is up: $ACTORJOBS_TEST_POSTGRES"

set +e
"$@"
status=$?
set -e
exit "$status"
