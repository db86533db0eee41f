-- lt schema v11: the CTF approvals lt sends for an EOA before a V2 collateral adapter can redeem its
-- tokens (design §4 "redeem", rule 2 "durability before side effects"). Idempotent like the others:
-- every statement can run again and changes nothing. Touches no column v8–v10 add.
--
-- A fourth table, a departure from design §2's three: an approval belongs to a (holding wallet,
-- adapter) pair, not to a decision. Columns on lt_orders would copy one transaction onto rows of
-- several conditions and could not make "one approval per pair" a key; here it is the primary key,
-- so two conditions of the same wallet can never send two approvals.

SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS lt_chain_approvals (
    -- The address that grants the approval (the EOA that holds the tokens) and the operator it
    -- approves (the CollateralAdapter or the NegRiskCollateralAdapter), both lower-case hex.
    holder TEXT NOT NULL,
    operator TEXT NOT NULL,
    -- The operator's name (CollateralAdapter, NegRiskCollateralAdapter), for messages.
    operator_name TEXT NOT NULL,
    -- The wallets-file entry whose key signs (for the operator's eyes and the fee bump).
    wallet TEXT NOT NULL,
    -- SUBMITTED: recorded (before its broadcast) and not known mined; CONFIRMED: mined with status 1;
    -- FAILED: reverted or refused, retried after next_attempt_at with a new transaction.
    status TEXT NOT NULL CHECK (status IN ('SUBMITTED', 'CONFIRMED', 'FAILED')),
    -- The transaction, exactly like the redemption columns of lt_orders (sql/007): written durably
    -- BEFORE the broadcast, so a crash leaves the signed bytes for the next run to rebroadcast.
    sender TEXT NOT NULL,
    nonce BIGINT,
    raw_tx TEXT,
    -- Every hash sent with that nonce (a fee bump adds one); tx_hash is the mined (or latest) one.
    tx_hashes TEXT[] NOT NULL DEFAULT '{}',
    tx_hash TEXT,
    max_fee_wei BIGINT,
    priority_fee_wei BIGINT,
    gas_limit BIGINT,
    submitted_at TIMESTAMPTZ,
    confirmed_at TIMESTAMPTZ,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error TEXT,
    next_attempt_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (holder, operator)
);

COMMENT ON TABLE lt_strategies IS 'lt schema v11';
