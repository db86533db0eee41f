import Foundation

/// One `lt_orders` row: a decision (every BUY signal, every exit) and what became of it (design §2).
/// `ltOrderID`, `createdAt` and `updatedAt` are nil before the row is inserted (the database assigns
/// them). The one order row model: jobs build rows with the memberwise initializer and the ledger
/// (LTPostgres `LedgerStore`) inserts them; LTPostgres `OrderRows` holds its SQL.
public struct LTOrder: Sendable, Hashable, Codable {
    public var ltOrderID: Int64?
    public var strategyID: String
    public var signalKey: String
    public var parentLTOrderID: Int64?
    public var ftOrderID: String?
    public var ftWalletID: String?
    public var traderWallet: String?
    public var signalPrice: Fixed6?
    public var signalSizeUSD: Fixed6?
    public var signalTime: Date?
    public var conditionID: String?
    public var tokenID: String?
    public var tokenLabel: String?
    public var marketTitle: String?
    public var marketSlug: String?
    public var negRisk: Bool?
    public var tickSize: Fixed6?
    public var side: Side
    public var orderType: OrderType?
    public var limitPrice: Fixed6?
    public var requestedUSD: Fixed6?
    public var requestedShares: Fixed6?
    public var orderHash: String?
    public var isShadow: Bool
    public var status: OrderStatus
    public var skipReason: String?
    public var executedPrice: Fixed6?
    public var executedUSD: Fixed6
    public var executedShares: Fixed6
    public var feesUSD: Fixed6
    public var sharesRemaining: Fixed6
    public var costBasisRemaining: Fixed6
    public var exitReason: ExitReason?
    public var traderPositionBaseline: Fixed6?
    public var outcome: PositionOutcome?
    public var winningLabel: String?
    public var pnl: Fixed6?
    public var ftPnL: Fixed6?
    public var redemptionStatus: RedemptionStatus
    public var redemptionTxHash: String?
    public var redemptionAttempts: Int
    public var redemptionError: String?
    public var traceID: String?
    public var runID: String?
    public var executionLatencyMs: Int64?
    public var error: String?
    public var createdAt: Date?
    public var submittedAt: Date?
    public var filledAt: Date?
    public var resolvedAt: Date?
    public var redeemedAt: Date?
    public var updatedAt: Date?
    // Schema v3 (the money loop).
    /// The trading wallet's name in `LT_WALLETS_FILE` that placed the order.
    public var wallet: String? = nil
    /// The venue's order id as answered, when it differs from `orderHash`.
    public var venueOrderID: String? = nil
    /// The trades that filled it (fills of record).
    public var tradeIDs: [String] = []
    public var settlement: Settlement? = nil
    /// The taker fee locked with the order (design §3), until the fee of record replaces it.
    public var expectedFeeUSD: Fixed6 = .zero
    /// Decisions of this signal that provably never reached the venue (NOT_PLACED).
    public var attempts: Int = 0
    // Schema v9.
    /// An operator forced it (`lt force`): real cash, no FT counterpart, left out of every LT-vs-FT
    /// comparison.
    public var forced = false

    public init(
        strategyID: String,
        signalKey: String,
        parentLTOrderID: Int64? = nil,
        ftOrderID: String? = nil,
        ftWalletID: String? = nil,
        traderWallet: String? = nil,
        signalPrice: Fixed6? = nil,
        signalSizeUSD: Fixed6? = nil,
        signalTime: Date? = nil,
        conditionID: String? = nil,
        tokenID: String? = nil,
        tokenLabel: String? = nil,
        marketTitle: String? = nil,
        marketSlug: String? = nil,
        negRisk: Bool? = nil,
        tickSize: Fixed6? = nil,
        side: Side,
        orderType: OrderType? = nil,
        limitPrice: Fixed6? = nil,
        requestedUSD: Fixed6? = nil,
        requestedShares: Fixed6? = nil,
        orderHash: String? = nil,
        isShadow: Bool = false,
        status: OrderStatus,
        skipReason: String? = nil,
        executedPrice: Fixed6? = nil,
        executedUSD: Fixed6 = .zero,
        executedShares: Fixed6 = .zero,
        feesUSD: Fixed6 = .zero,
        sharesRemaining: Fixed6 = .zero,
        costBasisRemaining: Fixed6 = .zero,
        exitReason: ExitReason? = nil,
        traderPositionBaseline: Fixed6? = nil,
        outcome: PositionOutcome? = nil,
        winningLabel: String? = nil,
        pnl: Fixed6? = nil,
        ftPnL: Fixed6? = nil,
        redemptionStatus: RedemptionStatus = .none,
        redemptionTxHash: String? = nil,
        redemptionAttempts: Int = 0,
        redemptionError: String? = nil,
        traceID: String? = nil,
        runID: String? = nil,
        executionLatencyMs: Int64? = nil,
        error: String? = nil,
        submittedAt: Date? = nil,
        filledAt: Date? = nil,
        resolvedAt: Date? = nil,
        redeemedAt: Date? = nil
    ) {
        self.ltOrderID = nil
        self.strategyID = strategyID
        self.signalKey = signalKey
        self.parentLTOrderID = parentLTOrderID
        self.ftOrderID = ftOrderID
        self.ftWalletID = ftWalletID
        self.traderWallet = traderWallet
        self.signalPrice = signalPrice
        self.signalSizeUSD = signalSizeUSD
        self.signalTime = signalTime
        self.conditionID = conditionID
        self.tokenID = tokenID
        self.tokenLabel = tokenLabel
        self.marketTitle = marketTitle
        self.marketSlug = marketSlug
        self.negRisk = negRisk
        self.tickSize = tickSize
        self.side = side
        self.orderType = orderType
        self.limitPrice = limitPrice
        self.requestedUSD = requestedUSD
        self.requestedShares = requestedShares
        self.orderHash = orderHash
        self.isShadow = isShadow
        self.status = status
        self.skipReason = skipReason
        self.executedPrice = executedPrice
        self.executedUSD = executedUSD
        self.executedShares = executedShares
        self.feesUSD = feesUSD
        self.sharesRemaining = sharesRemaining
        self.costBasisRemaining = costBasisRemaining
        self.exitReason = exitReason
        self.traderPositionBaseline = traderPositionBaseline
        self.outcome = outcome
        self.winningLabel = winningLabel
        self.pnl = pnl
        self.ftPnL = ftPnL
        self.redemptionStatus = redemptionStatus
        self.redemptionTxHash = redemptionTxHash
        self.redemptionAttempts = redemptionAttempts
        self.redemptionError = redemptionError
        self.traceID = traceID
        self.runID = runID
        self.executionLatencyMs = executionLatencyMs
        self.error = error
        self.createdAt = nil
        self.submittedAt = submittedAt
        self.filledAt = filledAt
        self.resolvedAt = resolvedAt
        self.redeemedAt = redeemedAt
        self.updatedAt = nil
    }
}
