/// A strategy's three cash buckets plus the numbers of the capital invariant (design §3):
/// `available + locked + cooldown = initial + realizedPnl`, every bucket ≥ 0.
///
/// The same invariant is a CHECK constraint in `lt_strategies`; these pure transitions let a job
/// compute and test a change before the database enforces it, and give the SQL its deltas.
public struct CashBuckets: Sendable, Hashable {
    public private(set) var available: Fixed6
    public private(set) var locked: Fixed6
    public private(set) var cooldown: Fixed6
    public private(set) var realizedPnl: Fixed6
    public let initial: Fixed6

    public init(
        available: Fixed6, locked: Fixed6, cooldown: Fixed6, realizedPnl: Fixed6, initial: Fixed6
    ) throws(CapitalError) {
        self.available = available
        self.locked = locked
        self.cooldown = cooldown
        self.realizedPnl = realizedPnl
        self.initial = initial
        try validate()
    }

    /// A fresh strategy: everything available.
    public init(initial: Fixed6) throws(CapitalError) {
        try self.init(available: initial, locked: .zero, cooldown: .zero, realizedPnl: .zero, initial: initial)
    }

    public var invariantHolds: Bool { available + locked + cooldown == initial + realizedPnl }

    func validate() throws(CapitalError) {
        if available.isNegative { throw .negativeBucket(.available) }
        if locked.isNegative { throw .negativeBucket(.locked) }
        if cooldown.isNegative { throw .negativeBucket(.cooldown) }
        guard invariantHolds else { throw .invariantBroken }
    }

    /// The buckets after `event`, or an error (and no change) if a bucket would go negative.
    public func applying(_ event: CapitalEvent) throws(CapitalError) -> CashBuckets {
        try event.validateAmounts()
        let d = event.delta
        var next = self
        next.available += d.available
        next.locked += d.locked
        next.cooldown += d.cooldown
        next.realizedPnl += d.realizedPnl
        try next.validate()
        return next
    }
}

/// Signed changes to the buckets: what an SQL `UPDATE … SET x = x + $n` applies.
public struct CashDelta: Sendable, Hashable {
    public var available: Fixed6
    public var locked: Fixed6
    public var cooldown: Fixed6
    public var realizedPnl: Fixed6

    public init(
        available: Fixed6 = .zero, locked: Fixed6 = .zero, cooldown: Fixed6 = .zero, realizedPnl: Fixed6 = .zero
    ) {
        self.available = available
        self.locked = locked
        self.cooldown = cooldown
        self.realizedPnl = realizedPnl
    }
}

/// The rows of the capital-flow table (design §3). The ledger (LTPostgres `LedgerStore`) applies one
/// or more of them in the same transaction as the `lt_orders` change that causes them.
public enum CapitalEvent: Sendable, Hashable {
    /// BUY intent, before posting: the order's amount plus its expected fee move from available to
    /// locked.
    case lockForBuy(Fixed6)
    /// Fill below the request, rejection, unfilled, killed remainder, provably not placed: the
    /// unused part of the lock (amount and expected fee) goes back.
    case releaseUnused(Fixed6)
    /// The fee of record is known (from the trades): the difference to the fee locked is released,
    /// or — when the venue charged more — taken from available cash.
    case feeSettled(expected: Fixed6, actual: Fixed6)
    /// The trade reverted on-chain (settlement FAILED): the fill's cost is released.
    case settlementFailed(revertedCost: Fixed6)
    /// Resolution WON: the cost basis leaves locked, the payout (shares × payout per share) waits in
    /// cooldown.
    case resolvedWon(costBasis: Fixed6, payout: Fixed6)
    /// Resolution LOST: the cost basis is gone.
    case resolvedLost(costBasis: Fixed6)
    /// SELL filled: the sold shares' cost basis leaves locked, the net proceeds wait in cooldown.
    case sellFilled(costBasisSold: Fixed6, netProceeds: Fixed6)
    /// A cooldown entry matured: spendable again.
    case cooldownMatured(Fixed6)

    public var delta: CashDelta {
        switch self {
        case .lockForBuy(let a): return CashDelta(available: -a, locked: a)
        case .releaseUnused(let a), .settlementFailed(let a): return CashDelta(available: a, locked: -a)
        case .feeSettled(let expected, let actual):
            let back = expected - actual
            return CashDelta(available: back, locked: -back)
        case .resolvedWon(let cost, let payout):
            return CashDelta(locked: -cost, cooldown: payout, realizedPnl: payout - cost)
        case .resolvedLost(let cost): return CashDelta(locked: -cost, realizedPnl: -cost)
        case .sellFilled(let cost, let proceeds):
            return CashDelta(locked: -cost, cooldown: proceeds, realizedPnl: proceeds - cost)
        case .cooldownMatured(let a): return CashDelta(available: a, cooldown: -a)
        }
    }

    /// The change to `daily_spent_usd` (the daily budget counts what is committed to entries):
    /// a lock spends, a release or a reversal gives back, a fee correction adjusts.
    public var dailySpentDelta: Fixed6 {
        switch self {
        case .lockForBuy(let a): return a
        case .releaseUnused(let a), .settlementFailed(let a): return -a
        case .feeSettled(let expected, let actual): return actual - expected
        case .resolvedWon, .resolvedLost, .sellFilled, .cooldownMatured: return .zero
        }
    }

    /// Events that put money in the cooldown bucket, which the ledger also queues.
    public var cooldownAmount: Fixed6? {
        switch self {
        case .resolvedWon(_, let payout): return payout
        case .sellFilled(_, let proceeds): return proceeds
        default: return nil
        }
    }

    func validateAmounts() throws(CapitalError) {
        switch self {
        case .lockForBuy(let a), .cooldownMatured(let a):
            guard a.isPositive else { throw .nonPositiveAmount }
        case .releaseUnused(let a), .resolvedLost(let a), .settlementFailed(let a):
            guard !a.isNegative else { throw .nonPositiveAmount }
        case .feeSettled(let e, let a):
            guard !e.isNegative, !a.isNegative else { throw .nonPositiveAmount }
        case .resolvedWon(let c, let p), .sellFilled(let c, let p):
            guard !c.isNegative, !p.isNegative else { throw .nonPositiveAmount }
        }
    }

    /// What a BUY's answer releases: the lock (`requested` + `expectedFee`) less what stays locked
    /// for the fill (`executed` + the fee expected on it). Never negative: an answer claiming more
    /// than was locked is not booked (fill sanity) and releases nothing here.
    public static func unusedLock(
        requested: Fixed6, expectedFee: Fixed6, executed: Fixed6, feeOnExecuted: Fixed6
    ) -> Fixed6 {
        let unused = (requested + expectedFee) - (executed + feeOnExecuted)
        return unused.isNegative ? .zero : unused
    }
}

public enum CapitalError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Bucket: String, Sendable, Hashable {
        case available, locked, cooldown
    }

    case negativeBucket(Bucket)
    case nonPositiveAmount
    /// A fill reported more dollars than were locked for the order.
    case overfill
    case invariantBroken

    public var description: String {
        switch self {
        case .negativeBucket(let b): return "\(b.rawValue) cash would go negative"
        case .nonPositiveAmount: return "amount must be positive (or zero where allowed)"
        case .overfill: return "executed amount exceeds the locked amount"
        case .invariantBroken: return "available + locked + cooldown ≠ initial + realized_pnl"
        }
    }
}
