-- lt schema v2: an index for execute's position-size rule.
--
-- The rule sums, per (strategy, condition, outcome label), the BUY rows still held or pending. No
-- index covered exactly those rows, so the query walked the strategy's whole (strategy_id,
-- created_at) range: lt-bench execute read 10,000 index entries per signal with 1,000,000 history
-- rows, and the run's database time grew 8-fold with history. This partial index holds only the
-- rows that are pending or still open, so its size follows open positions, not history; the query
-- states the same predicate (ExecuteStore.positionUsd).
CREATE INDEX IF NOT EXISTS lt_orders_held_buys_idx ON lt_orders (strategy_id, condition_id)
    WHERE side = 'BUY' AND status IN ('INTENT', 'SUBMITTED', 'UNKNOWN', 'FILLED', 'PARTIAL')
      AND (outcome IS NULL OR outcome = 'OPEN');

COMMENT ON TABLE lt_strategies IS 'lt schema v2';
