import Foundation

// The ports `check-exits` reads through (design §1): LTPostgres' `ExitStore` for positions and
// strategies, LTPolymarket's Data API adapter for leader positions. Cash moves go through the
// ledger, orders through `TradingVenue`.

/// The strategy columns `check-exits` reads.
public struct ExitStrategy: Sendable, Hashable {
    public var id: String
    public var wallet: String
    public var mode: StrategyMode
    public var tradingState: TradingState
    public var mirrorExits: Bool
    public var exitThresholdPct: Fixed6
    public var stopLossPct: Fixed6?
    public var takeProfitPct: Fixed6?
    public var maxHoldHours: Int?
    public var maxSlippageBps: Int?
    public var cooldownHours: Int

    public init(
        id: String, wallet: String, mode: StrategyMode, tradingState: TradingState, mirrorExits: Bool,
        exitThresholdPct: Fixed6, stopLossPct: Fixed6?, takeProfitPct: Fixed6?, maxHoldHours: Int?,
        maxSlippageBps: Int?, cooldownHours: Int
    ) {
        self.id = id
        self.wallet = wallet
        self.mode = mode
        self.tradingState = tradingState
        self.mirrorExits = mirrorExits
        self.exitThresholdPct = exitThresholdPct
        self.stopLossPct = stopLossPct
        self.takeProfitPct = takeProfitPct
        self.maxHoldHours = maxHoldHours
        self.maxSlippageBps = maxSlippageBps
        self.cooldownHours = cooldownHours
    }
}

/// What a position is: one strategy's shares bought on one leader's signals in one outcome. A
/// position bought on leader A's signal is never sold because leader B sold (issue 12 §1); shadow
/// and live rows are never mixed.
public struct ExitPositionKey: Sendable, Hashable, Comparable {
    public var strategyID: String
    public var traderWallet: String?
    public var conditionID: String
    public var tokenLabel: String
    public var isShadow: Bool

    public init(strategyID: String, traderWallet: String?, conditionID: String, tokenLabel: String, isShadow: Bool) {
        self.strategyID = strategyID
        self.traderWallet = traderWallet
        self.conditionID = conditionID
        self.tokenLabel = tokenLabel
        self.isShadow = isShadow
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.strategyID, a.traderWallet ?? "", a.conditionID, a.tokenLabel, a.isShadow ? 1 : 0)
            < (b.strategyID, b.traderWallet ?? "", b.conditionID, b.tokenLabel, b.isShadow ? 1 : 0)
    }

    /// The exit's deterministic `signal_key`: the position and the number of SELL rows it already
    /// has. Two runs deciding the same exit from the same rows write the same key, and
    /// UNIQUE(strategy_id, signal_key) lets one of them in; a retry after a failed exit is the
    /// next number.
    public func exitKey(sequence: Int) -> String {
        "exit:\(conditionID):\(tokenLabel):\(traderWallet ?? "-"):\(sequence)"
    }
}

/// One open BUY row (a lot of a position).
public struct OpenLot: Sendable, Hashable {
    public var ltOrderID: Int64
    public var key: ExitPositionKey
    public var tokenID: String?
    public var negRisk: Bool?
    public var tickSize: Fixed6?
    public var marketTitle: String?
    public var wallet: String?
    public var sharesRemaining: Fixed6
    public var costBasisRemaining: Fixed6
    public var filledAt: Date?
    public var settlement: Settlement?
    public var baseline: Fixed6?

    public init(
        ltOrderID: Int64, key: ExitPositionKey, tokenID: String?, negRisk: Bool?, tickSize: Fixed6?,
        marketTitle: String?, wallet: String?, sharesRemaining: Fixed6, costBasisRemaining: Fixed6, filledAt: Date?,
        settlement: Settlement?, baseline: Fixed6?
    ) {
        self.ltOrderID = ltOrderID
        self.key = key
        self.tokenID = tokenID
        self.negRisk = negRisk
        self.tickSize = tickSize
        self.marketTitle = marketTitle
        self.wallet = wallet
        self.sharesRemaining = sharesRemaining
        self.costBasisRemaining = costBasisRemaining
        self.filledAt = filledAt
        self.settlement = settlement
        self.baseline = baseline
    }
}

/// One SELL row of a position (its exit history).
public struct ExitRow: Sendable, Hashable {
    public var ltOrderID: Int64
    public var key: ExitPositionKey
    public var past: ExitRules.PastExit

    public init(ltOrderID: Int64, key: ExitPositionKey, past: ExitRules.PastExit) {
        self.ltOrderID = ltOrderID
        self.key = key
        self.past = past
    }
}

/// A leader's size in one token (the Data API's current size).
public struct LeaderPosition: Sendable, Hashable {
    public var conditionID: String
    public var tokenID: String
    public var size: Fixed6

    public init(conditionID: String, tokenID: String, size: Fixed6) {
        self.conditionID = conditionID
        self.tokenID = tokenID
        self.size = size
    }
}

/// Leaders' positions (the Data API: `/v2/positions`, paged, the classic `/positions` as fallback).
public protocol LeaderPositionReading: AnyObject {
    /// Every position of `leader` in these conditions. Throws when they cannot be read: a leader
    /// that cannot be read is never taken for flat.
    func positions(leader: String, conditionIDs: [String]) throws(VenueError) -> [LeaderPosition]
}

/// The SQL side of `check-exits` besides the ledger (LTPostgres' `ExitStore`).
public protocol ExitStoring: AnyObject {
    /// Active strategies with their exit settings.
    func exitStrategies() throws -> [ExitStrategy]
    /// Open BUY rows (outcome OPEN, shares left) of these strategies, oldest fill first.
    func openLots(strategyIDs: [String]) throws -> [OpenLot]
    /// SELL rows of these strategies in these conditions, oldest first.
    func exitRows(strategyIDs: [String], conditionIDs: [String]) throws -> [ExitRow]
    /// INTENT rows of dead runs → UNKNOWN (design §4), as execute does.
    func abandonIntents(strategyIDs: [String], exceptRun runID: String, at: Date) throws -> Int
    /// A first observation or a leader adding: the baseline of these rows, no cash moved.
    func setBaseline(strategyID: String, ltOrderIDs: [Int64], value: Fixed6, at: Date) throws
    /// Mark to market (design §4 check-exits, issue 12 §9): equity = the books (available + locked
    /// + cooldown) + `unrealizedPnL` (best bid × shares − cost basis of the positions marked);
    /// raises `peak_equity` and sets `current_drawdown_pct` from it, under the strategy lock, so
    /// the drawdown breaker sees unrealized losses too. No cash column changes.
    func markToMarket(strategyID: String, unrealizedPnL: Fixed6, at: Date) throws
}
