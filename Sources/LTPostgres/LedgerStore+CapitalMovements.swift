import Foundation
import LTCore

/// Operator top-ups and withdrawals go through the ledger like every other cash change: the only
/// code that writes `available_cash` and `initial_capital` after a strategy is created.
extension LedgerStore: CapitalMovementLedger {
    /// Thrown inside the transaction to roll a dry run back while handing its result out.
    struct DryRun: Error {
        let record: CapitalMovementRecord
    }

    public func moveCapital(_ r: CapitalMovementRequest, at: Date, dryRun: Bool) throws -> Result<
        CapitalMovementRecord, CapitalMovement.Refusal
    >? {
        do {
            return try db.transaction { () throws -> Result<CapitalMovementRecord, CapitalMovement.Refusal>? in
                try db.lockStrategy(r.strategyID)
                guard
                    let row = try db.queryFirst(
                        "SELECT \(Self.stateColumns), peak_equity FROM lt_strategies WHERE strategy_id = \(r.strategyID)"
                    )
                else { return nil }
                let fresh = try Self.decodeState(row, strategyID: r.strategyID, positionUSD: .zero)
                let peak: Fixed6
                do { peak = try row.decode("peak_equity") } catch {
                    throw DatabaseError(.decoding, "lt_strategies \(r.strategyID): \(error)")
                }
                let after: CapitalMovement.After
                switch CapitalMovement.apply(r.kind, amount: r.amount, to: fresh.buckets, peakEquity: peak) {
                case .failure(let refusal): return .failure(refusal)
                case .success(let a): after = a
                }
                if dryRun { throw DryRun(record: CapitalMovementRecord(id: nil, request: r, after: after)) }
                // Deltas, not absolute values, like every ledger write; the CHECK constraints
                // re-verify the invariant on the result.
                let delta = after.buckets.available - fresh.buckets.available
                try db.execute(
                    """
                    UPDATE lt_strategies
                       SET available_cash = available_cash + \(delta),
                           initial_capital = initial_capital + \(delta),
                           peak_equity = \(after.peakEquity),
                           updated_at = \(at)
                     WHERE strategy_id = \(r.strategyID)
                    """)
                let inserted = try db.queryFirst(
                    """
                    INSERT INTO lt_capital_movements (strategy_id, kind, amount, reason, operator, run_id,
                                                      initial_capital_after, available_cash_after, peak_equity_after,
                                                      created_at)
                    VALUES (\(r.strategyID), \(r.kind.rawValue), \(r.amount), \(r.reason), \(r.operatorName),
                            \(r.runID), \(after.buckets.initial), \(after.buckets.available), \(after.peakEquity), \(at))
                    RETURNING id
                    """)
                let id = try inserted?.decodeOrThrow("id", as: Int64.self)
                return .success(CapitalMovementRecord(id: id, request: r, after: after))
            }
        } catch let d as DryRun {
            return .success(d.record)
        }
    }
}
