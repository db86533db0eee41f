-- lt schema v3: the columns the money loop reads (design §2 "added in schema v3"), one new order
-- status, and peak equity that starts at the initial capital. Idempotent like v1 and v2: every
-- statement can run again and changes nothing.

-- The IF [NOT] EXISTS clauses below say NOTICE when they skip; a migration prints nothing.
SET LOCAL client_min_messages = warning;

-- The trading wallet that placed the order: sync and redeem look orders up with that wallet's
-- credentials, and the books-vs-wallet check sums per wallet.
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS wallet TEXT;
-- The venue's order id as answered, when it differs from the locally computed order_hash.
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS venue_order_id TEXT;
-- The trades that filled the order (fills of record come from trades, design §4 sync).
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS trade_ids TEXT[] NOT NULL DEFAULT '{}';
-- On-chain settlement of the fill: MATCHED -> MINED -> CONFIRMED, or FAILED; RETRYING is not final.
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS settlement TEXT;
-- The taker fee expected when the order was decided, locked with it (design §3); replaced by the
-- fee charged (fees_usd) once the trades are known.
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS expected_fee_usd NUMERIC(20,6) NOT NULL DEFAULT 0;
-- How many times the signal was decided into an order that provably never reached the venue
-- (NOT_PLACED rows are re-decided by the next run; this is their audit trail with `error`).
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0;

ALTER TABLE lt_orders DROP CONSTRAINT IF EXISTS lt_orders_status_check;
ALTER TABLE lt_orders ADD CONSTRAINT lt_orders_status_check CHECK (status IN
    ('INTENT', 'SUBMITTED', 'FILLED', 'PARTIAL', 'UNFILLED', 'REJECTED', 'FAILED', 'SKIPPED', 'UNKNOWN',
     'NOT_PLACED'));
ALTER TABLE lt_orders DROP CONSTRAINT IF EXISTS lt_orders_settlement_check;
ALTER TABLE lt_orders ADD CONSTRAINT lt_orders_settlement_check CHECK (settlement IS NULL OR settlement IN
    ('MATCHED', 'MINED', 'CONFIRMED', 'RETRYING', 'FAILED'));
ALTER TABLE lt_orders DROP CONSTRAINT IF EXISTS lt_orders_v3_nonnegative;
ALTER TABLE lt_orders ADD CONSTRAINT lt_orders_v3_nonnegative CHECK (expected_fee_usd >= 0 AND attempts >= 0);

-- sync-order-status: fills whose settlement is not final (few rows at any time).
CREATE INDEX IF NOT EXISTS lt_orders_unsettled_idx ON lt_orders (strategy_id)
    WHERE settlement IN ('MATCHED', 'MINED', 'RETRYING');

-- Peak equity starts at the initial capital (drawdown is measured from it). A column default
-- cannot name another column, so a trigger fills it on insert when the writer left it at 0.
CREATE OR REPLACE FUNCTION lt_strategies_peak_equity_default() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.peak_equity IS NULL OR NEW.peak_equity = 0 THEN
        NEW.peak_equity := NEW.initial_capital;
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS lt_strategies_peak_equity_default ON lt_strategies;
CREATE TRIGGER lt_strategies_peak_equity_default BEFORE INSERT ON lt_strategies
    FOR EACH ROW EXECUTE FUNCTION lt_strategies_peak_equity_default();
-- Backfill: rows created before v3 kept 0.
UPDATE lt_strategies
   SET peak_equity = GREATEST(initial_capital, available_cash + locked_capital + cooldown_capital)
 WHERE peak_equity = 0;

COMMENT ON TABLE lt_strategies IS 'lt schema v3';
