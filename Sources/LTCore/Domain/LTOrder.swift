import Foundation

/// One `lt_orders` row: a decision (every BUY signal, every exit) and what became of it (design §2).
/// `ltOrderID`, `createdAt` and `updatedAt` are nil before the row is inserted (the database assigns
/// them). Build a new row with the memberwise initializer, insert it with `insertSQL`.
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

    /// Every column of `lt_orders`, for `SELECT \(LTOrder.columns) FROM lt_orders`.
    public static let columns = SQL(
        unsafeRaw: """
            lt_order_id, strategy_id, signal_key, parent_lt_order_id, ft_order_id, ft_wallet_id,
            trader_wallet, signal_price, signal_size_usd, signal_time, condition_id, token_id, token_label,
            market_title, market_slug, neg_risk, tick_size, side, order_type, limit_price, requested_usd,
            requested_shares, order_hash, is_shadow, status, skip_reason, executed_price, executed_usd,
            executed_shares, fees_usd, shares_remaining, cost_basis_remaining, exit_reason,
            trader_position_baseline, outcome, winning_label, pnl, ft_pnl, redemption_status,
            redemption_tx_hash, redemption_attempts, redemption_error, trace_id, run_id,
            execution_latency_ms, error, created_at, submitted_at, filled_at, resolved_at, redeemed_at,
            updated_at
            """)

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

    public init(row r: Row) throws(RowDecodingError) {
        ltOrderID = try r.decode("lt_order_id", as: Int64?.self)
        strategyID = try r.decode("strategy_id", as: String.self)
        signalKey = try r.decode("signal_key", as: String.self)
        parentLTOrderID = try r.decode("parent_lt_order_id", as: Int64?.self)
        ftOrderID = try r.decode("ft_order_id", as: String?.self)
        ftWalletID = try r.decode("ft_wallet_id", as: String?.self)
        traderWallet = try r.decode("trader_wallet", as: String?.self)
        signalPrice = try r.decode("signal_price", as: Fixed6?.self)
        signalSizeUSD = try r.decode("signal_size_usd", as: Fixed6?.self)
        signalTime = try r.decode("signal_time", as: Date?.self)
        conditionID = try r.decode("condition_id", as: String?.self)
        tokenID = try r.decode("token_id", as: String?.self)
        tokenLabel = try r.decode("token_label", as: String?.self)
        marketTitle = try r.decode("market_title", as: String?.self)
        marketSlug = try r.decode("market_slug", as: String?.self)
        negRisk = try r.decode("neg_risk", as: Bool?.self)
        tickSize = try r.decode("tick_size", as: Fixed6?.self)
        side = try r.decode("side", as: Side.self)
        orderType = try r.decode("order_type", as: OrderType?.self)
        limitPrice = try r.decode("limit_price", as: Fixed6?.self)
        requestedUSD = try r.decode("requested_usd", as: Fixed6?.self)
        requestedShares = try r.decode("requested_shares", as: Fixed6?.self)
        orderHash = try r.decode("order_hash", as: String?.self)
        isShadow = try r.decode("is_shadow", as: Bool.self)
        status = try r.decode("status", as: OrderStatus.self)
        skipReason = try r.decode("skip_reason", as: String?.self)
        executedPrice = try r.decode("executed_price", as: Fixed6?.self)
        executedUSD = try r.decode("executed_usd", as: Fixed6.self)
        executedShares = try r.decode("executed_shares", as: Fixed6.self)
        feesUSD = try r.decode("fees_usd", as: Fixed6.self)
        sharesRemaining = try r.decode("shares_remaining", as: Fixed6.self)
        costBasisRemaining = try r.decode("cost_basis_remaining", as: Fixed6.self)
        exitReason = try r.decode("exit_reason", as: ExitReason?.self)
        traderPositionBaseline = try r.decode("trader_position_baseline", as: Fixed6?.self)
        outcome = try r.decode("outcome", as: PositionOutcome?.self)
        winningLabel = try r.decode("winning_label", as: String?.self)
        pnl = try r.decode("pnl", as: Fixed6?.self)
        ftPnL = try r.decode("ft_pnl", as: Fixed6?.self)
        redemptionStatus = try r.decode("redemption_status", as: RedemptionStatus.self)
        redemptionTxHash = try r.decode("redemption_tx_hash", as: String?.self)
        redemptionAttempts = try r.decode("redemption_attempts", as: Int.self)
        redemptionError = try r.decode("redemption_error", as: String?.self)
        traceID = try r.decode("trace_id", as: String?.self)
        runID = try r.decode("run_id", as: String?.self)
        executionLatencyMs = try r.decode("execution_latency_ms", as: Int64?.self)
        error = try r.decode("error", as: String?.self)
        createdAt = try r.decode("created_at", as: Date?.self)
        submittedAt = try r.decode("submitted_at", as: Date?.self)
        filledAt = try r.decode("filled_at", as: Date?.self)
        resolvedAt = try r.decode("resolved_at", as: Date?.self)
        redeemedAt = try r.decode("redeemed_at", as: Date?.self)
        updatedAt = try r.decode("updated_at", as: Date?.self)
    }

    /// `INSERT INTO lt_orders (...) VALUES (...) RETURNING lt_order_id, created_at`, every value bound.
    /// Add `ON CONFLICT (strategy_id, signal_key) DO NOTHING` with `insertSQL(onConflictDoNothing: true)`:
    /// then no row comes back when the signal already has one.
    public func insertSQL(onConflictDoNothing: Bool = false) -> SQL {
        let values: [SQL] = [
            "\(strategyID)",
            "\(signalKey)",
            "\(parentLTOrderID)",
            "\(ftOrderID)",
            "\(ftWalletID)",
            "\(traderWallet)",
            "\(signalPrice)",
            "\(signalSizeUSD)",
            "\(signalTime)",
            "\(conditionID)",
            "\(tokenID)",
            "\(tokenLabel)",
            "\(marketTitle)",
            "\(marketSlug)",
            "\(negRisk)",
            "\(tickSize)",
            "\(side)",
            "\(orderType)",
            "\(limitPrice)",
            "\(requestedUSD)",
            "\(requestedShares)",
            "\(orderHash)",
            "\(isShadow)",
            "\(status)",
            "\(skipReason)",
            "\(executedPrice)",
            "\(executedUSD)",
            "\(executedShares)",
            "\(feesUSD)",
            "\(sharesRemaining)",
            "\(costBasisRemaining)",
            "\(exitReason)",
            "\(traderPositionBaseline)",
            "\(outcome)",
            "\(winningLabel)",
            "\(pnl)",
            "\(ftPnL)",
            "\(redemptionStatus)",
            "\(redemptionTxHash)",
            "\(redemptionAttempts)",
            "\(redemptionError)",
            "\(traceID)",
            "\(runID)",
            "\(executionLatencyMs)",
            "\(error)",
            "\(submittedAt)",
            "\(filledAt)",
            "\(resolvedAt)",
            "\(redeemedAt)",
        ]
        let names = SQL(unsafeRaw: LTOrder.insertColumns.joined(separator: ", "))
        let conflict = SQL(unsafeRaw: onConflictDoNothing ? " ON CONFLICT (strategy_id, signal_key) DO NOTHING" : "")
        return "INSERT INTO lt_orders (\(names)) VALUES (\(SQL.joined(values, separator: ", ")))\(conflict)"
            + " RETURNING lt_order_id, created_at"
    }

    static let insertColumns = [
        "strategy_id",
        "signal_key",
        "parent_lt_order_id",
        "ft_order_id",
        "ft_wallet_id",
        "trader_wallet",
        "signal_price",
        "signal_size_usd",
        "signal_time",
        "condition_id",
        "token_id",
        "token_label",
        "market_title",
        "market_slug",
        "neg_risk",
        "tick_size",
        "side",
        "order_type",
        "limit_price",
        "requested_usd",
        "requested_shares",
        "order_hash",
        "is_shadow",
        "status",
        "skip_reason",
        "executed_price",
        "executed_usd",
        "executed_shares",
        "fees_usd",
        "shares_remaining",
        "cost_basis_remaining",
        "exit_reason",
        "trader_position_baseline",
        "outcome",
        "winning_label",
        "pnl",
        "ft_pnl",
        "redemption_status",
        "redemption_tx_hash",
        "redemption_attempts",
        "redemption_error",
        "trace_id",
        "run_id",
        "execution_latency_ms",
        "error",
        "submitted_at",
        "filled_at",
        "resolved_at",
        "redeemed_at",
    ]
}
