-- lt schema v8: the alert outbox (issue 14 item 6). A fourth lt table, a departure from design §2's
-- "three tables" (docs/architecture.md says why): a webhook message must be decided once per
-- transition, in the transaction that makes it, and delivered after that transaction commits,
-- possibly by a later run. Idempotent like the others; touches no column or constraint v4–v7 add.

SET LOCAL client_min_messages = warning;

-- One row per transition worth a message: a circuit breaker trips, an order becomes UNKNOWN, a
-- redemption fails. `alert_key` names the transition, so the same transition never makes two rows.
-- Rows are written by the triggers below, in the transaction of the UPDATE that makes the
-- transition — whichever job or ledger path wrote it — and delivered by the jobs after they commit
-- (LT_ALERT_WEBHOOK_URL); `delivered_at` is set once the webhook answered 2xx, or when no webhook
-- is configured (`delivery` says which), so rows never pile up to flood a webhook added later.
CREATE TABLE IF NOT EXISTS lt_alert_outbox (
    id             BIGSERIAL PRIMARY KEY,
    alert_key      TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    strategy_id    TEXT,
    lt_order_id    BIGINT,
    detail         TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    delivered_at   TIMESTAMPTZ,
    delivery       TEXT,
    CONSTRAINT lt_alert_outbox_kind_check CHECK (kind IN ('BREAKER_TRIPPED', 'ORDER_UNKNOWN', 'REDEMPTION_FAILED')),
    CONSTRAINT lt_alert_outbox_delivery_check CHECK (delivery IS NULL OR delivery IN ('SENT', 'NO_WEBHOOK'))
);
-- The jobs read only what is waiting (a few rows at any time).
CREATE INDEX IF NOT EXISTS lt_alert_outbox_pending_idx ON lt_alert_outbox (id) WHERE delivered_at IS NULL;

-- A breaker trips: false → true. The transaction id tells a later trip of the same strategy apart.
CREATE OR REPLACE FUNCTION lt_alert_breaker_tripped() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lt_alert_outbox (alert_key, kind, strategy_id, detail)
    VALUES ('breaker:' || NEW.strategy_id || ':' || txid_current()::text, 'BREAKER_TRIPPED', NEW.strategy_id,
            NEW.circuit_breaker_reason)
    ON CONFLICT (alert_key) DO NOTHING;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS lt_alert_breaker_tripped ON lt_strategies;
CREATE TRIGGER lt_alert_breaker_tripped AFTER UPDATE OF circuit_breaker_active ON lt_strategies
    FOR EACH ROW WHEN (NEW.circuit_breaker_active AND NOT OLD.circuit_breaker_active)
    EXECUTE FUNCTION lt_alert_breaker_tripped();

-- An order becomes UNKNOWN (an order is UNKNOWN at most once: it leaves only for a final status),
-- and a redemption fails (once per attempt of its (wallet, condition) transaction).
CREATE OR REPLACE FUNCTION lt_alert_order_transition() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    was_unknown BOOLEAN := false;
    was_failed  BOOLEAN := false;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        was_unknown := OLD.status = 'UNKNOWN';
        was_failed := OLD.redemption_status = 'FAILED';
    END IF;
    -- Every value is coalesced: a message must never make the transition's own statement fail.
    IF NEW.status = 'UNKNOWN' AND NOT was_unknown THEN
        INSERT INTO lt_alert_outbox (alert_key, kind, strategy_id, lt_order_id, detail)
        VALUES ('unknown:' || NEW.lt_order_id, 'ORDER_UNKNOWN', NEW.strategy_id, NEW.lt_order_id,
                concat_ws(' ', NEW.side, NEW.requested_usd::text || ' USD', NEW.order_hash))
        ON CONFLICT (alert_key) DO NOTHING;
    END IF;
    IF NEW.redemption_status = 'FAILED' AND NOT was_failed THEN
        INSERT INTO lt_alert_outbox (alert_key, kind, strategy_id, lt_order_id, detail)
        VALUES ('redemption:' || coalesce(NEW.wallet, '') || ':' || coalesce(NEW.condition_id, NEW.lt_order_id::text)
                    || ':' || NEW.redemption_attempts,
                'REDEMPTION_FAILED', NEW.strategy_id, NEW.lt_order_id,
                concat_ws(': ', NEW.condition_id, NEW.redemption_error))
        ON CONFLICT (alert_key) DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS lt_alert_order_transition ON lt_orders;
CREATE TRIGGER lt_alert_order_transition AFTER INSERT OR UPDATE OF status, redemption_status ON lt_orders
    FOR EACH ROW WHEN (NEW.status = 'UNKNOWN' OR NEW.redemption_status = 'FAILED')
    EXECUTE FUNCTION lt_alert_order_transition();

COMMENT ON TABLE lt_strategies IS 'lt schema v8';
