-- lt schema v7: what redeem records about a redemption transaction (design §4 "redeem", rule 2
-- "durability before side effects"). Idempotent like the others: every statement can run again and
-- changes nothing. Touches no column or constraint v4–v6 add, so it applies on top of any of them.

SET LOCAL client_min_messages = warning;

-- One transaction per (trading wallet, condition); every row of the group carries the same values.
-- They are written durably BEFORE the broadcast, so a crash between the two leaves rows SUBMITTED
-- with the signed bytes, which the next run rebroadcasts unchanged instead of signing anew.
-- The EOA that signs and pays gas (the owner for proxy and Safe wallets).
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_sender TEXT;
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_nonce BIGINT;
-- The signed EIP-1559 transaction, hex.
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_raw_tx TEXT;
-- Every hash sent with that nonce (a fee bump adds one; all are tracked until one is mined).
-- redemption_tx_hash keeps the mined (or latest) one.
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_tx_hashes TEXT[] NOT NULL DEFAULT '{}';
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_max_fee_wei BIGINT;
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_priority_fee_wei BIGINT;
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_gas_limit BIGINT;
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_submitted_at TIMESTAMPTZ;
-- A FAILED redemption is retried with backoff: not before this instant.
ALTER TABLE lt_orders ADD COLUMN IF NOT EXISTS redemption_next_attempt_at TIMESTAMPTZ;

-- redeem reads PENDING, SUBMITTED and due FAILED rows: few at any time, whatever the history.
CREATE INDEX IF NOT EXISTS lt_orders_redemption_due_idx ON lt_orders (redemption_next_attempt_at)
    WHERE redemption_status IN ('PENDING', 'SUBMITTED', 'FAILED');

COMMENT ON TABLE lt_strategies IS 'lt schema v7';
