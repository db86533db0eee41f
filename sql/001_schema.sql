-- lt schema v1: the three LT tables (design §2). Applied by `lt migrate` in one transaction under an
-- advisory lock; every statement is idempotent, so a rerun changes nothing. The schema version is
-- the comment on lt_strategies ('lt schema v1'), not a fourth table.
-- Money, shares and prices are NUMERIC(20,6): fixed-point with 6 decimals, never floating point.
-- Allowed values in CHECK constraints are the raw values of LTCore/Domain/Vocabulary.swift.

CREATE TABLE IF NOT EXISTS lt_strategies (
    strategy_id              TEXT PRIMARY KEY,
    user_id                  TEXT,
    ft_wallet_id             TEXT NOT NULL,             -- whose FT signals this strategy copies
    wallet                   TEXT NOT NULL,             -- trading wallet name in LT_WALLETS_FILE
    is_active                BOOLEAN NOT NULL DEFAULT true,

    mode                     TEXT NOT NULL DEFAULT 'shadow',
    trading_state            TEXT NOT NULL DEFAULT 'ACTIVE',

    sizing_mode              TEXT NOT NULL DEFAULT 'SIGNAL',
    size_multiplier          NUMERIC(20,6) NOT NULL DEFAULT 1,
    fixed_size_usd           NUMERIC(20,6),
    percent_of_cash          NUMERIC(20,6),             -- percent: 5 means 5 %
    multiplier_tiers         JSONB NOT NULL DEFAULT '[]', -- [{"min":..,"max":..,"multiplier":..}]
    min_order_usd            NUMERIC(20,6) NOT NULL DEFAULT 1,
    max_signal_age_seconds   INTEGER NOT NULL DEFAULT 300,
    max_slippage_bps         INTEGER NOT NULL DEFAULT 300,
    fak_threshold_usd        NUMERIC(20,6) NOT NULL DEFAULT 100,
    cooldown_hours           INTEGER NOT NULL DEFAULT 3,

    mirror_exits             BOOLEAN NOT NULL DEFAULT true,
    exit_threshold_pct       NUMERIC(20,6) NOT NULL DEFAULT 5,
    stop_loss_pct            NUMERIC(20,6),
    take_profit_pct          NUMERIC(20,6),
    max_hold_hours           INTEGER,

    initial_capital          NUMERIC(20,6) NOT NULL,
    available_cash           NUMERIC(20,6) NOT NULL,
    locked_capital           NUMERIC(20,6) NOT NULL DEFAULT 0,
    cooldown_capital         NUMERIC(20,6) NOT NULL DEFAULT 0,
    realized_pnl             NUMERIC(20,6) NOT NULL DEFAULT 0,

    max_position_size_usd    NUMERIC(20,6),
    max_total_exposure_usd   NUMERIC(20,6),
    daily_budget_usd         NUMERIC(20,6),
    max_daily_loss_usd       NUMERIC(20,6),
    circuit_breaker_loss_pct NUMERIC(20,6),

    daily_spent_usd          NUMERIC(20,6) NOT NULL DEFAULT 0,
    daily_loss_usd           NUMERIC(20,6) NOT NULL DEFAULT 0,
    consecutive_losses       INTEGER NOT NULL DEFAULT 0,
    peak_equity              NUMERIC(20,6) NOT NULL DEFAULT 0,
    current_drawdown_pct     NUMERIC(20,6) NOT NULL DEFAULT 0,
    circuit_breaker_active   BOOLEAN NOT NULL DEFAULT false,
    circuit_breaker_reason   TEXT,                      -- starts with DAILY_LOSS or DRAWDOWN (daily-reset clears DAILY_LOSS only)
    last_reset_date          DATE,

    created_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at               TIMESTAMPTZ NOT NULL DEFAULT now(),

    CONSTRAINT lt_strategies_mode_check CHECK (mode IN ('shadow', 'live')),
    CONSTRAINT lt_strategies_trading_state_check CHECK (trading_state IN ('ACTIVE', 'REDUCE_ONLY', 'HALTED')),
    CONSTRAINT lt_strategies_sizing_mode_check CHECK (sizing_mode IN ('SIGNAL', 'FIXED', 'PERCENT')),
    -- The capital invariant (design §2): no code path can break it.
    CONSTRAINT lt_strategies_capital_invariant
        CHECK (available_cash + locked_capital + cooldown_capital = initial_capital + realized_pnl),
    CONSTRAINT lt_strategies_buckets_nonnegative
        CHECK (available_cash >= 0 AND locked_capital >= 0 AND cooldown_capital >= 0),
    CONSTRAINT lt_strategies_initial_capital_nonnegative CHECK (initial_capital >= 0),
    CONSTRAINT lt_strategies_daily_counters_nonnegative CHECK (daily_spent_usd >= 0 AND daily_loss_usd >= 0),
    CONSTRAINT lt_strategies_consecutive_losses_nonnegative CHECK (consecutive_losses >= 0),
    CONSTRAINT lt_strategies_sizing_positive
        CHECK (size_multiplier >= 0 AND min_order_usd >= 0 AND fak_threshold_usd >= 0
               AND max_signal_age_seconds > 0 AND max_slippage_bps >= 0 AND cooldown_hours >= 0),
    CONSTRAINT lt_strategies_multiplier_tiers_array CHECK (jsonb_typeof(multiplier_tiers) = 'array')
);

-- execute and the status report list active strategies; the FT wallet maps signals to strategies.
CREATE INDEX IF NOT EXISTS lt_strategies_active_idx ON lt_strategies (ft_wallet_id) WHERE is_active;

CREATE TABLE IF NOT EXISTS lt_orders (
    lt_order_id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id              TEXT NOT NULL REFERENCES lt_strategies (strategy_id),
    signal_key               TEXT NOT NULL,             -- BUY: the FT order id; SELL: names the exit
    parent_lt_order_id       BIGINT REFERENCES lt_orders (lt_order_id), -- SELL: the BUY it exits

    ft_order_id              TEXT,
    ft_wallet_id             TEXT,
    trader_wallet            TEXT,
    signal_price             NUMERIC(20,6),
    signal_size_usd          NUMERIC(20,6),
    signal_time              TIMESTAMPTZ,

    condition_id             TEXT,
    token_id                 TEXT,
    token_label              TEXT,
    market_title             TEXT,
    market_slug              TEXT,
    neg_risk                 BOOLEAN,
    tick_size                NUMERIC(20,6),

    side                     TEXT NOT NULL,
    order_type               TEXT,
    limit_price              NUMERIC(20,6),
    requested_usd            NUMERIC(20,6),
    requested_shares         NUMERIC(20,6),
    order_hash               TEXT,                      -- CLOB order id, computed before posting
    is_shadow                BOOLEAN NOT NULL DEFAULT false,

    status                   TEXT NOT NULL,
    skip_reason              TEXT,

    executed_price           NUMERIC(20,6),             -- volume-weighted, from the exchange
    executed_usd             NUMERIC(20,6) NOT NULL DEFAULT 0,
    executed_shares          NUMERIC(20,6) NOT NULL DEFAULT 0,
    fees_usd                 NUMERIC(20,6) NOT NULL DEFAULT 0,
    shares_remaining         NUMERIC(20,6) NOT NULL DEFAULT 0,
    cost_basis_remaining     NUMERIC(20,6) NOT NULL DEFAULT 0,

    exit_reason              TEXT,
    trader_position_baseline NUMERIC(20,6),

    outcome                  TEXT,
    winning_label            TEXT,
    pnl                      NUMERIC(20,6),
    ft_pnl                   NUMERIC(20,6),

    redemption_status        TEXT NOT NULL DEFAULT 'NONE',
    redemption_tx_hash       TEXT,
    redemption_attempts      INTEGER NOT NULL DEFAULT 0,
    redemption_error         TEXT,

    trace_id                 TEXT,
    run_id                   TEXT,
    execution_latency_ms     BIGINT,
    error                    TEXT,

    created_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    submitted_at             TIMESTAMPTZ,
    filled_at                TIMESTAMPTZ,
    resolved_at              TIMESTAMPTZ,
    redeemed_at              TIMESTAMPTZ,
    updated_at               TIMESTAMPTZ NOT NULL DEFAULT now(),

    -- One row per (strategy, signal): what makes execute idempotent, and the anti-join's probe.
    CONSTRAINT lt_orders_strategy_signal_key UNIQUE (strategy_id, signal_key),
    CONSTRAINT lt_orders_side_check CHECK (side IN ('BUY', 'SELL')),
    CONSTRAINT lt_orders_order_type_check CHECK (order_type IS NULL OR order_type IN ('FOK', 'FAK', 'GTC', 'GTD')),
    CONSTRAINT lt_orders_status_check CHECK (status IN
        ('INTENT', 'SUBMITTED', 'FILLED', 'PARTIAL', 'UNFILLED', 'REJECTED', 'FAILED', 'SKIPPED', 'UNKNOWN')),
    CONSTRAINT lt_orders_skip_reason_check CHECK (status <> 'SKIPPED' OR skip_reason IS NOT NULL),
    CONSTRAINT lt_orders_exit_reason_check CHECK (exit_reason IS NULL OR exit_reason IN
        ('TRADER_EXIT', 'TRADER_PARTIAL', 'STOP_LOSS', 'TAKE_PROFIT', 'TIME_EXIT', 'MANUAL')),
    CONSTRAINT lt_orders_outcome_check CHECK (outcome IS NULL OR outcome IN ('OPEN', 'WON', 'LOST', 'CLOSED')),
    CONSTRAINT lt_orders_redemption_status_check CHECK (redemption_status IN
        ('NONE', 'PENDING', 'SUBMITTED', 'REDEEMED', 'LOSS_CONFIRMED', 'FAILED')),
    CONSTRAINT lt_orders_fills_nonnegative CHECK (executed_usd >= 0 AND executed_shares >= 0 AND fees_usd >= 0
        AND shares_remaining >= 0 AND cost_basis_remaining >= 0 AND redemption_attempts >= 0),
    CONSTRAINT lt_orders_prices_in_range CHECK ((limit_price IS NULL OR (limit_price > 0 AND limit_price < 1))
        AND (executed_price IS NULL OR (executed_price >= 0 AND executed_price <= 1)))
);

-- sync-order-status: orders whose outcome is not final (small: a partial index over a few rows).
CREATE INDEX IF NOT EXISTS lt_orders_nonfinal_idx ON lt_orders (strategy_id, status)
    WHERE status IN ('INTENT', 'SUBMITTED', 'PARTIAL', 'UNKNOWN');
-- resolve / check-exits / risk: open positions per strategy and condition.
CREATE INDEX IF NOT EXISTS lt_orders_open_positions_idx ON lt_orders (strategy_id, condition_id)
    WHERE outcome = 'OPEN' AND shares_remaining > 0;
-- redeem: positions waiting for (or in) a redemption transaction.
CREATE INDEX IF NOT EXISTS lt_orders_pending_redemption_idx ON lt_orders (strategy_id, condition_id)
    WHERE redemption_status IN ('PENDING', 'SUBMITTED');
-- sync-order-status and trade lookups by CLOB order id.
CREATE INDEX IF NOT EXISTS lt_orders_order_hash_idx ON lt_orders (order_hash) WHERE order_hash IS NOT NULL;
-- token-id cache (the database remembers every token it has seen) and status' "orders today".
CREATE INDEX IF NOT EXISTS lt_orders_token_idx ON lt_orders (condition_id, token_label) WHERE token_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS lt_orders_created_idx ON lt_orders (strategy_id, created_at);

CREATE TABLE IF NOT EXISTS lt_cooldown_queue (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    strategy_id              TEXT NOT NULL REFERENCES lt_strategies (strategy_id),
    amount                   NUMERIC(20,6) NOT NULL,
    available_at             TIMESTAMPTZ NOT NULL,
    lt_order_id              BIGINT REFERENCES lt_orders (lt_order_id),
    created_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    released_at              TIMESTAMPTZ,
    CONSTRAINT lt_cooldown_queue_amount_nonnegative CHECK (amount >= 0)
);

-- Releasing matured cooldowns and checking cooldown_capital = sum of unreleased rows.
CREATE INDEX IF NOT EXISTS lt_cooldown_queue_unreleased_idx ON lt_cooldown_queue (strategy_id, available_at)
    WHERE released_at IS NULL;

COMMENT ON TABLE lt_strategies IS 'lt schema v1';
