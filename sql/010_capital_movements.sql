-- lt schema v10: operator capital movements (`lt strategy deposit` / `lt strategy withdraw`).
-- A departure from "three tables" (docs/architecture.md): a top-up or withdrawal changes
-- initial_capital, which no lt_orders row explains, so each one leaves a row here — who, why, how
-- much and the figures after it — written by the ledger in the same transaction as the cash
-- change. Idempotent like the others; touches nothing v4–v9 add, so it applies on top of any.

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS lt_capital_movements (
    id                     BIGSERIAL PRIMARY KEY,
    strategy_id            TEXT NOT NULL REFERENCES lt_strategies (strategy_id),
    kind                   TEXT NOT NULL,
    -- Always positive; kind says which way it went.
    amount                 NUMERIC(20,6) NOT NULL,
    reason                 TEXT NOT NULL,
    -- $USER of the operator who ran the command.
    operator               TEXT NOT NULL,
    run_id                 TEXT NOT NULL,
    initial_capital_after  NUMERIC(20,6) NOT NULL,
    available_cash_after   NUMERIC(20,6) NOT NULL,
    peak_equity_after      NUMERIC(20,6) NOT NULL,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT lt_capital_movements_kind_check CHECK (kind IN ('DEPOSIT', 'WITHDRAWAL')),
    CONSTRAINT lt_capital_movements_amount_positive CHECK (amount > 0),
    CONSTRAINT lt_capital_movements_reason_present CHECK (length(btrim(reason)) > 0)
);

-- `lt strategy show` and a reader's history query: one strategy's movements in time order.
CREATE INDEX IF NOT EXISTS lt_capital_movements_strategy_idx ON lt_capital_movements (strategy_id, created_at);

COMMENT ON TABLE lt_strategies IS 'lt schema v10';
