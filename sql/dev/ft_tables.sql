-- DEVELOPMENT AND TESTS ONLY. The FT (forward-testing) system owns these tables in production;
-- lt only reads them. This recreates the input contract of design §2 so lt can run without FT.
-- Columns are deliberately loose (plain NUMERIC, nullable) because real FT rows can be malformed:
-- such rows must become SKIPPED lt_orders, never a crash.

CREATE TABLE IF NOT EXISTS ft_wallets (
    wallet_id      TEXT PRIMARY KEY,
    trader_wallet  TEXT,                 -- the copied leader's address
    display_name   TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ft_orders (
    order_id       TEXT PRIMARY KEY,
    wallet_id      TEXT NOT NULL,        -- the FT wallet (strategy input), matched by lt_strategies.ft_wallet_id
    order_time     TIMESTAMPTZ NOT NULL,
    side           TEXT,                 -- 'BUY' | 'SELL' (may be anything: validate)
    condition_id   TEXT,
    token_label    TEXT,                 -- the outcome bought, e.g. 'Yes' / 'No'
    token_id       TEXT,                 -- may be NULL: lt resolves it
    entry_price    NUMERIC,              -- expected in (0,1)
    size           NUMERIC,              -- USD
    trader_wallet  TEXT,
    market_title   TEXT,
    market_slug    TEXT,
    outcome        TEXT,                 -- FT's result for the paper order: OPEN | WON | LOST | ...
    pnl            NUMERIC               -- FT's paper P&L, compared with lt's (ft_pnl)
);

-- execute's anti-join reads signals per wallet in a time window.
CREATE INDEX IF NOT EXISTS ft_orders_wallet_time_idx ON ft_orders (wallet_id, order_time);
