import Foundation

// `lt report` (issue 14 §4, seed 000 §8.3 dashboard metrics and §12.5 success criteria): per
// strategy and per leader over a window, what happened to the signals and what it cost. The store
// (LTPostgres `ReportStore`) reads rows; every figure is computed here by pure functions.

/// The report's window, [since, until).
public struct ReportWindow: Sendable, Hashable, Codable {
    public var since: Date
    public var until: Date

    public init(since: Date, until: Date) {
        self.since = since
        self.until = until
    }

    /// The window of `--since`, `--until` and `--window` (seconds; nil: not given, 24 h by default):
    /// until defaults to now, since to until − window; with only `--since`, until is since + an
    /// explicit window, else now. All three at once, or an empty window, is a usage error (said).
    public static func resolve(since: Date?, until: Date?, windowSeconds: Int?, now: Date) -> Result<
        ReportWindow, UsageProblem
    > {
        if since != nil, until != nil, windowSeconds != nil {
            return .failure(UsageProblem("give at most two of --since, --until and --window"))
        }
        let length = Double(windowSeconds ?? 86400)
        let w: ReportWindow
        switch (since, until) {
        case (let s?, let u?): w = ReportWindow(since: s, until: u)
        case (let s?, nil): w = ReportWindow(since: s, until: windowSeconds == nil ? now : s.addingTimeInterval(length))
        case (nil, let u?): w = ReportWindow(since: u.addingTimeInterval(-length), until: u)
        case (nil, nil): w = ReportWindow(since: now.addingTimeInterval(-length), until: now)
        }
        guard w.since < w.until else {
            return .failure(
                UsageProblem(
                    "empty window: \(UTCTimestamp.format(w.since)) is not before \(UTCTimestamp.format(w.until))"))
        }
        return .success(w)
    }

    /// `--window` durations: a positive integer and a unit, `m` (minutes), `h` (hours) or `d`
    /// (days): `90m`, `24h`, `7d`. Nil for anything else.
    public static func seconds(parsing text: String) -> Int? {
        guard let unit = text.last, let n = Int(text.dropLast()), n > 0, n <= 3650 * 24 * 60 else { return nil }
        switch unit {
        case "m": return n * 60
        case "h": return n <= 3650 * 24 ? n * 3600 : nil
        case "d": return n <= 3650 ? n * 86400 : nil
        default: return nil
        }
    }
}

/// Why an operator command's arguments cannot be used (`lt report`'s window, `lt force`'s key):
/// the command exits 64 with it.
public struct UsageProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One non-forced `lt_orders` row created in the window (a decision: a BUY signal's fate or an
/// exit), with the columns the figures need.
public struct ReportDecisionRow: Sendable, Hashable {
    public var strategyID: String
    /// The leader (`trader_wallet`); nil for rows without one.
    public var leader: String?
    public var side: Side
    public var status: OrderStatus
    public var skipReason: String?
    public var signalPrice: Fixed6?
    public var executedPrice: Fixed6?
    public var requestedUSD: Fixed6?
    public var executedUSD: Fixed6
    public var executedShares: Fixed6
    public var feesUSD: Fixed6
    /// `execution_latency_ms`: signal time → the order's answer recorded (`submitted_at`).
    public var latencyMs: Int64?

    public init(
        strategyID: String, leader: String?, side: Side, status: OrderStatus, skipReason: String? = nil,
        signalPrice: Fixed6? = nil, executedPrice: Fixed6? = nil, requestedUSD: Fixed6? = nil,
        executedUSD: Fixed6 = .zero, executedShares: Fixed6 = .zero, feesUSD: Fixed6 = .zero, latencyMs: Int64? = nil
    ) {
        self.strategyID = strategyID
        self.leader = leader
        self.side = side
        self.status = status
        self.skipReason = skipReason
        self.signalPrice = signalPrice
        self.executedPrice = executedPrice
        self.requestedUSD = requestedUSD
        self.executedUSD = executedUSD
        self.executedShares = executedShares
        self.feesUSD = feesUSD
        self.latencyMs = latencyMs
    }
}

/// P&L a row realized in the window: a BUY settled by resolve (`resolved_at`), a SELL filled
/// (`filled_at`).
public struct ReportPnLRow: Sendable, Hashable {
    public var strategyID: String
    public var leader: String?
    public var pnl: Fixed6

    public init(strategyID: String, leader: String?, pnl: Fixed6) {
        self.strategyID = strategyID
        self.leader = leader
        self.pnl = pnl
    }
}

/// A won position whose redemption is not confirmed (PENDING, SUBMITTED or FAILED) now, whatever
/// the window: its payout is still tokens, not collateral (design §3).
public struct ReportBacklogRow: Sendable, Hashable {
    public var strategyID: String
    public var leader: String?
    /// The payout queued in cooldown for it (0 when none was queued).
    public var payoutUSD: Fixed6
    public var resolvedAt: Date?

    public init(strategyID: String, leader: String?, payoutUSD: Fixed6, resolvedAt: Date?) {
        self.strategyID = strategyID
        self.leader = leader
        self.payoutUSD = payoutUSD
        self.resolvedAt = resolvedAt
    }
}

/// One row of the LT-vs-FT comparison (the one `lt status` uses) with its strategy and leader.
public struct ReportFTRow: Sendable, Hashable {
    public var strategyID: String
    public var leader: String?
    public var row: FTComparisonRow

    public init(strategyID: String, leader: String?, row: FTComparisonRow) {
        self.strategyID = strategyID
        self.leader = leader
        self.row = row
    }
}

/// The pure math of the report, table-tested.
public enum ReportMath {
    /// The nearest-rank percentile of `values` (sorted here): the smallest value such that at least
    /// `pct` % of the values are ≤ it, i.e. the ⌈pct·n/100⌉-th smallest. Always an observed value
    /// (no interpolation), so integer milliseconds stay integers and bps stay exact. Nil when empty.
    public static func percentile<T: Comparable>(_ values: [T], _ pct: Int) -> T? {
        guard !values.isEmpty, pct > 0, pct <= 100 else { return nil }
        let sorted = values.sorted()
        let rank = (pct * sorted.count + 99) / 100
        return sorted[max(rank, 1) - 1]
    }

    /// Slippage of a fill against the signal price, in basis points, rounded half-even to 0.01 bps:
    /// (executed − signal) / signal × 10 000. Positive: we paid more than the leader's price
    /// (worse); negative: price improvement. Nil without both prices.
    public static func slippageBps(signalPrice: Fixed6?, executedPrice: Fixed6?) -> Fixed6? {
        guard let signalPrice, signalPrice.isPositive, let executedPrice, executedPrice.isPositive else { return nil }
        return (executedPrice - signalPrice).times(10_000).divided(by: signalPrice, rounding: .halfEven)
            .rounded(toPlaces: 2, .halfEven)
    }

    /// part / whole in percent, rounded half-even to 0.01 %; nil when `whole` is not positive.
    public static func percent(_ part: Fixed6, of whole: Fixed6) -> Fixed6? {
        guard whole.isPositive else { return nil }
        return part.times(100).divided(by: whole, rounding: .halfEven).rounded(toPlaces: 2, .halfEven)
    }

    /// Order statuses that say the order is done: nothing more will fill. The fill rate counts
    /// these only; the others (INTENT, SUBMITTED, PARTIAL, UNKNOWN, NOT_PLACED) are `pending`.
    public static let finalStatuses: Set<OrderStatus> = [.filled, .unfilled, .rejected, .failed]
}

/// p50 / p95 (and p99) of a set of values, with how many there were.
public struct ReportPercentiles<T: Comparable & Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var count: Int
    public var p50: T?
    public var p95: T?
    public var p99: T?

    public init(_ values: [T]) {
        count = values.count
        p50 = ReportMath.percentile(values, 50)
        p95 = ReportMath.percentile(values, 95)
        p99 = ReportMath.percentile(values, 99)
    }
}

/// The redemption backlog of a strategy or leader.
public struct ReportBacklog: Codable, Sendable, Hashable {
    public var rows = 0
    public var payoutUSD = Fixed6.zero
    public var oldestResolvedAt: Date?

    public init() {}
}

/// One strategy's (or one leader's within it) figures.
public struct ReportFigures: Codable, Sendable, Hashable {
    /// BUY decisions (every FT signal lt decided, whatever became of it).
    public var signalsSeen = 0
    /// BUY signals that became an order (live or shadow), any outcome.
    public var copied = 0
    public var skipped = 0
    public var skippedByReason: [String: Int] = [:]
    /// Copied orders with shares executed.
    public var filled = 0
    /// Copied orders not final yet (INTENT, SUBMITTED, PARTIAL, UNKNOWN, NOT_PLACED).
    public var pending = 0
    /// copied / seen, in percent (seed 000 §12.5: 95 %+ "orders placed vs signals").
    public var copyRatePct: Fixed6?
    /// Σ executed USD / Σ requested USD over final BUY orders, in percent.
    public var fillRatePct: Fixed6?
    /// Per filled BUY with a signal price: (executed − signal) / signal in bps; positive = worse.
    public var slippageBps = ReportPercentiles<Fixed6>([])
    /// Signal time → submitted, per copied BUY that has it, in ms.
    public var latencyMs = ReportPercentiles<Int64>([])
    /// SELL orders (exits) decided in the window, and those with shares sold.
    public var exits = 0
    public var exitsFilled = 0
    /// Fees of BUY and SELL fills decided in the window.
    public var feesUSD = Fixed6.zero
    /// Realized in the window: BUYs resolved, SELLs filled.
    public var realizedPnl = Fixed6.zero
    /// LT vs FT over the rows settled in the window (and skipped signals FT resolved), decomposed
    /// as `lt status` does (`FTGap`).
    public var ftComparison = FTGap()
    public var redemptionBacklog = ReportBacklog()

    public init() {}

    /// The figures of these rows (all of one strategy, or one leader of one strategy).
    public static func of(
        decisions: [ReportDecisionRow], pnl: [ReportPnLRow], ft: [ReportFTRow], backlog: [ReportBacklogRow]
    ) -> ReportFigures {
        var f = ReportFigures()
        var requested = Fixed6.zero
        var executed = Fixed6.zero
        var slippage: [Fixed6] = []
        var latency: [Int64] = []
        for d in decisions {
            f.feesUSD += d.feesUSD
            if d.side == .sell {
                if d.status != .skipped { f.exits += 1 }
                if d.executedShares.isPositive { f.exitsFilled += 1 }
                continue
            }
            f.signalsSeen += 1
            if d.status == .skipped {
                f.skipped += 1
                f.skippedByReason[d.skipReason ?? "?", default: 0] += 1
                continue
            }
            f.copied += 1
            if d.executedShares.isPositive { f.filled += 1 }
            if ReportMath.finalStatuses.contains(d.status) {
                requested += d.requestedUSD ?? .zero
                executed += d.executedUSD
            } else {
                f.pending += 1
            }
            if d.executedShares.isPositive,
                let bps = ReportMath.slippageBps(signalPrice: d.signalPrice, executedPrice: d.executedPrice)
            {
                slippage.append(bps)
            }
            if let l = d.latencyMs { latency.append(l) }
        }
        f.copyRatePct = ReportMath.percent(Fixed6(f.copied), of: Fixed6(f.signalsSeen))
        f.fillRatePct = ReportMath.percent(executed, of: requested)
        f.slippageBps = ReportPercentiles(slippage)
        f.latencyMs = ReportPercentiles(latency)
        f.realizedPnl = pnl.reduce(.zero) { $0 + $1.pnl }
        f.ftComparison = ft.reduce(FTGap()) { $0 + FTGap.of($1.row) }
        for b in backlog {
            f.redemptionBacklog.rows += 1
            f.redemptionBacklog.payoutUSD += b.payoutUSD
            if let r = b.resolvedAt {
                f.redemptionBacklog.oldestResolvedAt = min(f.redemptionBacklog.oldestResolvedAt ?? r, r)
            }
        }
        return f
    }
}

/// What the store reads for one window.
public struct ReportData: Sendable {
    public var decisions: [ReportDecisionRow]
    public var pnl: [ReportPnLRow]
    public var ft: [ReportFTRow]
    public var backlog: [ReportBacklogRow]
    /// strategy id → forced rows (`lt force`) created in the window: left out of every figure,
    /// counted so the operator sees they exist.
    public var forced: [String: Int]
    /// Every strategy id (a strategy with nothing in the window still gets its line).
    public var strategyIDs: [String]

    public init(
        decisions: [ReportDecisionRow], pnl: [ReportPnLRow], ft: [ReportFTRow], backlog: [ReportBacklogRow],
        forced: [String: Int], strategyIDs: [String]
    ) {
        self.decisions = decisions
        self.pnl = pnl
        self.ft = ft
        self.backlog = backlog
        self.forced = forced
        self.strategyIDs = strategyIDs
    }
}

/// The reads of `lt report` (LTPostgres `ReportStore`).
public protocol ReportStoring: AnyObject {
    /// Rows of the window; `strategyID` narrows it to one strategy.
    func read(_ window: ReportWindow, strategyID: String?) throws -> ReportData
}

/// `lt report`: the figures per strategy, and per leader within each strategy.
public enum Report {
    public struct LeaderReport: Codable, Sendable, Hashable {
        /// The leader's wallet; "-" for rows without one.
        public var leader: String
        public var figures: ReportFigures
    }

    public struct StrategyReport: Codable, Sendable, Hashable {
        public var strategyID: String
        public var figures: ReportFigures
        /// Forced rows created in the window, not counted in any figure.
        public var forcedOrders: Int
        public var leaders: [LeaderReport]
    }

    public enum Format: String, Sendable { case text, csv }

    public struct Summary: JobSummary, Sendable, Hashable {
        public var window: ReportWindow
        public var strategies: [StrategyReport]
        /// How `textLines` renders (JSON is the envelope's business).
        public var format: Format = .text

        enum CodingKeys: String, CodingKey { case window, strategies }

        public var failedCount: Int { 0 }

        public var textLines: [String] { format == .csv ? csvLines : tableLines }

        /// The CSV header: one line per strategy (`scope` = strategy, `leader` empty) and per
        /// leader within it (`scope` = leader). Amounts in USD, rates in percent, latency in ms.
        public static let csvHeader = [
            "scope", "strategy_id", "leader", "since", "until", "signals_seen", "copied", "skipped",
            "skipped_by_reason", "filled", "pending", "copy_rate_pct", "fill_rate_pct", "slippage_bps_p50",
            "slippage_bps_p95", "latency_ms_p50", "latency_ms_p95", "latency_ms_p99", "exits", "exits_filled",
            "fees_usd", "realized_pnl_usd", "lt_pnl_usd", "ft_pnl_usd", "gap_usd", "gap_pct", "gap_fees_usd",
            "gap_slippage_usd", "gap_partial_usd", "gap_sizing_usd", "gap_skipped_usd", "gap_unexplained_usd",
            "ft_compared_rows", "ft_unresolved_rows", "redemption_backlog_rows", "redemption_backlog_usd",
            "forced_orders",
        ]

        var csvLines: [String] {
            var lines = [Self.csvHeader.joined(separator: ",")]
            for s in strategies {
                lines.append(Self.csvRow("strategy", s.strategyID, "", s.figures, forced: "\(s.forcedOrders)", window))
                for l in s.leaders {
                    lines.append(Self.csvRow("leader", s.strategyID, l.leader, l.figures, forced: "", window))
                }
            }
            return lines
        }

        static func csvRow(
            _ scope: String, _ id: String, _ leader: String, _ f: ReportFigures, forced: String, _ w: ReportWindow
        ) -> String {
            let g = f.ftComparison
            let fields: [String] = [
                scope, id, leader, UTCTimestamp.format(w.since), UTCTimestamp.format(w.until), "\(f.signalsSeen)",
                "\(f.copied)", "\(f.skipped)", reasons(f.skippedByReason, separator: ";"), "\(f.filled)",
                "\(f.pending)", opt(f.copyRatePct), opt(f.fillRatePct), opt(f.slippageBps.p50), opt(f.slippageBps.p95),
                opt(f.latencyMs.p50), opt(f.latencyMs.p95), opt(f.latencyMs.p99), "\(f.exits)", "\(f.exitsFilled)",
                f.feesUSD.plainText, f.realizedPnl.plainText, g.ltPnL.plainText, g.ftPnL.plainText, g.gap.plainText,
                opt(g.gapPct), g.fees.plainText, g.entrySlippage.plainText, g.partialFill.plainText,
                g.sizing.plainText, g.skipped.plainText, g.unexplained.plainText, "\(g.comparedRows)",
                "\(g.ftUnresolvedRows)", "\(f.redemptionBacklog.rows)", f.redemptionBacklog.payoutUSD.plainText,
                forced,
            ]
            return fields.map(csvField).joined(separator: ",")
        }

        /// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. Ids and
        /// reasons are database text; escaping keeps one record per line.
        static func csvField(_ s: String) -> String {
            guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }

        static func opt(_ v: Fixed6?) -> String { v?.plainText ?? "" }
        static func opt(_ v: Int64?) -> String { v.map { "\($0)" } ?? "" }

        static func reasons(_ r: [String: Int], separator: String) -> String {
            r.keys.sorted().map { "\($0) \(r[$0]!)" }.joined(separator: separator)
        }

        var tableLines: [String] {
            let esc = TextEscaping.controls
            var lines = [
                "report \(UTCTimestamp.format(window.since)) .. \(UTCTimestamp.format(window.until)) (UTC); "
                    + "amounts in USD; slippage in bps vs the signal price (+ = paid more)"
            ]
            if strategies.isEmpty { return lines + ["no strategies"] }
            let header = [
                "STRATEGY / LEADER", "SEEN", "COPIED", "SKIPPED", "FILL%", "SLIP p50/p95", "LATENCY ms p50/p95/p99",
                "EXITS", "FEES", "REALIZED", "LT-FT GAP", "BACKLOG",
            ]
            var rows = [header]
            func row(_ name: String, _ f: ReportFigures) -> [String] {
                func n(_ v: Fixed6?) -> String { v?.formatted(places: 2) ?? "-" }
                func n(_ v: Int64?) -> String { v.map { "\($0)" } ?? "-" }
                return [
                    name, "\(f.signalsSeen)", "\(f.copied)", "\(f.skipped)", n(f.fillRatePct),
                    "\(n(f.slippageBps.p50))/\(n(f.slippageBps.p95))",
                    "\(n(f.latencyMs.p50))/\(n(f.latencyMs.p95))/\(n(f.latencyMs.p99))", "\(f.exits)",
                    f.feesUSD.formatted(places: 2), f.realizedPnl.formatted(places: 2),
                    f.ftComparison.gap.formatted(places: 2),
                    "\(f.redemptionBacklog.rows) (\(f.redemptionBacklog.payoutUSD.formatted(places: 2)))",
                ]
            }
            for s in strategies {
                rows.append(row(esc(s.strategyID), s.figures))
                for l in s.leaders { rows.append(row("  " + esc(l.leader), l.figures)) }
            }
            lines += StatusReport.Summary.table(rows)
            for s in strategies {
                let id = esc(s.strategyID)
                if !s.figures.skippedByReason.isEmpty {
                    lines.append("\(id) skipped: " + esc(Self.reasons(s.figures.skippedByReason, separator: ", ")))
                }
                let g = s.figures.ftComparison
                if g.comparedRows + g.ftUnresolvedRows > 0 { lines.append(StatusReport.Summary.ftLine(id, g)) }
                if s.forcedOrders > 0 {
                    lines.append("\(id): \(s.forcedOrders) forced orders (lt force) left out of these figures")
                }
            }
            return lines
        }
    }

    public static func run(_ ctx: JobContext, store: any ReportStoring, window: ReportWindow, strategyID: String?)
        throws -> Summary
    {
        let data = try store.read(window, strategyID: strategyID)
        let leaderName: (String?) -> String = { $0 ?? "-" }
        let decisions = Dictionary(grouping: data.decisions, by: \.strategyID)
        let pnl = Dictionary(grouping: data.pnl, by: \.strategyID)
        let ft = Dictionary(grouping: data.ft, by: \.strategyID)
        let backlog = Dictionary(grouping: data.backlog, by: \.strategyID)
        let reports = data.strategyIDs.map { id -> StrategyReport in
            let (d, p, f, b) = (decisions[id] ?? [], pnl[id] ?? [], ft[id] ?? [], backlog[id] ?? [])
            var leaders = Set(d.map { leaderName($0.leader) })
            leaders.formUnion(p.map { leaderName($0.leader) })
            leaders.formUnion(f.map { leaderName($0.leader) })
            leaders.formUnion(b.map { leaderName($0.leader) })
            return StrategyReport(
                strategyID: id, figures: ReportFigures.of(decisions: d, pnl: p, ft: f, backlog: b),
                forcedOrders: data.forced[id] ?? 0,
                leaders: leaders.sorted().map { l in
                    LeaderReport(
                        leader: l,
                        figures: ReportFigures.of(
                            decisions: d.filter { leaderName($0.leader) == l },
                            pnl: p.filter { leaderName($0.leader) == l }, ft: f.filter { leaderName($0.leader) == l },
                            backlog: b.filter { leaderName($0.leader) == l }))
                })
        }
        ctx.logger.info(
            "report", metadata: ["strategies": "\(reports.count)", "decisions": "\(data.decisions.count)"])
        return Summary(window: window, strategies: reports)
    }
}
