-- lt schema v9: operator-forced orders (`lt force buy|sell|simulate-ft`). Idempotent like the
-- others: every statement can run again and changes nothing. Touches no column or constraint that
-- v4–v8 add, so it applies on top of any of them.

SET LOCAL client_min_messages = warning;

-- A row an operator forced (a test trade, a manual exit, a simulated FT signal) rather than one
-- copied from an FT signal or decided by check-exits. It moves real cash through the ledger like
-- any other row, but it has no FT counterpart: every LT-vs-FT comparison (`lt status`,
-- `lt report`, resolve's ft_pnl) leaves it out. A column, not a reserved prefix in ft_order_id:
-- FT owns that id space (lt cannot reserve a prefix in it), and a boolean cannot be misspelt in a
-- LIKE. Its idempotency key is the row's signal_key, 'force:<key>' (UNIQUE per strategy).
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS forced BOOLEAN NOT NULL DEFAULT false;

COMMENT ON TABLE lt_strategies IS 'lt schema v9';
