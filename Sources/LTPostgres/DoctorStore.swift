import Foundation
import LTCore

/// The reads of `lt doctor`.
public final class DoctorStore: DoctorStoring {
    let db: PostgresConnection

    public init(database: PostgresConnection) { db = database }

    public func schemaVersion() throws -> Int { try Migrator.currentVersion(db) }

    public func synchronousCommit() throws -> String {
        try db.queryFirst("SELECT current_setting('synchronous_commit') AS v")?.text("v") ?? "?"
    }

    public func books() throws -> [Doctor.Books] {
        try db.query(
            """
            SELECT s.strategy_id, s.wallet, s.mode = 'live' AND s.is_active AS live, s.available_cash,
                   s.locked_capital, s.cooldown_capital,
                   (SELECT coalesce(sum(q.amount), 0) FROM lt_cooldown_queue q
                     WHERE q.strategy_id = s.strategy_id AND q.released_at IS NULL)::numeric(20,6) AS queued,
                   (SELECT coalesce(sum(CASE WHEN o.status IN ('INTENT', 'SUBMITTED', 'UNKNOWN')
                                             THEN o.requested_usd + o.expected_fee_usd
                                             WHEN o.outcome = 'OPEN' THEN o.cost_basis_remaining ELSE 0 END), 0)
                      FROM lt_orders o WHERE o.strategy_id = s.strategy_id AND o.side = 'BUY')::numeric(20,6)
                     AS locked_rows,
                   (SELECT coalesce(sum(o.requested_usd + o.expected_fee_usd), 0) FROM lt_orders o
                     WHERE o.strategy_id = s.strategy_id AND o.side = 'BUY'
                       AND o.status IN ('INTENT', 'SUBMITTED', 'UNKNOWN'))::numeric(20,6) AS pending
              FROM lt_strategies s ORDER BY s.strategy_id
            """
        ) { r throws(RowDecodingError) in
            Doctor.Books(
                strategyID: try r.decode("strategy_id"), wallet: try r.decode("wallet"), live: try r.decode("live"),
                available: try r.decode("available_cash"), locked: try r.decode("locked_capital"),
                cooldown: try r.decode("cooldown_capital"), cooldownQueued: try r.decode("queued"),
                lockedByRows: try r.decode("locked_rows"), pendingLocks: try r.decode("pending"))
        }
    }
}
