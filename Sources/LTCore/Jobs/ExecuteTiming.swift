import Foundation

// Where an execute run spends its time, by port: the database (the store), the exchange over HTTP
// (the venue's reads and posts) and order signing. Measured around the port calls by decorators,
// so the job itself is unchanged; `lt execute --format json` prints the totals as
// `result.timings` and `lt-bench execute` (docs/benchmarks.md) reads them.

/// Accumulated time and call counts per kind of work, for one run. Parallel posts add theirs from
/// their own threads, hence the lock (uncontended on the job's thread: tens of nanoseconds). Time
/// spent by posts in parallel adds up, so `http` can exceed the run's wall time.
public final class StageTimings: @unchecked Sendable {
    public enum Stage: CaseIterable, Sendable { case database, http, signing }

    private let lock = NSLock()
    private var nanos: [Stage: UInt64] = [:]
    private var calls: [Stage: Int] = [:]

    public init() {}

    /// Runs `body`, adding its duration (also when it throws) to `stage`.
    public func measure<T, E: Error>(_ stage: Stage, _ body: () throws(E) -> T) throws(E) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            lock.lock()
            nanos[stage, default: 0] += elapsed
            calls[stage, default: 0] += 1
            lock.unlock()
        }
        return try body()
    }

    public var report: Report {
        lock.lock()
        defer { lock.unlock() }
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

    public func activeStrategies() throws -> (strategies: [ExecuteStrategy], misconfigured: [MisconfiguredStrategy]) {
        try timings.measure(.database) { try base.activeStrategies() }
    }

    public func abandonIntents(strategyIDs: [String], exceptRun runID: String, at: Date) throws -> Int {
        try timings.measure(.database) { try base.abandonIntents(strategyIDs: strategyIDs, exceptRun: runID, at: at) }
    }

    public func strategiesWithNewSignals(strategyIDs: [String], since: Date) throws -> Set<String> {
        try timings.measure(.database) { try base.strategiesWithNewSignals(strategyIDs: strategyIDs, since: since) }
    }

    public func undecidedSignalCounts(since: Date) throws -> [String: Int] {
        try timings.measure(.database) { try base.undecidedSignalCounts(since: since) }
    }

    public func newSignals(strategy: ExecuteStrategy, since: Date, limit: Int) throws -> [FTSignalRow] {
        try timings.measure(.database) { try base.newSignals(strategy: strategy, since: since, limit: limit) }
    }
}

/// The ledger, timed as database work.
public final class TimedLedger: Ledger {
    let base: any Ledger
    let timings: StageTimings

    public init(_ base: any Ledger, timings: StageTimings) {
        self.base = base
        self.timings = timings
    }

    public func apply(_ entry: LedgerEntry) throws -> LedgerOutcome {
        try timings.measure(.database) { try base.apply(entry) }
    }

    public func strategiesWithMaturedCooldown(now: Date) throws -> [String] {
        try timings.measure(.database) { try base.strategiesWithMaturedCooldown(now: now) }
    }

    public func releaseMaturedCooldown(strategyID: String, now: Date) throws -> Fixed6 {
        try timings.measure(.database) { try base.releaseMaturedCooldown(strategyID: strategyID, now: now) }
    }

    public func strategiesDueForReset(day: UTCDay) throws -> (due: [String], total: Int) {
        try timings.measure(.database) { try base.strategiesDueForReset(day: day) }
    }

    public func resetDailyCounters(strategyID: String, day: UTCDay, at: Date) throws -> Bool? {
        try timings.measure(.database) { try base.resetDailyCounters(strategyID: strategyID, day: day, at: at) }
    }
}

/// The venue port: every read, post and cancel timed as HTTP, `sign` as signing.
public final class TimedVenue: TradingVenue {
    let base: any TradingVenue
    let timings: StageTimings

    public init(_ base: any TradingVenue, timings: StageTimings) {
        self.base = base
        self.timings = timings
    }

    public func market(conditionID: String) throws(VenueError) -> VenueMarket? {
        try timings.measure(.http) { () throws(VenueError) in try base.market(conditionID: conditionID) }
    }

    public func feeSchedule(conditionID: String) throws(VenueError) -> FeeSchedule {
        try timings.measure(.http) { () throws(VenueError) in try base.feeSchedule(conditionID: conditionID) }
    }

    public func books(tokenIDs: [String]) throws(VenueError) -> [String: VenueBook] {
        try timings.measure(.http) { () throws(VenueError) in try base.books(tokenIDs: tokenIDs) }
    }

    public func markets(conditionIDs: [String], concurrency: Int) -> [String: Result<VenueMarket?, VenueError>] {
        timings.measure(.http) { base.markets(conditionIDs: conditionIDs, concurrency: concurrency) }
    }

    public func books(tokenIDs: [String], concurrency: Int) throws(VenueError) -> [String: VenueBook] {
        try timings.measure(.http) { () throws(VenueError) in
            try base.books(tokenIDs: tokenIDs, concurrency: concurrency)
        }
    }

    public func sign(_ request: OrderRequest) throws(VenueError) -> SignedVenueOrder {
        try timings.measure(.signing) { () throws(VenueError) in try base.sign(request) }
    }

    public func post(_ order: SignedVenueOrder) -> VenuePostResult {
        timings.measure(.http) { base.post(order) }
    }

    public func detachedPost(_ order: SignedVenueOrder) -> @Sendable () -> VenuePostResult {
        let post = base.detachedPost(order)
        let timings = timings
        return { timings.measure(.http) { post() } }
    }

    public func order(hash: String, wallet: String) throws(VenueError) -> VenueOrder? {
        try timings.measure(.http) { () throws(VenueError) in try base.order(hash: hash, wallet: wallet) }
    }

    public func trades(orderHash hash: String, market conditionID: String?, wallet: String) throws(VenueError)
        -> [VenueTrade]
    {
        try timings.measure(.http) { () throws(VenueError) in
            try base.trades(orderHash: hash, market: conditionID, wallet: wallet)
        }
    }

    public func trades(wallet: String, orderHashes: Set<String>, after: Date?) throws(VenueError)
        -> [String: [VenueTrade]]
    {
        try timings.measure(.http) { () throws(VenueError) in
            try base.trades(wallet: wallet, orderHashes: orderHashes, after: after)
        }
    }

    public func cancel(orderHash hash: String, wallet: String) throws(VenueError) -> Bool {
        try timings.measure(.http) { () throws(VenueError) in try base.cancel(orderHash: hash, wallet: wallet) }
    }

    public func balance(wallet: String, tokenID: String?) throws(VenueError) -> Fixed6 {
        try timings.measure(.http) { () throws(VenueError) in try base.balance(wallet: wallet, tokenID: tokenID) }
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
