#!/usr/bin/env bash
# A throwaway Postgres cluster for tests and the demo: private temp dir, Unix socket only (no TCP
# port, so parallel runs and any system cluster never collide), fsync off, trust auth.
#
#   scripts/pg-test-cluster.sh run CMD...   start, run CMD with LT_TEST_DATABASE_URL/DATABASE_URL
#                                           set, always stop and delete the cluster (exit = CMD's)
#   scripts/pg-test-cluster.sh start        start and print `export ...` lines (eval them)
#   scripts/pg-test-cluster.sh stop DIR     stop the cluster in DIR and delete DIR
#   scripts/pg-test-cluster.sh restart DIR  crash-restart the cluster in DIR (`pg_ctl restart -m immediate`,
#                                           same options); for a test's own cluster, never the shared one
#
# initdb and postgres refuse to run as root: as root the server runs as the `postgres` user
# (created if missing) via runuser; as anyone else it runs as that user.
set -euo pipefail

pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [[ -z "$d" || ! -x "$d/initdb" ]]; then
        echo "pg-test-cluster: no Postgres server found under /usr/lib/postgresql (run scripts/install-deps.sh)" >&2
        exit 69
    fi
    echo "$d"
}

as_server() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The server must not inherit the caller's descriptors: a caller that waits for EOF on one would wait
# until the server stops (Foundation's Process, in a test, detects its child's exit that way).
close_inherited_fds() {
    local fd
    for fd in $(ls /proc/$BASHPID/fd 2>/dev/null); do
        if ((fd > 2 && fd != 255)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
}

start() {
    local bin dir base
    bin=$(pg_bin)
    base=/tmp
    [[ -d /dev/shm && -w /dev/shm ]] && base=/dev/shm
    dir=$(mktemp -d "$base/lt-pg.XXXXXX")
    if [[ $(id -u) -eq 0 ]]; then
        if ! id postgres >/dev/null 2>&1; then
            useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
        fi
        chown postgres: "$dir"
    fi
    # The server user cannot read root's cwd: work from the cluster dir.
    (
        cd "$dir"
        close_inherited_fds
        as_server "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
        as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
            "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    ) || { rm -rf "$dir"; exit 1; }
    echo "export LT_PG_DIR='$dir'"
    echo "export LT_TEST_DATABASE_URL='host=$dir user=postgres dbname=postgres'"
}

stop() {
    local dir=$1 bin
    [[ -d "$dir" ]] || return 0
    bin=$(pg_bin)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        (cd "$dir" && as_server "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1) || true
    fi
    rm -rf "$dir"
}

restart() {
    local dir=$1 bin
    bin=$(pg_bin)
    # pg_ctl restart reuses the options the server was started with (postmaster.opts).
    (cd "$dir" && close_inherited_fds && as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -m immediate restart >/dev/null) || { tail -20 "$dir/server.log" >&2; exit 1; }
}

case "${1:-}" in
start) start ;;
stop) stop "${2:?usage: $0 stop DIR}" ;;
restart) restart "${2:?usage: $0 restart DIR}" ;;
run)
    shift
    [[ $# -gt 0 ]] || { echo "usage: $0 run CMD..." >&2; exit 64; }
    eval "$(start)"
    trap 'stop "$LT_PG_DIR"' EXIT
    trap 'exit 130' INT TERM
    export LT_PG_DIR LT_TEST_DATABASE_URL
    export DATABASE_URL="$LT_TEST_DATABASE_URL"
    set +e
    "$@"
    status=$?
    set -e
    exit $status
    ;;
*)
    echo "usage: $0 start | stop DIR | restart DIR | run CMD..." >&2
    exit 64
    ;;
esac
