#!/usr/bin/env bash
# `make demo`: build lt, start a throwaway Postgres, migrate, seed a demo strategy and FT signals,
# run the jobs, print the status table. Everything runs against the private cluster, which is
# stopped and deleted at the end. Extend it by adding steps to demo_steps below.
set -euo pipefail
cd "$(dirname "$0")/.."

# The set-up shared with `make smoke`: build, throwaway Postgres, paper exchange, wallets file.
source scripts/paper-env.sh "$@"
export LT_LOG_FORMAT="${LT_LOG_FORMAT:-text}"

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
    start_exchange examples/demo.json
    echo "paper exchange on $LT_CLOB_URL"
    write_wallets demo
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

    step "a lost answer: the exchange fills the next order but drops its answer (drop_after_accept)"
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "INSERT INTO ft_orders (order_id, wallet_id, order_time, side,
        condition_id, token_label, entry_price, size, trader_wallet, market_title, market_slug, outcome)
        VALUES ('demo-ft-lost', 'demo-leader', now(), 'BUY',
        '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1', 'Yes', 0.51, 10,
        '0x1111111111111111111111111111111111111111', 'Will the demo market resolve YES?', 'demo-standard', 'OPEN')"
    curl -s -X POST "$LT_CLOB_URL/_control/faults" \
        -d '{"method": "POST", "path": "/order", "kind": "drop_after_accept", "count": 1}'
    echo
    LT_LIVE_TRADING=1 "$LT" execute || echo "(exit $?: the live order's outcome is unproven, its cash stays locked)"
    psql -q -P pager=off "$DATABASE_URL" -c "SELECT strategy_id, status, requested_usd, expected_fee_usd, executed_usd,
        executed_shares FROM lt_orders WHERE ft_order_id = 'demo-ft-lost' AND NOT is_shadow"

    step "lt sync-order-status   (finds it in the exchange's trades: the exact fill and fee, the rest released)"
    "$LT" sync-order-status
    psql -q -P pager=off "$DATABASE_URL" -c "SELECT strategy_id, ft_order_id, status, executed_usd, executed_shares,
        executed_price, fees_usd, cost_basis_remaining, settlement FROM lt_orders
        WHERE NOT is_shadow AND order_hash IS NOT NULL ORDER BY ft_order_id"
    local hash
    hash="$(psql -qtA "$DATABASE_URL" -c "SELECT order_hash FROM lt_orders WHERE ft_order_id = 'demo-ft-lost'
        AND NOT is_shadow")"
    echo "the exchange's trades for $hash:"
    curl -s "$LT_CLOB_URL/_control/state" | grep -o "\"taker_order_id\":\"$hash\"[^{]*" | sed 's/^/  /' || true

    step "lt sync-order-status again (nothing left to change)"
    "$LT" sync-order-status

    # Later jobs add their steps here (check-exits, resolve, redeem).

    step "the leader also buys No on the standard market (a new FT signal); lt execute copies it"
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "INSERT INTO ft_orders (order_id, wallet_id, order_time, side,
        condition_id, token_label, entry_price, size, trader_wallet, market_title, market_slug, outcome)
        VALUES ('demo-ft-3', 'demo-leader', now(), 'BUY',
        '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1', 'No', 0.52, 20,
        '0x1111111111111111111111111111111111111111', 'Will the demo market resolve YES?', 'demo-standard', 'OPEN')
        ON CONFLICT (order_id) DO NOTHING"
    LT_LIVE_TRADING=1 "$LT" execute

    step "the chain confirms the live trades (paper clock +60 s); lt sync-order-status settles them (CONFIRMED)"
    curl -s -X POST "$LT_CLOB_URL/_control/clock" -H 'Content-Type: application/json' -d '{"advance_seconds": 60}'
    echo
    "$LT" sync-order-status

    step "lt check-exits   (first look at the leader: its size becomes the baseline)"
    LT_LIVE_TRADING=1 "$LT" check-exits

    step "the leader sells half (paper exchange control API) → lt check-exits follows with half"
    curl -s -X POST "$LT_CLOB_URL/_control/leader-position" -H 'content-type: application/json' \
        -d '{"address":"0x1111111111111111111111111111111111111111","token_id":"71321045679252212594626385532706912750332728571942532289631379312455583992563","size":"1250","avg_price":"0.44"}'
    echo
    # Live shares are sold once their BUY's settlement is CONFIRMED (sync-order-status); the
    # shadow strategy's position follows at once.
    LT_LIVE_TRADING=1 "$LT" check-exits
    psql -q -P pager=off "$DATABASE_URL" -c "SELECT strategy_id, side, status, exit_reason, requested_shares,
        executed_shares, executed_usd, shares_remaining, trader_position_baseline, pnl FROM lt_orders
        WHERE condition_id = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1'
          AND status = 'FILLED' ORDER BY lt_order_id"

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

    step "lt resolve   (payouts from the paper chain's payoutDenominator/payoutNumerators; live fills confirmed by sync)"
    "$LT" resolve

    step "lt resolve again (idempotent: nothing left to settle)"
    "$LT" resolve

    step "lt_orders: settled positions, our P&L beside FT's"
    psql -q -P pager=off "$DATABASE_URL" -c "SELECT strategy_id, ft_order_id, outcome, winning_label, payout_per_share,
        pnl, ft_pnl, redemption_status FROM lt_orders WHERE outcome IN ('WON', 'LOST') ORDER BY strategy_id, ft_order_id"

    step "lt redeem   (won positions PENDING → one transaction per wallet and condition on the paper chain)"
    echo "   (the demo wallet held 40 Yes tokens of its own before lt traded: the chain pays 40 more than"
    echo "    the books, and redeem reports the difference instead of booking it)"
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

    step "lt report   (per strategy and leader: signals, fills, slippage, latency, fees, P&L, LT vs FT)"
    "$LT" report --window 2d

    step "lt doctor   (preflight: database, books, wallets, credentials, exchange, chain, drift)"
    "$LT" doctor || echo "   (doctor exit $?: the ✗ lines name what a real deployment must fix first; the paper exchange's clock is the scenario's, not the host's)"
}

demo_steps
