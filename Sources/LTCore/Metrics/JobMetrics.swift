import Foundation

/// How a run ended, as the metrics report it.
public enum RunResult: String, Sendable, CaseIterable {
    /// Exit status 0 and the job ran.
    case success
    /// Any other exit status (1, 64, 69, 78), including a run that never reached its job.
    case failure
    /// Another run held the job lock (exit 0, nothing done).
    case skipped
}

/// What the executable knows about the run when it writes the metrics file.
public struct RunOutcome: Sendable, Hashable {
    public var job: String
    public var result: RunResult
    public var exitStatus: Int32
    public var startedAt: Date
    public var finishedAt: Date

    public init(job: String, result: RunResult, exitStatus: Int32, startedAt: Date, finishedAt: Date) {
        self.job = job
        self.result = result
        self.exitStatus = exitStatus
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// The books as they stand after a run: one small read (MetricsStore) every job makes when it
/// writes a metrics file.
public struct BooksSnapshot: Sendable, Hashable {
    public struct StrategyBooks: Sendable, Hashable {
        public var strategyID: String
        public var available: Fixed6
        public var locked: Fixed6
        public var cooldown: Fixed6
        public var realizedPnL: Fixed6
        public var breakerActive: Bool
        public var tradingState: String

        public init(
            strategyID: String, available: Fixed6, locked: Fixed6, cooldown: Fixed6, realizedPnL: Fixed6,
            breakerActive: Bool, tradingState: String
        ) {
            self.strategyID = strategyID
            self.available = available
            self.locked = locked
            self.cooldown = cooldown
            self.realizedPnL = realizedPnL
            self.breakerActive = breakerActive
            self.tradingState = tradingState
        }
    }

    /// Active strategies.
    public var strategies: [StrategyBooks]
    /// strategy id → status → count, for INTENT, SUBMITTED, PARTIAL and UNKNOWN rows.
    public var notFinal: [String: [String: Int]]
    /// strategy id → status → count, for rows created today (UTC).
    public var createdToday: [String: [String: Int]]
    /// When the oldest UNKNOWN row was created (nil: none).
    public var oldestUnknownAt: Date?
    /// strategy id → redemption status (PENDING, SUBMITTED, FAILED) → count.
    public var redemptions: [String: [String: Int]]

    public init(
        strategies: [StrategyBooks], notFinal: [String: [String: Int]], createdToday: [String: [String: Int]],
        oldestUnknownAt: Date?, redemptions: [String: [String: Int]]
    ) {
        self.strategies = strategies
        self.notFinal = notFinal
        self.createdToday = createdToday
        self.oldestUnknownAt = oldestUnknownAt
        self.redemptions = redemptions
    }

    /// The statuses `notFinal` counts, written for every strategy (0 when none) so series do not vanish.
    public static let notFinalStatuses: [OrderStatus] = [.intent, .submitted, .partial, .unknown]
    /// The redemption statuses `redemptions` counts.
    public static let backlogStatuses = ["PENDING", "SUBMITTED", "FAILED"]
}

/// A job summary that has figures of its own to report (beyond the run's result and duration).
public protocol MetricsReporting {
    /// The summary's samples, without the `lt_job` label (JobMetrics adds it).
    var metricSamples: [MetricSample] { get }
}

/// The samples of one run: a pure mapping from what the run returned, the books read after it and
/// the previous file's last-success time. The executable decides where to write them.
public enum JobMetrics {
    public static func samples(
        run: RunOutcome, summary: (any JobSummary)?, books: BooksSnapshot?, previousLastSuccess: Double?
    ) -> [MetricSample] {
        typealias L = MetricSample.Label
        var out: [MetricSample] = [
            MetricSample(MetricFamily.lastRunTimestamp.rawValue, [], seconds(run.finishedAt)),
            MetricSample(
                MetricFamily.lastRunDuration.rawValue, [], max(0, run.finishedAt.timeIntervalSince(run.startedAt))),
            MetricSample(MetricFamily.lastRunExitStatus.rawValue, [], Double(run.exitStatus)),
        ]
        for r in RunResult.allCases {
            out.append(
                MetricSample(MetricFamily.lastRunResult.rawValue, [L("result", r.rawValue)], r == run.result ? 1 : 0))
        }
        // A failed or skipped run keeps the previous success time; before any success there is none.
        let lastSuccess = run.result == .success ? seconds(run.finishedAt) : previousLastSuccess
        if let lastSuccess { out.append(MetricSample(MetricFamily.lastSuccessTimestamp.rawValue, [], lastSuccess)) }
        if let reporting = unwrap(summary) as? any MetricsReporting { out += reporting.metricSamples }
        if let books { out += samples(books: books, now: run.finishedAt) }
        return out.map { s in
            var s = s
            s.labels.insert(L("lt_job", run.job), at: 0)
            return s
        }
    }

    /// The books' samples (cash per strategy and bucket, breakers, orders, UNKNOWN, redemptions).
    public static func samples(books: BooksSnapshot, now: Date) -> [MetricSample] {
        typealias L = MetricSample.Label
        var out: [MetricSample] = []
        for s in books.strategies.sorted(by: { $0.strategyID < $1.strategyID }) {
            let id = L("strategy_id", s.strategyID)
            for (bucket, amount) in [("available", s.available), ("locked", s.locked), ("cooldown", s.cooldown)] {
                out.append(MetricSample(MetricFamily.cash.rawValue, [id, L("bucket", bucket)], usd: amount))
            }
            out.append(MetricSample(MetricFamily.realizedPnL.rawValue, [id], usd: s.realizedPnL))
            out.append(MetricSample(MetricFamily.breakerActive.rawValue, [id], s.breakerActive ? 1 : 0))
            for state in TradingState.allCases {
                out.append(
                    MetricSample(
                        MetricFamily.tradingState.rawValue, [id, L("state", state.rawValue)],
                        state.rawValue == s.tradingState ? 1 : 0))
            }
            for status in BooksSnapshot.notFinalStatuses {
                out.append(
                    MetricSample(
                        MetricFamily.ordersNotFinal.rawValue, [id, L("status", status.rawValue)],
                        count: books.notFinal[s.strategyID]?[status.rawValue] ?? 0))
            }
            for status in BooksSnapshot.backlogStatuses {
                out.append(
                    MetricSample(
                        MetricFamily.redemptions.rawValue, [id, L("status", status)],
                        count: books.redemptions[s.strategyID]?[status] ?? 0))
            }
        }
        for (id, statuses) in books.createdToday.sorted(by: { $0.key < $1.key }) {
            for (status, n) in statuses.sorted(by: { $0.key < $1.key }) {
                out.append(
                    MetricSample(
                        MetricFamily.ordersCreatedToday.rawValue, [L("strategy_id", id), L("status", status)], count: n)
                )
            }
        }
        let unknown = books.notFinal.values.reduce(0) { $0 + ($1[OrderStatus.unknown.rawValue] ?? 0) }
        out.append(MetricSample(MetricFamily.unknownOrders.rawValue, [], count: unknown))
        let age = books.oldestUnknownAt.map { max(0, now.timeIntervalSince($0)) } ?? 0
        out.append(MetricSample(MetricFamily.unknownOldestAge.rawValue, [], age.rounded(.down)))
        return out
    }

    /// The last-success time of `job` in a metrics file lt wrote earlier (nil: no such sample), so a
    /// failed run keeps it even when the database is unreachable.
    public static func previousLastSuccess(in text: String, job: String) -> Double? {
        let prefix = (MetricFamily.lastSuccessTimestamp.rawValue + "{").utf8
        let jobLabel = "lt_job=\"\(MetricsExposition.escapeLabelValue(job))\""
        // Line by line over the bytes, with no array of lines: a file of 1,000 strategies has
        // 15,000 lines, and this sample is among the first.
        var rest = text.utf8[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            let line = Substring(rest[..<end])
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            guard line.utf8.starts(with: prefix), line.contains(jobLabel) else { continue }
            guard let value = line.split(separator: " ").last, let seconds = Double(value), seconds.isFinite else {
                continue
            }
            return seconds
        }
        return nil
    }

    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970.rounded(.down) }

    /// The summary a job returned, without the timing wrapper execute adds.
    static func unwrap(_ summary: (any JobSummary)?) -> (any JobSummary)? {
        if let timed = summary as? any TimedSummary { return timed.baseSummary }
        return summary
    }
}

/// `TimedJobSummary` of any base, so the metrics see the job's own summary.
protocol TimedSummary {
    var baseSummary: any JobSummary { get }
}

extension TimedJobSummary: TimedSummary {
    var baseSummary: any JobSummary { base }
}
