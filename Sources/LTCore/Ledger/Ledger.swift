import Foundation

/// The one ledger (design §3): every cash move of every job goes through `Ledger.apply`, which —
/// under the strategy's advisory lock, in one transaction — applies the `lt_orders` change and the
/// `CapitalEvent`s it causes, refuses a status change `OrderTransitions` does not allow, and
/// returns the strategy's fresh state. No job writes cash columns any other way.
public protocol Ledger: AnyObject {
    /// Throws `LedgerError` for a refused change (nothing was written) and `DatabaseError` when
    /// the database failed.
    func apply(_ entry: LedgerEntry) throws -> LedgerOutcome

    /// Strategies with cooldown money due at `now` (design §3 "cooldown matured").
    func strategiesWithMaturedCooldown(now: Date) throws -> [String]

    /// Releases `strategyID`'s cooldown money due at `now` — a WON payout only once its redemption
    /// is confirmed — to available cash, in one transaction under the strategy lock. Returns the
    /// amount released.
    func releaseMaturedCooldown(strategyID: String, now: Date) throws -> Fixed6

    /// Strategies whose daily counters were last reset before `day`, and how many strategies exist.
    func strategiesDueForReset(day: UTCDay) throws -> (due: [String], total: Int)

    /// Zeroes `strategyID`'s daily counters for `day` and clears a daily-loss breaker (the drawdown
    /// breaker stays), under the strategy lock. nil when another run already reset it for `day`;
    /// otherwise whether a daily-loss breaker was cleared.
    func resetDailyCounters(strategyID: String, day: UTCDay, at: Date) throws -> Bool?
}

/// One ledger entry: a row change and the cash it moves.
public struct LedgerEntry {
    public enum Change {
        /// A decision: a new row, or the re-decision of a NOT_PLACED row of the same signal.
        case insert(LTOrder)
        /// An existing row moves to `to` with `fields` changed. `onlyRun`: the row must carry that
        /// run id (a run records the answers of its own posts only).
        case update(ltOrderID: Int64, to: OrderStatus, fields: OrderFields, onlyRun: String? = nil)
    }

    public var strategyID: String
    public var change: Change
    public var events: [CapitalEvent]
    /// Commit with `synchronous_commit = on` whatever the server default (design §4 "durability
    /// before side effects"): for a transaction whose effect must survive before something leaves
    /// the process, like an INTENT before its POST.
    public var durable: Bool
    public var at: Date
    /// When money queued in cooldown by an event becomes spendable.
    public var cooldownAvailableAt: Date?
    /// A decision's rules, re-evaluated on fresh rows under the lock (design §4 "read what you
    /// decide on under the lock"). A skip turns the insert into a SKIPPED row with no cash moved.
    public var gate: ((FreshState) -> Skip?)?
    /// The outcome whose held position the gate reads.
    public var position: PositionKey?
    /// A settlement's risk-state change (resolve, design §4): given the strategy's risk state
    /// read under the lock after the events were applied, the state to write — in the same
    /// transaction, so P&L and the breakers it trips commit together or not at all.
    public var riskUpdate: ((RiskSnapshot) -> RiskSnapshot)?
    /// The open position an update settles, as the caller read it: the ledger refuses the update
    /// (`LedgerError.positionChanged`) when the row under the lock is no longer that position — an
    /// exit sold shares since, or another run settled it.
    public var expectedPosition: ExpectedPosition?
    /// An update decided from a row read outside the lock (sync-order-status): the row must still
    /// be as read, or the entry is refused with `LedgerError.rowChanged` — its events were computed
    /// from the old figures and would move cash twice.
    public var basedOn: OrderSnapshot?
    /// SELL filled (design §3): the position's BUY rows give up these shares in the same
    /// transaction, and the ledger adds the `sellFilled` event it computes from them under the lock.
    public var reduction: PositionReduction?
    /// A position's leader baseline moves with the exit decided from it, in the same transaction
    /// (check-exits: one drop of the leader is mirrored once).
    public var baseline: BaselineUpdate?

    public init(
        strategyID: String, change: Change, events: [CapitalEvent] = [], durable: Bool = false, at: Date,
        cooldownAvailableAt: Date? = nil, gate: ((FreshState) -> Skip?)? = nil, position: PositionKey? = nil,
        riskUpdate: ((RiskSnapshot) -> RiskSnapshot)? = nil, expectedPosition: ExpectedPosition? = nil,
        reduction: PositionReduction? = nil, baseline: BaselineUpdate? = nil
    ) {
        self.strategyID = strategyID
        self.change = change
        self.events = events
        self.durable = durable
        self.at = at
        self.cooldownAvailableAt = cooldownAvailableAt
        self.gate = gate
        self.position = position
        self.riskUpdate = riskUpdate
        self.expectedPosition = expectedPosition
        self.reduction = reduction
        self.baseline = baseline
    }
}

/// An open position as read before the lock: still OPEN, with these shares and this cost basis.
public struct ExpectedPosition: Sendable, Hashable {
    public var sharesRemaining: Fixed6
    public var costBasisRemaining: Fixed6
    public init(sharesRemaining: Fixed6, costBasisRemaining: Fixed6) {
        self.sharesRemaining = sharesRemaining
        self.costBasisRemaining = costBasisRemaining
    }
}

/// A strategy's risk state (design §2) as a settlement changes it, with the limits that trip its
/// breakers. `equity` is read-only context: initial capital + realized P&L after the entry's events.
public struct RiskSnapshot: Sendable, Hashable {
    public var equity: Fixed6
    public var maxDailyLossUSD: Fixed6?
    /// Percent (20 means 20 %).
    public var circuitBreakerLossPct: Fixed6?
    /// Positive: dollars lost today (UTC).
    public var dailyLossUSD: Fixed6
    public var consecutiveLosses: Int
    public var peakEquity: Fixed6
    /// Percent below peak equity.
    public var currentDrawdownPct: Fixed6
    public var circuitBreakerActive: Bool
    public var circuitBreakerReason: String?

    public init(
        equity: Fixed6, maxDailyLossUSD: Fixed6? = nil, circuitBreakerLossPct: Fixed6? = nil,
        dailyLossUSD: Fixed6 = .zero, consecutiveLosses: Int = 0, peakEquity: Fixed6,
        currentDrawdownPct: Fixed6 = .zero, circuitBreakerActive: Bool = false, circuitBreakerReason: String? = nil
    ) {
        self.equity = equity
        self.maxDailyLossUSD = maxDailyLossUSD
        self.circuitBreakerLossPct = circuitBreakerLossPct
        self.dailyLossUSD = dailyLossUSD
        self.consecutiveLosses = consecutiveLosses
        self.peakEquity = peakEquity
        self.currentDrawdownPct = currentDrawdownPct
        self.circuitBreakerActive = circuitBreakerActive
        self.circuitBreakerReason = circuitBreakerReason
    }
}

/// The columns of an `lt_orders` row that a decision's cash depends on (see `LedgerEntry.basedOn`).
public struct OrderSnapshot: Sendable, Hashable {
    public var status: OrderStatus
    public var executedUSD: Fixed6
    public var executedShares: Fixed6
    public var feesUSD: Fixed6
    public var expectedFeeUSD: Fixed6
    public var costBasisRemaining: Fixed6
    public var sharesRemaining: Fixed6
    public var settlement: Settlement?
    public var tradeIDs: [String]

    public init(_ row: LTOrder) {
        status = row.status
        executedUSD = row.executedUSD
        executedShares = row.executedShares
        feesUSD = row.feesUSD
        expectedFeeUSD = row.expectedFeeUSD
        costBasisRemaining = row.costBasisRemaining
        sharesRemaining = row.sharesRemaining
        settlement = row.settlement
        tradeIDs = row.tradeIDs.sorted()
    }
}

/// The shares a SELL fill takes out of a position: its open BUY rows of the same strategy, leader
/// (`trader_wallet`), condition, outcome label and shadow flag, oldest fill first (FIFO,
/// `PositionFIFO`). The ledger reads those rows under the strategy lock, so the cost basis sold is
/// computed on fresh rows; it refuses the entry when they hold fewer shares than `shares`.
public struct PositionReduction: Sendable, Hashable {
    public var traderWallet: String?
    public var position: PositionKey
    public var isShadow: Bool
    public var shares: Fixed6
    /// Proceeds after the SELL's fee: what goes to cooldown.
    public var netProceeds: Fixed6

    public init(traderWallet: String?, position: PositionKey, isShadow: Bool, shares: Fixed6, netProceeds: Fixed6) {
        self.traderWallet = traderWallet
        self.position = position
        self.isShadow = isShadow
        self.shares = shares
        self.netProceeds = netProceeds
    }
}

/// `trader_position_baseline` of these BUY rows (one position's) becomes `value`.
public struct BaselineUpdate: Sendable, Hashable {
    public var ltOrderIDs: [Int64]
    public var value: Fixed6

    public init(ltOrderIDs: [Int64], value: Fixed6) {
        self.ltOrderIDs = ltOrderIDs
        self.value = value
    }
}

/// FIFO across a position's BUY rows (issue 12 §6): a SELL of n shares takes them from the oldest
/// fill first; each row gives up its cost basis in proportion to the shares it gives up (all of it
/// when it is emptied), so the cost basis left always belongs to the shares left. Pure.
public enum PositionFIFO {
    public struct Lot: Sendable, Hashable {
        public var ltOrderID: Int64
        public var shares: Fixed6
        public var costBasis: Fixed6
        public init(ltOrderID: Int64, shares: Fixed6, costBasis: Fixed6) {
            self.ltOrderID = ltOrderID
            self.shares = shares
            self.costBasis = costBasis
        }
    }

    /// What leaves one lot.
    public struct Take: Sendable, Hashable {
        public var ltOrderID: Int64
        public var shares: Fixed6
        public var costBasis: Fixed6
        /// The lot is empty afterwards.
        public var closes: Bool
    }

    /// The takes for `shares` from `lots` (oldest first), or nil when the lots hold fewer shares.
    public static func take(_ shares: Fixed6, from lots: [Lot]) -> [Take]? {
        guard shares.isPositive else { return [] }
        var left = shares
        var takes: [Take] = []
        for lot in lots where lot.shares.isPositive {
            if left.isZero { break }
            if left >= lot.shares {
                takes.append(Take(ltOrderID: lot.ltOrderID, shares: lot.shares, costBasis: lot.costBasis, closes: true))
                left -= lot.shares
            } else {
                // Exact to the micro (128-bit intermediate), half-even.
                let cost =
                    (try? lot.costBasis.scaled(by: left, per: lot.shares, rounding: .halfEven))
                    ?? lot.costBasis.multiplied(by: left, rounding: .halfEven).divided(
                        by: lot.shares, rounding: .halfEven)
                takes.append(
                    Take(
                        ltOrderID: lot.ltOrderID, shares: left, costBasis: Swift.min(cost, lot.costBasis), closes: false
                    ))
                left = .zero
            }
        }
        return left.isZero ? takes : nil
    }
}

/// One outcome of one market: what a position is held in.
public struct PositionKey: Sendable, Hashable {
    public var conditionID: String
    public var label: String
    public init(conditionID: String, label: String) {
        self.conditionID = conditionID
        self.label = label
    }
}

/// What a gate sees: the strategy's rows as they are under the lock.
public struct FreshState: Sendable, Hashable {
    public var risk: RiskState
    public var buckets: CashBuckets
    /// Pending orders and open cost basis in `LedgerEntry.position` (zero without one).
    public var positionUSD: Fixed6

    public init(risk: RiskState, buckets: CashBuckets, positionUSD: Fixed6) {
        self.risk = risk
        self.buckets = buckets
        self.positionUSD = positionUSD
    }
}

public enum LedgerOutcome: Sendable {
    /// Written; the strategy's state after it.
    case applied(ltOrderID: Int64, state: FreshState)
    /// The gate or the capital rules refused the decision: a SKIPPED row was written instead.
    case skipped(Skip)
    /// The signal already has a row that is not NOT_PLACED (another run decided it).
    case alreadyDecided
}

/// Why the ledger refused an entry. Nothing was written.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    case orderNotFound(Int64)
    case transitionRefused(ltOrderID: Int64, from: OrderStatus?, to: OrderStatus)
    /// The row belongs to another run (`onlyRun`).
    case notThisRun(ltOrderID: Int64, runID: String?)
    case capital(strategyID: String, CapitalError)
    case strategyNotFound(String)
    /// `LedgerEntry.expectedPosition` no longer describes the row (it changed since it was read).
    case positionChanged(ltOrderID: Int64)
    /// The row changed since the entry's decision read it (`LedgerEntry.basedOn`).
    case rowChanged(ltOrderID: Int64)
    /// A SELL fill names more shares than the position's open BUY rows hold.
    case positionShort(strategyID: String, wanted: Fixed6, held: Fixed6)

    public var description: String {
        switch self {
        case .orderNotFound(let id): return "lt_orders row \(id) does not exist"
        case .transitionRefused(let id, let from, let to):
            return "lt_orders row \(id): \(from?.rawValue ?? "no row") → \(to.rawValue) is not an allowed transition"
        case .notThisRun(let id, let run): return "lt_orders row \(id) belongs to run \(run ?? "?")"
        case .capital(let s, let e): return "strategy \(s): \(e)"
        case .strategyNotFound(let s): return "strategy \(s) does not exist"
        case .positionChanged(let id): return "lt_orders row \(id) is no longer the open position that was read"
        case .rowChanged(let id): return "lt_orders row \(id) changed since it was read: decided again next run"
        case .positionShort(let s, let wanted, let held):
            return "strategy \(s): a SELL of \(wanted) shares exceeds the \(held) the position holds"
        }
    }
}

/// The columns an update may change; nil leaves a column as it is.
public struct OrderFields: Sendable, Hashable {
    public var executedUSD: Fixed6?
    public var executedShares: Fixed6?
    public var executedPrice: Fixed6?
    public var feesUSD: Fixed6?
    public var expectedFeeUSD: Fixed6?
    public var sharesRemaining: Fixed6?
    public var costBasisRemaining: Fixed6?
    public var outcome: PositionOutcome?
    public var settlement: Settlement?
    public var tradeIDs: [String]?
    public var venueOrderID: String?
    public var error: String?
    public var executionLatencyMs: Int64?
    public var submittedAt: Date?
    public var filledAt: Date?
    /// Count one more NOT_PLACED attempt.
    public var countAttempt: Bool
    // Resolution (resolve): what the market paid this position and how it compares with FT.
    public var winningLabel: String? = nil
    public var pnl: Fixed6? = nil
    public var ftPnL: Fixed6? = nil
    public var payoutPerShare: Fixed6? = nil
    public var redemptionStatus: RedemptionStatus? = nil
    public var resolvedAt: Date? = nil

    public init(
        executedUSD: Fixed6? = nil, executedShares: Fixed6? = nil, executedPrice: Fixed6? = nil,
        feesUSD: Fixed6? = nil, expectedFeeUSD: Fixed6? = nil, sharesRemaining: Fixed6? = nil,
        costBasisRemaining: Fixed6? = nil, outcome: PositionOutcome? = nil, settlement: Settlement? = nil,
        tradeIDs: [String]? = nil, venueOrderID: String? = nil, error: String? = nil,
        executionLatencyMs: Int64? = nil, submittedAt: Date? = nil, filledAt: Date? = nil,
        countAttempt: Bool = false
    ) {
        self.executedUSD = executedUSD
        self.executedShares = executedShares
        self.executedPrice = executedPrice
        self.feesUSD = feesUSD
        self.expectedFeeUSD = expectedFeeUSD
        self.sharesRemaining = sharesRemaining
        self.costBasisRemaining = costBasisRemaining
        self.outcome = outcome
        self.settlement = settlement
        self.tradeIDs = tradeIDs
        self.venueOrderID = venueOrderID
        self.error = error
        self.executionLatencyMs = executionLatencyMs
        self.submittedAt = submittedAt
        self.filledAt = filledAt
        self.countAttempt = countAttempt
    }
}
