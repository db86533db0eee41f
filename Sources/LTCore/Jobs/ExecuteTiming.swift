import Foundation

// Where an execute run spends its time, by port: the database (the store), the exchange over HTTP
// (the venue's reads and posts) and order signing. Measured around the port calls by decorators,
// so the job itself is unchanged; `lt execute --format json` prints the totals as
// `result.timings` and `lt-bench execute` (docs/benchmarks.md) reads them.

/// Accumulated time and call counts per kind of work, for one run (one thread).
public final class StageTimings {
    public enum Stage: CaseIterable, Sendable { case database, http, signing }

    private var nanos: [Stage: UInt64] = [:]
    private var calls: [Stage: Int] = [:]

    public init() {}

    /// Runs `body`, adding its duration (also when it throws) to `stage`.
    public func measure<T, E: Error>(_ stage: Stage, _ body: () throws(E) -> T) throws(E) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            nanos[stage, default: 0] += DispatchTime.now().uptimeNanoseconds - start
            calls[stage, default: 0] += 1
        }
        return try body()
    }

    public var report: Report {
        func us(_ s: Stage) -> Int64 { Int64((nanos[s] ?? 0) / 1000) }
        return Report(
            dbUs: us(.database), dbCalls: calls[.database] ?? 0, httpUs: us(.http), httpCalls: calls[.http] ?? 0,
            signingUs: us(.signing), signingCalls: calls[.signing] ?? 0)
    }

    /// The totals as printed (`timings` in the JSON summary), in microseconds.
    public struct Report: Sendable, Hashable, Encodable {
        public var dbUs: Int64
        public var dbCalls: Int
        public var httpUs: Int64
        public var httpCalls: Int
        public var signingUs: Int64
        public var signingCalls: Int
    }
}

/// The store port, timed as database work.
public final class TimedExecuteStore: ExecuteStoring {
    let base: any ExecuteStoring
    let timings: StageTimings

    public init(_ base: any ExecuteStoring, timings: StageTimings) {
        self.base = base
        self.timings = timings
    }

    public func activeStrategies() throws -> [ExecuteStrategy] {
        try timings.measure(.database) { try base.activeStrategies() }
    }

    public func abandonIntents(strategyIds: [String], exceptRun runId: String, at: Date) throws -> Int {
        try timings.measure(.database) { try base.abandonIntents(strategyIds: strategyIds, exceptRun: runId, at: at) }
    }

    public func strategiesWithNewSignals(strategyIds: [String], since: Date) throws -> Set<String> {
        try timings.measure(.database) { try base.strategiesWithNewSignals(strategyIds: strategyIds, since: since) }
    }

    public func newSignals(strategy: ExecuteStrategy, since: Date, limit: Int) throws -> [FTSignalRow] {
        try timings.measure(.database) { try base.newSignals(strategy: strategy, since: since, limit: limit) }
    }

    public func cachedTokens(conditionIds: [String]) throws -> [CachedToken] {
        try timings.measure(.database) { try base.cachedTokens(conditionIds: conditionIds) }
    }

    public func positionUsd(strategyId: String, conditionId: String, label: String) throws -> Fixed6 {
        try timings.measure(.database) {
            try base.positionUsd(strategyId: strategyId, conditionId: conditionId, label: label)
        }
    }

    public func recordSkip(_ row: ExecuteDecisionRow, at: Date) throws -> Bool {
        try timings.measure(.database) { try base.recordSkip(row, at: at) }
    }

    public func commitDecision(
        _ row: ExecuteDecisionRow, shadowFill: FillRecord?, at: Date, recheck: (RiskState) -> Skip?
    ) throws -> IntentOutcome {
        try timings.measure(.database) {
            try base.commitDecision(row, shadowFill: shadowFill, at: at, recheck: recheck)
        }
    }

    public func recordAnswer(
        ltOrderId: Int64, strategyId: String, runId: String, requestedUsd: Fixed6, orderId: String?,
        fill: FillRecord
    ) throws -> Bool {
        try timings.measure(.database) {
            try base.recordAnswer(
                ltOrderId: ltOrderId, strategyId: strategyId, runId: runId, requestedUsd: requestedUsd,
                orderId: orderId, fill: fill)
        }
    }
}

/// The venue port: reads and posts timed as HTTP, `signBuy` as signing.
public final class TimedExecutionVenue: ExecutionVenue {
    let base: any ExecutionVenue
    let timings: StageTimings

    public init(_ base: any ExecutionVenue, timings: StageTimings) {
        self.base = base
        self.timings = timings
    }

    public func market(conditionId: String) throws(VenueError) -> VenueMarket? {
        try timings.measure(.http) { () throws(VenueError) in try base.market(conditionId: conditionId) }
    }

    public func books(tokenIds: [String]) throws(VenueError) -> [String: VenueBook] {
        try timings.measure(.http) { () throws(VenueError) in try base.books(tokenIds: tokenIds) }
    }

    public func signBuy(_ request: BuyOrderRequest) throws(VenueError) -> SignedBuy {
        try timings.measure(.signing) { () throws(VenueError) in try base.signBuy(request) }
    }

    public func post(_ order: SignedBuy, orderType: OrderType, wallet: String) -> VenuePostResult {
        timings.measure(.http) { base.post(order, orderType: orderType, wallet: wallet) }
    }
}

/// A job's summary with the run's timings added as one more field (`timings`); text unchanged.
public struct TimedJobSummary<Base: JobSummary>: JobSummary {
    public var base: Base
    public var timings: StageTimings.Report

    public init(_ base: Base, timings: StageTimings.Report) {
        self.base = base
        self.timings = timings
    }

    public var failedCount: Int { base.failedCount }
    public var textLines: [String] { base.textLines }

    enum CodingKeys: String, CodingKey { case timings }

    public func encode(to encoder: Encoder) throws {
        try base.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(timings, forKey: .timings)
    }
}
