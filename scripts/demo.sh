#!/usr/bin/env bash
# `make demo`: build lt, start a throwaway Postgres, migrate, seed a demo strategy and FT signals,
# run the jobs, print the status table. Everything runs against the private cluster, which is
# stopped and deleted at the end. Extend it by adding steps to demo_steps below.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" != "--inside" ]]; then
    swift build --product lt >&2
    swift build --product lt-paper-exchange >&2
    exec scripts/pg-test-cluster.sh run "$0" --inside
fi

BIN="$(swift build --show-bin-path)"
LT="$BIN/lt"
export LT_LOG_FORMAT="${LT_LOG_FORMAT:-text}"

# The paper exchange (examples/demo.json) stands in for the CLOB, Gamma and the Data API, on a
# loopback port of its own choosing; it is stopped when the demo ends, whatever happens.
work="$(mktemp -d)"
exchange_pid=""
cleanup() {
    [[ -n "$exchange_pid" ]] && kill "$exchange_pid" 2>/dev/null && wait "$exchange_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

start_exchange() {
    "$BIN/lt-paper-exchange" --scenario examples/demo.json --port 0 >"$work/exchange.out" 2>"$work/exchange.err" &
    exchange_pid=$!
    local url=""
    for _ in $(seq 1 100); do
        url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/exchange.out" | head -n 1)"
        [[ -n "$url" ]] && break
        sleep 0.1
    done
    [[ -n "$url" ]] || { cat "$work/exchange.err" >&2; echo "demo: the paper exchange did not start" >&2; exit 69; }
    export LT_CLOB_URL="$url" LT_GAMMA_URL="$url" LT_DATA_API_URL="$url" LT_POLYGON_RPC_URL="$url/rpc"
    echo "paper exchange on $url"
}

# The demo wallet signs with the well-known documentation key of the reference vectors (it holds
# nothing anywhere real). It goes into an owner-only key file, as lt requires; it is never printed.
# No API credentials are configured: lt derives them from the exchange with an L1 signature.
write_wallets() {
    local key
    key="$(sed -n 's/.*"test_private_key": *"\(0x[0-9a-fA-F]*\)".*/\1/p' Tests/Fixtures/vectors/chain.json | head -n 1)"
    (umask 077 && printf '%s\n' "$key" >"$work/demo.key")
    (umask 077 && printf '{"wallets": {"demo": {"key_file": "%s", "signature_type": 0}}}\n' "$work/demo.key" \
        >"$work/wallets.json")
    export LT_WALLETS_FILE="$work/wallets.json"
}

# What the exchange received: one line per order (proof that nothing was placed twice).
exchange_orders() {
    local log ids
    log="$(curl -s "$LT_CLOB_URL/_control/orders")"
    ids="$(grep -o '"order_id" *: *"0x[0-9a-f]*"' <<<"$log" | sed 's/.*"\(0x[0-9a-f]*\)"/\1/' || true)"
    echo "$(grep -c . <<<"$ids" || true) order post(s) received, $(sort -u <<<"$ids" | grep -c . || true) distinct order id(s)"
    sort <<<"$ids" | uniq -c | sed 's/^/  /'
}

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

    step "lt-paper-exchange --scenario examples/demo.json   (the local Polymarket-compatible exchange)"
    start_exchange
    write_wallets
    curl -s "$LT_CLOB_URL/book?token_id=71321045679252212594626385532706912750332728571942532289631379312455583992563"
    echo

    step "lt execute   (LT_LIVE_TRADING=1: demo-live signs and posts, demo-shadow only walks the book)"
    LT_LIVE_TRADING=1 "$LT" execute

    step "lt execute again (idempotent: every signal already has its row, nothing is placed twice)"
    LT_LIVE_TRADING=1 "$LT" execute

    step "the paper exchange's order log"
    exchange_orders

    step "lt_orders: every signal's fate"
    psql -q -P pager=off "$DATABASE_URL" -c "SELECT strategy_id, ft_order_id, status, order_type, requested_usd,
        executed_usd, executed_shares, executed_price, skip_reason FROM lt_orders ORDER BY strategy_id, ft_order_id"

    # Later jobs add their steps here (sync-order-status, check-exits, resolve, redeem).

    step "the leader also buys No on the standard market (a new FT signal); lt execute copies it"
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "INSERT INTO ft_orders (order_id, wallet_id, order_time, side,
        condition_id, token_label, entry_price, size, trader_wallet, market_title, market_slug, outcome)
        VALUES ('demo-ft-3', 'demo-leader', now(), 'BUY',
        '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1', 'No', 0.52, 20,
        '0x1111111111111111111111111111111111111111', 'Will the demo market resolve YES?', 'demo-standard', 'OPEN')
        ON CONFLICT (order_id) DO NOTHING"
    LT_LIVE_TRADING=1 "$LT" execute

    step "the paper exchange resolves both markets: standard → Yes, neg-risk → No (control API)"
    curl -s -X POST "$LT_CLOB_URL/_control/resolve" -H 'Content-Type: application/json' \
        -d '{"winner_token_id": "71321045679252212594626385532706912750332728571942532289631379312455583992563"}'
    curl -s -X POST "$LT_CLOB_URL/_control/resolve" -H 'Content-Type: application/json' \
        -d '{"winner_token_id": "52114319501245915516055106046884209969926127482827954674443846427813813222427"}'
    echo

    step "FT settles its paper orders (what the FT system writes): demo-ft-1 won 40, demo-ft-2 and -3 lost"
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "UPDATE ft_orders SET outcome = 'WON', pnl = 40
        WHERE order_id = 'demo-ft-1'; UPDATE ft_orders SET outcome = 'LOST', pnl = -size
        WHERE order_id IN ('demo-ft-2', 'demo-ft-3')"

    step "lt resolve   (payouts from the paper chain's payoutDenominator/payoutNumerators; live fills wait for sync)"
    "$LT" resolve

    step "lt resolve again (idempotent: nothing left to settle)"
    "$LT" resolve

    step "lt_orders: settled positions, our P&L beside FT's"
    psql -q -P pager=off "$DATABASE_URL" -c "SELECT strategy_id, ft_order_id, outcome, winning_label, payout_per_share,
        pnl, ft_pnl, redemption_status FROM lt_orders WHERE outcome IN ('WON', 'LOST') ORDER BY strategy_id, ft_order_id"

    step "lt redeem   (won positions PENDING → one transaction per wallet and condition on the paper chain)"
    exchange_collateral() {
        curl -s "$LT_CLOB_URL/_control/state" | python3 -c 'import json,sys
for w in json.load(sys.stdin)["wallets"]: print("  wallet", w["address"], "collateral", w["collateral"], "chain nonce", w["chain_nonce"])'
    }
    exchange_collateral
    LT_POLYGON_RPC_URL="$LT_CLOB_URL/rpc" "$LT" redeem
    exchange_collateral

    step "lt_orders: redemptions (a live fill redeems once sync-order-status has confirmed it and resolve settled it)"
    psql -q -P pager=off "$DATABASE_URL" -c "SELECT strategy_id, ft_order_id, outcome, redemption_status,
        redemption_tx_hash, redemption_attempts, redemption_error FROM lt_orders WHERE outcome = 'WON'
        ORDER BY strategy_id, ft_order_id"

    step "lt status"
    "$LT" status
}

demo_steps
