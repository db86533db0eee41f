import Foundation
import LTCore

/// The reads of `lt force` besides the jobs' stores: whether a strategy exists, and the row a force
/// key names (`signal_key = 'force:<key>'`, served by UNIQUE(strategy_id, signal_key)).
public final class ForceStore: ForceStoring {
    let db: any Database

    public init(database: any Database) { db = database }

    public func strategyExists(_ id: String) throws -> Bool {
        try db.queryFirst("SELECT 1 AS one FROM lt_strategies WHERE strategy_id = \(id)") != nil
    }

    public func order(strategyID: String, signalKey: String) throws -> LTOrder? {
        guard
            let row = try db.queryFirst(
                "SELECT \(LTOrder.columns) FROM lt_orders WHERE strategy_id = \(strategyID) AND signal_key = \(signalKey)"
            )
        else { return nil }
        return try LTOrder(row: row)
    }
}
