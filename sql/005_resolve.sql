-- lt schema v5: what resolve records beside a settled position. Idempotent like v1–v3: every
-- statement can run again and changes nothing. Applies on top of v3 or v4 (it touches no column
-- or constraint a v4 adds).

SET LOCAL client_min_messages = warning;

-- What one share of this position's outcome paid at resolution: numerator / denominator of the
-- condition's payout vector (1 or 0 for winner-takes-all, 0.5 for a 50/50 market; design §4).
-- The outcome column only says WON (paid something) or LOST (paid nothing); this says how much,
-- and the LT-vs-FT decomposition in `lt status` reads it to price the entry slippage.
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS payout_per_share NUMERIC(20,6);
ALTER TABLE lt_orders DROP CONSTRAINT IF EXISTS lt_orders_payout_per_share_check;
ALTER TABLE lt_orders ADD CONSTRAINT lt_orders_payout_per_share_check
    CHECK (payout_per_share IS NULL OR (payout_per_share >= 0 AND payout_per_share <= 1));

COMMENT ON TABLE lt_strategies IS 'lt schema v5';
