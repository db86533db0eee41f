import Foundation

/// `lt status`: every strategy with its mode, trading state, cash buckets, risk state, open
/// positions, today's orders by status (UTC day from the clock) and last activity; plus the
/// invariants visible from here (cooldown bucket = unreleased cooldown queue, capital identity).
/// A broken invariant is reported as an issue and makes the run exit 1.
public enum StatusReport {
    public struct StrategyStatus: Codable, Sendable, Equatable {
        public var strategyID: String
        public var isActive: Bool
        public var mode: StrategyMode
        public var tradingState: TradingState
        public var initialCapital: Fixed6
        public var availableCash: Fixed6
        public var lockedCapital: Fixed6
        public var cooldownCapital: Fixed6
        public var realizedPnl: Fixed6
        public var dailySpentUSD: Fixed6
        public var dailyLossUSD: Fixed6
        public var consecutiveLosses: Int
        public var currentDrawdownPct: Fixed6
        public var circuitBreakerActive: Bool
        public var circuitBreakerReason: String?
        public var lastResetDate: UTCDay?
        public var openPositions: Int
        /// Orders created today (UTC), by status raw value.
        public var ordersToday: [String: Int]
        public var lastActivity: Date
        /// Sum of unreleased `lt_cooldown_queue` rows (should equal `cooldownCapital`).
        public var cooldownQueued: Fixed6
        /// LT vs FT on settled and skipped BUY rows (issue 11): the gap and what explains it.
        public var ftComparison = FTGap()
    }

    public struct Summary: JobSummary, Equatable {
        public var day: UTCDay
        public var strategies: [StrategyStatus]
        /// Broken invariants, one sentence each.
        public var issues: [String]

        public var failedCount: Int { issues.count }

        public var textLines: [String] {
            if strategies.isEmpty { return ["no strategies (day \(day) UTC)"] }
            let header = [
                "STRATEGY", "MODE", "STATE", "AVAILABLE", "LOCKED", "COOLDOWN", "PNL", "RISK", "OPEN", "TODAY",
                "LAST ACTIVITY",
            ]
            // Ids, reasons and statuses are database text anyone with write access chose: escaped, so
            // a newline cannot break the table and an ESC sequence cannot reach the terminal.
            let esc = TextEscaping.controls
            let rows = strategies.map { s -> [String] in
                var risk = "spent \(s.dailySpentUSD.formatted(places: 2)) loss \(s.dailyLossUSD.formatted(places: 2))"
                if s.circuitBreakerActive { risk = "BREAKER \(esc(s.circuitBreakerReason ?? "?")); " + risk }
                let today = s.ordersToday.keys.sorted().map { "\(esc($0)) \(s.ordersToday[$0]!)" }
                    .joined(separator: ", ")
                return [
                    esc(s.strategyID) + (s.isActive ? "" : " (inactive)"), s.mode.rawValue, s.tradingState.rawValue,
                    s.availableCash.formatted(places: 2), s.lockedCapital.formatted(places: 2),
                    s.cooldownCapital.formatted(places: 2), s.realizedPnl.formatted(places: 2), risk,
                    String(s.openPositions), today.isEmpty ? "-" : today,
                    String(UTCTimestamp.format(s.lastActivity).prefix(19)) + "Z",
                ]
            }
            var lines = Self.table([header] + rows)
            for s in strategies where s.ftComparison.comparedRows + s.ftComparison.ftUnresolvedRows > 0 {
                lines.append(Self.ftLine(esc(s.strategyID), s.ftComparison))
            }
            lines.append("day \(day) UTC; amounts in USD")
            if issues.isEmpty {
                lines.append("invariants: ok")
            } else {
                lines += issues.map { "INVARIANT BROKEN: \(esc($0))" }
            }
            return lines
        }

        /// "s1 LT vs FT: lt 14.11 ft 15.00 gap -0.89 (-5.92 %) = fees -0.30 slippage -0.59 …".
        static func ftLine(_ id: String, _ g: FTGap) -> String {
            func f(_ v: Fixed6) -> String { v.formatted(places: 2) }
            let pct = g.gapPct.map { " (\($0.formatted(places: 2)) %)" } ?? ""
            return "\(id) LT vs FT: lt \(f(g.ltPnL)) ft \(f(g.ftPnL)) gap \(f(g.gap))\(pct) = fees \(f(g.fees)) "
                + "slippage \(f(g.entrySlippage)) partial \(f(g.partialFill)) sizing \(f(g.sizing)) "
                + "skipped \(f(g.skipped)) unexplained \(f(g.unexplained)); \(g.comparedRows) compared, "
                + "\(g.ftUnresolvedRows) not resolved by FT"
        }

        /// Left-aligned columns separated by two spaces.
        static func table(_ rows: [[String]]) -> [String] {
            let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
            return rows.map { row in
                row.enumerated().map { i, cell in
                    i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
                }.joined(separator: "  ")
            }
        }
    }

    public static func run(_ ctx: JobContext) throws -> Summary {
        let db = ctx.database
        let day = ctx.today
        let rows = try db.query(
            """
            SELECT \(Strategy.columns),
              (SELECT count(*) FROM lt_orders o
                WHERE o.strategy_id = s.strategy_id AND o.outcome = 'OPEN' AND o.shares_remaining > 0) AS open_positions,
              (SELECT coalesce(sum(q.amount), 0) FROM lt_cooldown_queue q
                WHERE q.strategy_id = s.strategy_id AND q.released_at IS NULL) AS cooldown_queued,
              greatest(s.updated_at, (SELECT max(o.updated_at) FROM lt_orders o
                WHERE o.strategy_id = s.strategy_id)) AS last_activity
            FROM lt_strategies s ORDER BY s.strategy_id
            """
        ) { row throws(RowDecodingError) in
            (
                try Strategy(row: row), try row.decode("open_positions", as: Int.self),
                try row.decode("cooldown_queued", as: Fixed6.self), try row.decode("last_activity", as: Date.self)
            )
        }
        let counts = try db.query(
            """
            SELECT strategy_id, status, count(*) AS n FROM lt_orders
            WHERE created_at >= \(day.start) AND created_at < \(day.adding(days: 1).start)
            GROUP BY strategy_id, status
            """
        ) { row throws(RowDecodingError) in
            (
                try row.decode("strategy_id", as: String.self), try row.decode("status", as: String.self),
                try row.decode("n", as: Int.self)
            )
        }
        var byStrategy: [String: [String: Int]] = [:]
        for (id, status, n) in counts { byStrategy[id, default: [:]][status] = n }
        let ftGaps = try ftComparison(db)

        var issues: [String] = []
        let strategies = rows.map { s, open, queued, last -> StrategyStatus in
            if s.cooldownCapital != queued {
                issues.append(
                    "\(s.strategyID): cooldown_capital \(s.cooldownCapital.exactText) != unreleased cooldown queue "
                        + queued.exactText)
            }
            if s.equity != s.initialCapital + s.realizedPnL {
                issues.append(
                    "\(s.strategyID): available + locked + cooldown = \(s.equity.exactText) != initial + realized pnl = "
                        + (s.initialCapital + s.realizedPnL).exactText)
            }
            return StrategyStatus(
                strategyID: s.strategyID, isActive: s.isActive, mode: s.mode, tradingState: s.tradingState,
                initialCapital: s.initialCapital, availableCash: s.availableCash, lockedCapital: s.lockedCapital,
                cooldownCapital: s.cooldownCapital, realizedPnl: s.realizedPnL, dailySpentUSD: s.dailySpentUSD,
                dailyLossUSD: s.dailyLossUSD, consecutiveLosses: s.consecutiveLosses,
                currentDrawdownPct: s.currentDrawdownPct, circuitBreakerActive: s.circuitBreakerActive,
                circuitBreakerReason: s.circuitBreakerReason, lastResetDate: s.lastResetDate, openPositions: open,
                ordersToday: byStrategy[s.strategyID] ?? [:], lastActivity: last, cooldownQueued: queued,
                ftComparison: ftGaps[s.strategyID] ?? FTGap())
        }
        for issue in issues { ctx.logger.error("invariant broken", metadata: ["detail": .string(issue)]) }
        return Summary(day: day, strategies: strategies, issues: issues)
    }

    /// LT vs FT per strategy: settled BUY rows with FT's P&L as recorded at settlement or, when FT
    /// resolved later, as FT has it now; and skipped signals FT resolved. Reads history (an
    /// operator command, not a cron job).
    static func ftComparison(_ db: any Database) throws -> [String: FTGap] {
        let rows = try db.query(
            """
            SELECT o.strategy_id, o.status, o.signal_price, o.signal_size_usd, o.requested_usd, o.executed_usd,
                   o.executed_shares, o.fees_usd, o.payout_per_share, o.pnl,
                   COALESCE(o.ft_pnl, CASE WHEN f.pnl IS NOT NULL AND upper(coalesce(f.outcome, 'OPEN')) <> 'OPEN'
                                           THEN f.pnl::numeric(20,6) END) AS ft_pnl
              FROM lt_orders o LEFT JOIN ft_orders f ON f.order_id = o.ft_order_id
             WHERE o.side = 'BUY' AND (o.outcome IN ('WON', 'LOST') OR o.status = 'SKIPPED')
            """
        ) { r throws(RowDecodingError) in
            (
                try r.decode("strategy_id", as: String.self),
                FTComparisonRow(
                    skipped: try r.decode("status", as: OrderStatus.self) == .skipped,
                    signalPrice: try r.decode("signal_price", as: Fixed6?.self),
                    signalSizeUSD: try r.decode("signal_size_usd", as: Fixed6?.self),
                    requestedUSD: try r.decode("requested_usd", as: Fixed6?.self),
                    executedUSD: try r.decode("executed_usd"), executedShares: try r.decode("executed_shares"),
                    feesUSD: try r.decode("fees_usd"),
                    payoutPerShare: try r.decode("payout_per_share", as: Fixed6?.self),
                    pnl: try r.decode("pnl", as: Fixed6?.self), ftPnL: try r.decode("ft_pnl", as: Fixed6?.self))
            )
        }
        var out: [String: FTGap] = [:]
        for (id, row) in rows { out[id, default: FTGap()] = out[id, default: FTGap()] + FTGap.of(row) }
        return out
    }
}
