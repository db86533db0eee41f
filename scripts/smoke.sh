#!/usr/bin/env bash
# `make smoke`: the whole loop against the paper exchange and a throwaway Postgres, with an
# assertion on every step (exit status, rows, cash). Silent on success; on failure it names the
# failing step, what it expected and what it found, and shows that step's output, then exits 1.
# This is the command a CI job runs against a new build (docs/operations.md, "CI"):
#
#   make smoke                         build, then run the loop
#   LT_BIN_DIR=DIR scripts/smoke.sh    run the loop with the lt and lt-paper-exchange built in DIR
#
# The set-up (build, cluster, paper exchange, wallets file) is shared with `make demo`
# (scripts/paper-env.sh); the data is scripts/smoke.json plus the strategies and signals below.
set -euo pipefail
cd "$(dirname "$0")/.."
PAPER_QUIET=1
source scripts/paper-env.sh "$@"
export LT_LOG_FORMAT=json

MARKET=0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1
YES=71321045679252212594626385532706912750332728571942532289631379312455583992563
LEADER=0x1111111111111111111111111111111111111111
EOA=0x2c7536E3605D9C16a7a3D7b1898e529396a65c23

current="set-up"
step() { current="$*"; }

fail() {
    {
        echo "smoke: FAILED at step \"$current\": $*"
        for f in out err; do
            [[ -s "$work/$f" ]] || continue
            echo "--- lt std$f (last 40 lines):"
            tail -n 40 "$work/$f"
        done
    } >&2
    exit 1
}

# lt WANT_STATUS ARGS…: runs lt, keeps its stdout/stderr for the assertions and the failure report.
lt() {
    local want=$1 got=0
    shift
    "$LT" "$@" >"$work/out" 2>"$work/err" || got=$?
    cat "$work/out" "$work/err" >>"$work/all"
    [[ "$got" == "$want" ]] || fail "lt $* exited $got, expected $want"
}

# The last lt run printed LINE (a fixed string).
printed() { grep -qF -- "$1" "$work/out" || fail "lt's output lacks: $1"; }

sql() { psql -qtAX -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }

# expect QUERY WANT: the query's one-line answer.
expect() {
    local got
    got="$(sql "$1" | tr '\n' ' ' | sed 's/ $//')" || fail "query failed: $1"
    [[ "$got" == "$2" ]] || fail "$1 → '$got', expected '$2'"
}

# cash ID WANT: "available locked cooldown realized_pnl", trailing zeros trimmed; the capital
# invariant is asserted with it.
cash() {
    expect "SELECT trim_scale(available_cash) || ' ' || trim_scale(locked_capital) || ' ' ||
                   trim_scale(cooldown_capital) || ' ' || trim_scale(realized_pnl)
              FROM lt_strategies WHERE strategy_id = '$1'" "$2"
    expect "SELECT available_cash + locked_capital + cooldown_capital = initial_capital + realized_pnl
              FROM lt_strategies WHERE strategy_id = '$1'" "t"
}

# status_of ID: the row of the live or shadow strategy's BUY / SELL, "status settlement outcome".
row() {
    expect "SELECT status || ' ' || coalesce(settlement, '-') || ' ' || coalesce(outcome, '-') || ' ' ||
                   trim_scale(shares_remaining) || ' ' || coalesce(redemption_status, '-')
              FROM lt_orders WHERE strategy_id = '$1' AND side = '$2' ORDER BY lt_order_id LIMIT 1" "$3"
}

posts() {
    local n
    n="$(curl -sf "$LT_CLOB_URL/_control/orders" | grep -o '"order_id" *: *"0x' | wc -l)" \
        || fail "the paper exchange's order log is unreadable"
    [[ "$n" -eq "$1" ]] || fail "the paper exchange received $n order posts, expected $1"
}

step "start the paper exchange"
start_exchange scripts/smoke.json
write_wallets smoke

step "lt migrate"
lt 0 migrate --dev-tables
printed "applied"
lt 0 migrate
printed "nothing to do"

step "lt strategy create"
lt 0 strategy create smoke-live --ft-wallet leader --wallet smoke --capital 1000 --preset moderate \
    --set mode=live --set max_slippage_bps=300 --set min_order_usd=1
lt 0 strategy create smoke-shadow --ft-wallet leader --wallet smoke --capital 1000 --set max_slippage_bps=300
lt 1 strategy set smoke-live fixed_size_usd=5 sizing_mode=PERCENT
printed "REFUSED"
cash smoke-live "1000 0 0 0"

step "lt strategy deposit / withdraw"
lt 0 strategy deposit smoke-live 250 --reason "smoke top-up"
cash smoke-live "1250 0 0 0"
lt 1 strategy withdraw smoke-live 1250.000001 --reason "more than available"
lt 0 strategy withdraw smoke-live 250 --reason "smoke payout"
cash smoke-live "1000 0 0 0"
expect "SELECT string_agg(kind || ' ' || trim_scale(amount) || ' ' || trim_scale(peak_equity_after), ', ' ORDER BY id)
          FROM lt_capital_movements" "DEPOSIT 250 1250, WITHDRAWAL 250 1000"

step "FT signals"
sql "INSERT INTO ft_wallets (wallet_id, trader_wallet, display_name) VALUES ('leader', '$LEADER', 'Smoke leader');
     INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, entry_price, size,
                            trader_wallet, market_title, market_slug, outcome)
     VALUES ('ft-1', 'leader', now() - interval '10 seconds', 'BUY', '$MARKET', 'Yes', 0.50, 20, '$LEADER',
             'Will the smoke market resolve YES?', 'smoke-standard', 'OPEN'),
            ('ft-bad', 'leader', now() - interval '10 seconds', 'BUY', '$MARKET', 'Maybe', 0.50, 20, '$LEADER',
             'Malformed: unknown outcome label', 'smoke-standard', 'OPEN')" >/dev/null

step "lt execute"
LT_LIVE_TRADING=1 lt 0 execute
# $20 at 0.50: 40 shares, no fee in this market; the shadow strategy walks the same book.
row smoke-live BUY "FILLED MATCHED OPEN 40 NONE"
row smoke-shadow BUY "FILLED - OPEN 40 NONE"
expect "SELECT skip_reason FROM lt_orders WHERE ft_order_id = 'ft-bad' ORDER BY strategy_id" \
    "UNKNOWN_OUTCOME UNKNOWN_OUTCOME"
cash smoke-live "980 20 0 0"
posts 1

step "lt execute again (idempotent)"
LT_LIVE_TRADING=1 lt 0 execute
expect "SELECT count(*) FROM lt_orders" "4"
posts 1

step "lt sync-order-status"
control /_control/trade-status '{"status": "CONFIRMED"}' >/dev/null || fail "control trade-status"
lt 0 sync-order-status
row smoke-live BUY "FILLED CONFIRMED OPEN 40 NONE"
cash smoke-live "980 20 0 0"

step "lt check-exits (baseline, then the leader sells half)"
LT_LIVE_TRADING=1 lt 0 check-exits
expect "SELECT count(*) FROM lt_orders WHERE side = 'SELL'" "0"
control /_control/leader-position "{\"address\": \"$LEADER\", \"token_id\": \"$YES\", \"size\": \"50\"}" >/dev/null \
    || fail "control leader-position"
LT_LIVE_TRADING=1 lt 0 check-exits
# Half of 40 shares sold at the 0.48 bid: $9.60 to cooldown, cost basis $10 released, P&L −0.40.
row smoke-live SELL "FILLED MATCHED - 0 NONE"
row smoke-live BUY "FILLED CONFIRMED OPEN 20 NONE"
cash smoke-live "980 10 9.6 -0.4"
cash smoke-shadow "980 10 9.6 -0.4"
posts 2
control /_control/trade-status '{"status": "CONFIRMED"}' >/dev/null || fail "control trade-status"
lt 0 sync-order-status
row smoke-live SELL "FILLED CONFIRMED - 0 NONE"

step "lt resolve"
control /_control/resolve "{\"winner_token_id\": \"$YES\"}" >/dev/null || fail "control resolve"
sql "UPDATE ft_orders SET outcome = 'WON', pnl = 20 WHERE order_id = 'ft-1'" >/dev/null
lt 0 resolve
# The 20 shares left pay $1 each: $20 to cooldown (waiting for the redemption), P&L +10.
row smoke-live BUY "FILLED CONFIRMED WON 0 PENDING"
cash smoke-live "980 0 29.6 9.6"
expect "SELECT trim_scale(ft_pnl) FROM lt_orders WHERE strategy_id = 'smoke-live' AND ft_order_id = 'ft-1'" "20"
lt 0 resolve
cash smoke-live "980 0 29.6 9.6"

step "lt redeem"
lt 0 redeem
lt 0 redeem
row smoke-live BUY "FILLED CONFIRMED WON 0 REDEEMED"
cash smoke-live "980 0 29.6 9.6"

step "cooldown release and daily-reset"
# Tomorrow 00:00:05 UTC: the day's counters reset, and the cooldown (3 hours) has matured — every
# trading job releases matured cooldowns before its own work (here resolve, with nothing to settle).
tomorrow="$(date -u -d 'tomorrow' +%Y-%m-%dT00:00:05Z)"
lt 0 daily-reset --now "$tomorrow"
printed "2 reset, 0 already current"
lt 0 daily-reset --now "$tomorrow"
printed "0 reset, 2 already current"
cash smoke-live "980 0 29.6 9.6"
lt 0 resolve --now "$tomorrow"
cash smoke-live "1009.6 0 0 9.6"
cash smoke-shadow "1009.6 0 0 9.6"
expect "SELECT count(*) FROM lt_cooldown_queue WHERE released_at IS NULL" "0"

step "lt status"
lt 0 status
printed "smoke-live"

step "lt doctor"
lt 0 doctor
printed "✓ collateral smoke: 1009.6 pUSD at $EOA"
printed "✓ drift smoke: collateral 1009.6, books 1009.6 over 1 live strategies (unallocated 0)"
printed "✓ books"

step "lt report"
# report_field SCOPE STRATEGY FIELD: one cell of `lt report --format csv` (the last run's output).
report_field() {
    python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
hit = [r for r in rows if r["scope"] == sys.argv[2] and r["strategy_id"] == sys.argv[3]]
print(hit[0][sys.argv[4]] if hit else "<no row>")' "$work/out" "$1" "$2" "$3"
}
report() {
    local got
    got="$(report_field strategy "$1" "$2")"
    [[ "$got" == "$3" ]] || fail "lt report: $1 $2 = '$got', expected '$3'"
}
lt 0 report --format csv --now "$tomorrow" --window 2d
# Two signals (one malformed, skipped), one BUY copied and filled, one exit, no fee, P&L +9.60,
# nothing left to redeem; FT's +20 against our +9.60 over the one compared row.
report smoke-live signals_seen 2
report smoke-live copied 1
report smoke-live skipped 1
report smoke-live filled 1
report smoke-live exits_filled 1
report smoke-live fees_usd 0
report smoke-live realized_pnl_usd 9.6
report smoke-live ft_pnl_usd 20
report smoke-live ft_compared_rows 1
report smoke-live redemption_backlog_rows 0
report smoke-live forced_orders 0
lt 0 report --format json --now "$tomorrow" --window 2d --strategy smoke-shadow
printed '"strategy_id":"smoke-shadow"'

step "lt force (buy, rerun, cooldown)"
# The market has resolved: a forced test buy goes through execute's own checks and is refused
# there (SKIPPED, exit 1); the same command again is a rerun of that row, never a second decision.
lt 1 force buy smoke-shadow --condition "$MARKET" --outcome Yes --usd 5 --key smoke-buy --format json
printed '"skip_reason":"MARKET_UNAVAILABLE"'
printed '"forced":true'
lt 1 force buy smoke-shadow --condition "$MARKET" --outcome Yes --usd 5 --key smoke-buy --format json
printed '"rerun":true'
expect "SELECT count(*) FROM lt_orders WHERE forced" "1"
posts 2
lt 0 force cooldown

step "--metrics-file"
lt 0 status --metrics-file "$work/status.prom"
grep -qF 'lt_job_last_run_exit_status{lt_job="status"} 0' "$work/status.prom" \
    || fail "status.prom lacks lt_job_last_run_exit_status 0: $(head -c 300 "$work/status.prom")"

step "no secrets in any output"
key="$(sed -n 's/.*"test_private_key": *"0x\([0-9a-fA-F]*\)".*/\1/p' Tests/Fixtures/vectors/chain.json | head -n 1)"
if grep -qiF -- "$key" "$work/all"; then fail "the private key appeared in lt's output"; fi
