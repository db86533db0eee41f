import Foundation
import LTCore

// The SQL of the one order row model (LTCore `LTOrder`): its columns, its decoding, its insert.

extension LTOrder {
    /// Every column of `lt_orders`, for `SELECT \(LTOrder.columns) FROM lt_orders`.
    static let columns = SQL(
        unsafeRaw: """
            lt_order_id, strategy_id, signal_key, parent_lt_order_id, ft_order_id, ft_wallet_id,
            trader_wallet, signal_price, signal_size_usd, signal_time, condition_id, token_id, token_label,
            market_title, market_slug, neg_risk, tick_size, side, order_type, limit_price, requested_usd,
            requested_shares, order_hash, is_shadow, status, skip_reason, executed_price, executed_usd,
            executed_shares, fees_usd, shares_remaining, cost_basis_remaining, exit_reason,
            trader_position_baseline, outcome, winning_label, pnl, ft_pnl, redemption_status,
            redemption_tx_hash, redemption_attempts, redemption_error, trace_id, run_id,
            execution_latency_ms, error, created_at, submitted_at, filled_at, resolved_at, redeemed_at,
            updated_at, wallet, venue_order_id, trade_ids, settlement, expected_fee_usd, attempts,
            forced
            """)

    init(row r: Row) throws(RowDecodingError) {
        self.init(strategyID: "", signalKey: "", side: .buy, status: .skipped)
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
        wallet = try r.decode("wallet", as: String?.self)
        venueOrderID = try r.decode("venue_order_id", as: String?.self)
        tradeIDs = try Self.textArray(r.text("trade_ids"), column: "trade_ids")
        settlement = try r.decode("settlement", as: Settlement?.self)
        expectedFeeUSD = try r.decode("expected_fee_usd", as: Fixed6.self)
        attempts = try r.decode("attempts", as: Int.self)
        forced = try r.decode("forced", as: Bool.self)
    }

    /// `INSERT INTO lt_orders (...) VALUES (...) RETURNING lt_order_id`, every value bound. The
    /// insert of a decision: when the signal already has a row, it replaces it only if that row is
    /// NOT_PLACED (a decision that provably never reached the venue, decided again now, with the
    /// attempt count kept); otherwise nothing is written and no row comes back.
    func insertSQL() -> SQL {
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
            "\(wallet)",
            "\(venueOrderID)",
            "\(tradeIDs)",
            "\(settlement)",
            "\(expectedFeeUSD)",
            "\(attempts)",
            "\(forced)",
            "COALESCE(\(createdAt), now())",
            "COALESCE(\(updatedAt), \(createdAt), now())",
        ]
        let names = SQL(unsafeRaw: LTOrder.insertColumns.joined(separator: ", "))
        let kept: Set = ["strategy_id", "signal_key", "attempts"]
        let redecide = SQL(
            unsafeRaw: " ON CONFLICT (strategy_id, signal_key) DO UPDATE SET "
                + LTOrder.insertColumns.filter { !kept.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }
                .joined(separator: ", ") + " WHERE lt_orders.status = 'NOT_PLACED'")
        return "INSERT INTO lt_orders (\(names)) VALUES (\(SQL.joined(values, separator: ", ")))\(redecide)"
            + " RETURNING lt_order_id"
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
        "wallet",
        "venue_order_id",
        "trade_ids",
        "settlement",
        "expected_fee_usd",
        "attempts",
        "forced",
        "created_at",
        "updated_at",
    ]

    /// A one-dimensional `text[]` in Postgres' output format (`{a,"b c","d\\"e"}`).
    static func textArray(_ text: String?, column: String) throws(RowDecodingError) -> [String] {
        guard let text, text != "{}" else { return [] }
        guard text.hasPrefix("{"), text.hasSuffix("}") else {
            throw RowDecodingError(column: column, message: "not a text array")
        }
        var out: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        var wasQuoted = false
        for ch in text.dropFirst().dropLast() {
            if escaped {
                current.append(ch)
                escaped = false
            } else if quoted {
                if ch == "\\" { escaped = true } else if ch == "\"" { quoted = false } else { current.append(ch) }
            } else if ch == "\"" {
                quoted = true
                wasQuoted = true
            } else if ch == "," {
                out.append(current)
                current = ""
                wasQuoted = false
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty || wasQuoted || text.hasSuffix(",}") { out.append(current) }
        return out
    }
}
