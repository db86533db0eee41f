import Foundation
import LTCore

/// The reads of `lt sync-order-status` (design §4). Its cash moves go through the ledger.
public final class SyncStore: SyncStoring {
    let db: any Database

    public init(database: any Database) { db = database }

    /// The non-final rows in one statement, each branch repeating the predicate of a partial index
    /// so that the index serves it: `lt_orders_nonfinal_idx` (sql/001: INTENT, SUBMITTED, PARTIAL,
    /// UNKNOWN) and `lt_orders_unsettled_idx` (sql/003: settlement MATCHED, MINED, RETRYING). The
    /// cost follows the non-final rows, never history; a run with nothing to do is this one query.
    public static let nonFinalOrdersSQL: SQL = """
        SELECT \(LTOrder.columns) FROM lt_orders
         WHERE status IN ('INTENT', 'SUBMITTED', 'PARTIAL', 'UNKNOWN') AND NOT is_shadow
        UNION ALL
        SELECT \(LTOrder.columns) FROM lt_orders
         WHERE settlement IN ('MATCHED', 'MINED', 'RETRYING')
           AND status NOT IN ('INTENT', 'SUBMITTED', 'PARTIAL', 'UNKNOWN') AND NOT is_shadow
         ORDER BY created_at, lt_order_id
        """

    public func nonFinalOrders() throws -> [LTOrder] {
        try db.query(Self.nonFinalOrdersSQL) { r throws(RowDecodingError) in try LTOrder(row: r) }
    }

    public func isRunAlive(_ runID: String) throws -> Bool { try db.isRunAlive(runID) }
}
