import LTCore

/// The optional wake-up of `lt execute --follow` (docs/operations.md "Latency"): a statement-level
/// trigger on FT's `ft_orders` that sends `NOTIFY lt_ft_orders` when rows are inserted, so a
/// follower wakes the moment a signal commits instead of at its next poll. FT owns that table, so
/// the trigger is opt-in (`lt migrate --notify-trigger`) and never part of the schema migrations.
public enum SignalNotifications {
    /// The channel a follower LISTENs on.
    public static let channel = "lt_ft_orders"
    static let trigger = "lt_ft_orders_notify"
    static let function = "lt_ft_orders_notify"

    /// Whether the trigger is installed on `ft_orders`.
    public static func triggerInstalled(_ db: any Database) throws(DatabaseError) -> Bool {
        let row = try db.queryFirst(
            """
            SELECT EXISTS (SELECT 1 FROM pg_trigger
                            WHERE tgname = \(trigger) AND tgrelid = to_regclass('ft_orders')) AS installed
            """)
        return try row?.decodeOrThrow("installed", as: Bool.self) ?? false
    }

    /// Installs the trigger (idempotent). Answers whether it was missing. Needs a role allowed to
    /// create triggers on `ft_orders` (its owner, or one granted TRIGGER on it).
    @discardableResult
    public static func install(_ db: PostgresConnection) throws -> Bool {
        try db.transaction {
            // One notification per INSERT statement, whatever its row count, and Postgres folds
            // identical notifications of one transaction: the follower probes for what is new anyway.
            if try triggerInstalled(db) { return false }
            try db.runScript(
                """
                CREATE OR REPLACE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('\(channel)', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER \(trigger) AFTER INSERT ON ft_orders
                    FOR EACH STATEMENT EXECUTE FUNCTION \(function)();
                """)
            return true
        }
    }

    /// Removes the trigger and its function (idempotent). Answers whether it was there.
    @discardableResult
    public static func remove(_ db: PostgresConnection) throws -> Bool {
        try db.transaction {
            let was = try triggerInstalled(db)
            try db.runScript(
                """
                DO $$ BEGIN
                    IF to_regclass('ft_orders') IS NOT NULL THEN
                        DROP TRIGGER IF EXISTS \(trigger) ON ft_orders;
                    END IF;
                END $$;
                DROP FUNCTION IF EXISTS \(function)();
                """)
            return was
        }
    }
}

/// The follower's wake-up when the trigger is installed: LISTEN on the run's own connection, then
/// sleep on its socket until a notification (or the timeout) arrives.
public final class NotifyWakeup: SignalWakeup {
    let db: PostgresConnection

    public init(listeningOn db: PostgresConnection) throws(DatabaseError) {
        self.db = db
        try db.listen(SignalNotifications.channel)
    }

    public var mode: FollowWakeMode { .notify }

    public func wait(upTo timeout: Duration) throws -> Bool { try db.waitForNotification(timeout: timeout) }
}
