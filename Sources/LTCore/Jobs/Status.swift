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
        /// Strategies whose row is unusable (execute skips them), with why.
        public var misconfigured: [MisconfiguredStrategy] = []

        public var failedCount: Int { issues.count + misconfigured.count }

        public var textLines: [String] {
            let esc = TextEscaping.controls
            let broken = misconfigured.map { "MISCONFIGURED \(esc($0.strategyID)): \(esc($0.reason))" }
            if strategies.isEmpty { return ["no strategies (day \(day) UTC)"] + broken }
            let header = [
                "STRATEGY", "MODE", "STATE", "AVAILABLE", "LOCKED", "COOLDOWN", "PNL", "RISK", "OPEN", "TODAY",
                "LAST ACTIVITY",
            ]
            // Ids, reasons and statuses are database text anyone with write access chose: escaped, so
            // a newline cannot break the table and an ESC sequence cannot reach the terminal.
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
            if issues.isEmpty && broken.isEmpty {
                lines.append("invariants: ok")
            } else {
                lines += issues.map { "INVARIANT BROKEN: \(esc($0))" }
                lines += broken
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

    public static func run(_ ctx: JobContext, store: any StatusStoring) throws -> Summary {
        let day = ctx.today
        let (rows, unreadable) = try store.strategies()
        var misconfigured = unreadable
        let byStrategy = try store.ordersByStatus(createdOn: day)
        let ftGaps = try store.ftComparison()

        var issues: [String] = []
        let strategies = rows.map { row -> StrategyStatus in
            let (s, open, queued, last) = (row.strategy, row.openPositions, row.cooldownQueued, row.lastActivity)
            let problems = StrategyConfigValidation.check(s)
            if !problems.isEmpty {
                misconfigured.append(
                    MisconfiguredStrategy(
                        strategyID: s.strategyID, reason: problems.map(\.description).joined(separator: "; ")))
            }
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
        return Summary(day: day, strategies: strategies, issues: issues, misconfigured: misconfigured)
    }
}

/// One strategy as `lt status` reads it.
public struct StatusRow: Sendable {
    public var strategy: Strategy
    public var openPositions: Int
    /// Sum of unreleased `lt_cooldown_queue` rows.
    public var cooldownQueued: Fixed6
    public var lastActivity: Date

    public init(strategy: Strategy, openPositions: Int, cooldownQueued: Fixed6, lastActivity: Date) {
        self.strategy = strategy
        self.openPositions = openPositions
        self.cooldownQueued = cooldownQueued
        self.lastActivity = lastActivity
    }
}

/// The reads of `lt status` (LTPostgres `StatusStore`).
public protocol StatusStoring: AnyObject {
    /// Every strategy, and those whose row does not decode (with why).
    func strategies() throws -> (rows: [StatusRow], misconfigured: [MisconfiguredStrategy])
    /// strategy id → status → rows created on `day` (UTC).
    func ordersByStatus(createdOn day: UTCDay) throws -> [String: [String: Int]]
    /// LT vs FT per strategy (issue 11): settled BUY rows beside FT's P&L, and skipped signals.
    func ftComparison() throws -> [String: FTGap]
}
