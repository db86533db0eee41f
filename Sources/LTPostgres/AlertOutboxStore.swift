import Foundation
import LTCore

/// The alert outbox (sql/008 `lt_alert_outbox`). Rows are written by the database's triggers in the
/// transaction of the transition itself; this store only hands waiting rows to the delivery and
/// records the result.
public final class AlertOutboxStore: AlertOutbox {
    let db: any Database

    public init(database: any Database) { db = database }

    /// One transaction per alert: the row is locked (`FOR UPDATE SKIP LOCKED`) while it is posted, so
    /// a concurrent run of another job neither sends it too nor waits for this one's webhook, and
    /// the result is committed right after the answer, so only a crash between the webhook's 2xx
    /// and that commit could send it again. The caller's timeout bounds each transaction.
    public func deliverPending(limit: Int, _ deliver: (PendingAlert) -> DeliveryFailure?) throws -> (
        sent: Int, failed: Int
    ) {
        var sent = 0
        var failed = 0
        var after: Int64 = 0
        for _ in 0..<limit {
            let done: Bool = try db.transaction {
                guard
                    let alert = try db.query(
                        """
                        SELECT id, kind, strategy_id, lt_order_id, detail, created_at FROM lt_alert_outbox
                         WHERE delivered_at IS NULL AND id > \(after) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                        """,
                        { r throws(RowDecodingError) in
                            PendingAlert(
                                id: try r.decode("id"),
                                kind: PendingAlert.Kind(rawValue: try r.decode("kind", as: String.self)),
                                strategyID: try r.decode("strategy_id", as: String?.self),
                                ltOrderID: try r.decode("lt_order_id", as: Int64?.self),
                                detail: try r.decode("detail", as: String?.self), createdAt: try r.decode("created_at"))
                        }
                    ).first
                else { return true }
                after = alert.id
                if let failure = deliver(alert) {
                    failed += 1
                    _ = try db.execute(
                        """
                        UPDATE lt_alert_outbox SET attempts = attempts + 1, last_error = \(failure.description)
                         WHERE id = \(alert.id)
                        """)
                } else {
                    sent += 1
                    _ = try db.execute(
                        """
                        UPDATE lt_alert_outbox SET attempts = attempts + 1, last_error = NULL, delivered_at = now(),
                               delivery = 'SENT'
                         WHERE id = \(alert.id)
                        """)
                }
                return false
            }
            if done { break }
        }
        return (sent, failed)
    }

    public func markPendingWithoutWebhook() throws -> Int {
        try db.execute(
            "UPDATE lt_alert_outbox SET delivered_at = now(), delivery = 'NO_WEBHOOK' WHERE delivered_at IS NULL")
    }
}
