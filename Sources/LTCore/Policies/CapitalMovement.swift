import Foundation

/// An operator's capital top-up or withdrawal (`lt strategy deposit|withdraw`): money that enters
/// or leaves a strategy from outside its trading. It moves `initial_capital` and `available_cash`
/// together, so the capital invariant (available + locked + cooldown = initial + realized P&L)
/// holds and realized P&L is untouched: a deposit is not profit, a withdrawal is not a loss.
///
/// Drawdown is a fraction of the peak, so the peak moves in proportion to equity (the high-water
/// mark of fund accounting): peak × equity after ÷ equity before. The drawdown percentage is then
/// the same before and after — a withdrawal adds none (subtracting the amount from the peak would
/// turn the same dollar loss into a larger share of a smaller peak and trip the breaker sooner) and
/// a deposit hides none.
public enum CapitalMovement {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case deposit = "DEPOSIT"
        case withdrawal = "WITHDRAWAL"
    }

    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case nonPositiveAmount
        /// Only available cash can leave: locked money backs orders and positions, cooldown money
        /// is not spendable collateral yet.
        case exceedsAvailable(available: Fixed6)
        case outOfRange

        public var description: String {
            switch self {
            case .nonPositiveAmount: return "the amount must be positive"
            case .exceedsAvailable(let a):
                return "only available cash can be withdrawn: \(a.exactText) is available "
                    + "(locked and cooldown money is committed)"
            case .outOfRange: return "the amount is out of range"
            }
        }
    }

    /// The strategy after the movement; `current_drawdown_pct` is unchanged by construction.
    public struct After: Sendable, Hashable {
        public var buckets: CashBuckets
        public var peakEquity: Fixed6
    }

    /// Equity here is the books' (initial + realized P&L = the three buckets), as resolve measures it.
    public static func apply(_ kind: Kind, amount: Fixed6, to b: CashBuckets, peakEquity: Fixed6) -> Result<
        After, Refusal
    > {
        guard amount.isPositive else { return .failure(.nonPositiveAmount) }
        if kind == .withdrawal && amount > b.available { return .failure(.exceedsAvailable(available: b.available)) }
        let signed = kind == .deposit ? amount : -amount
        do {
            let buckets = try CashBuckets(
                available: try b.available.adding(signed), locked: b.locked, cooldown: b.cooldown,
                realizedPnl: b.realizedPnl, initial: try b.initial.adding(signed))
            let before = b.initial + b.realizedPnl
            let after = buckets.initial + buckets.realizedPnl
            // Nothing to scale from an empty strategy: it starts again at its new equity.
            var peak = after
            if before.isPositive && peakEquity.isPositive {
                peak = try peakEquity.scaled(by: after, per: before, rounding: .halfEven)
            }
            return .success(After(buckets: buckets, peakEquity: peak))
        } catch {
            return .failure(.outOfRange)
        }
    }
}

/// One top-up or withdrawal as the operator asked for it.
public struct CapitalMovementRequest: Sendable, Hashable {
    public var strategyID: String
    public var kind: CapitalMovement.Kind
    public var amount: Fixed6
    public var reason: String
    public var operatorName: String
    public var runID: String

    public init(
        strategyID: String, kind: CapitalMovement.Kind, amount: Fixed6, reason: String, operatorName: String,
        runID: String
    ) {
        self.strategyID = strategyID
        self.kind = kind
        self.amount = amount
        self.reason = reason
        self.operatorName = operatorName
        self.runID = runID
    }
}

/// A movement as booked (or, in a dry run, as it would be): the row of `lt_capital_movements`.
public struct CapitalMovementRecord: Sendable, Hashable, Codable {
    /// nil in a dry run.
    public var id: Int64?
    public var strategyID: String
    public var kind: CapitalMovement.Kind
    public var amount: Fixed6
    public var reason: String
    public var operatorName: String
    public var initialCapitalAfter: Fixed6
    public var availableCashAfter: Fixed6
    public var peakEquityAfter: Fixed6

    public init(
        id: Int64?, request r: CapitalMovementRequest, after: CapitalMovement.After
    ) {
        self.id = id
        strategyID = r.strategyID
        kind = r.kind
        amount = r.amount
        reason = r.reason
        operatorName = r.operatorName
        initialCapitalAfter = after.buckets.initial
        availableCashAfter = after.buckets.available
        peakEquityAfter = after.peakEquity
    }
}

/// The ledger's capital-movement entry point (LTPostgres `LedgerStore`): under the strategy lock
/// and in one transaction, read the strategy, decide with `CapitalMovement.apply`, write the cash
/// and peak equity and the `lt_capital_movements` row — or roll everything back for a dry run.
public protocol CapitalMovementLedger: AnyObject {
    /// nil when there is no such strategy.
    func moveCapital(_ request: CapitalMovementRequest, at: Date, dryRun: Bool) throws -> Result<
        CapitalMovementRecord, CapitalMovement.Refusal
    >?
}
