#!/usr/bin/env bash
# `make demo`: build lt, start a throwaway Postgres, migrate, seed a demo strategy and FT signals,
# run the jobs, print the status table. Everything runs against the private cluster, which is
# stopped and deleted at the end. Extend it by adding steps to demo_steps below.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" != "--inside" ]]; then
    swift build --product lt >&2
    exec scripts/pg-test-cluster.sh run "$0" --inside
fi

LT="$(swift build --show-bin-path)/lt"
export LT_LOG_FORMAT="${LT_LOG_FORMAT:-text}"

step() { printf '\n== %s\n' "$*"; }

demo_steps() {
    step "lt migrate --dev-tables   (three lt tables + the FT input tables for the demo)"
    "$LT" migrate --dev-tables

    step "seed: examples/demo-seed.sql (a shadow strategy, FT signals incl. malformed ones)"
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f examples/demo-seed.sql

    step "lt daily-reset"
    "$LT" daily-reset

    step "lt daily-reset again (idempotent: nothing to do)"
    "$LT" daily-reset

    # Later jobs add their steps here (execute against the paper exchange, sync-order-status, ...).

    step "lt status"
    "$LT" status
}

demo_steps
