import Foundation
import Logging

/// Everything a job may touch outside its own memory. Jobs receive one `JobContext` and reach the
/// database, the clock and the log only through it, so a test drives a job with a fixed clock and a
/// throwaway database. Later ports (exchange, chain, randomness) are added as further stored
/// properties with defaults, so existing call sites keep compiling.
public struct JobContext {
    /// The job's name as on the command line (`daily-reset`, `execute`, …): log field `job`.
    public var job: String
    /// One id per process run: log field `run_id`, stored in `lt_orders.run_id`.
    public var runID: String
    public var database: any Database
    public var clock: any WallClock
    /// Already carries `run_id` and `job` in its metadata.
    public var logger: Logger

    /// `logger` defaults to one that discards everything (tests that do not look at logs).
    public init(
        job: String, runID: String, database: any Database, clock: any WallClock,
        logger: Logger = Logger(label: "lt", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.job = job
        self.runID = runID
        self.database = database
        self.clock = clock
        var logger = logger
        logger[metadataKey: "run_id"] = .string(runID)
        logger[metadataKey: "job"] = .string(job)
        self.logger = logger
    }

    public func now() -> Date { clock.now() }
    public var today: UTCDay { UTCDay(clock.now()) }
}

/// Run ids: `r` + UTC time + random suffix, sortable and unique enough to grep for
/// (`r20261123T203323Z-7f3a9c`).
public enum RunID {
    public static func make(at date: Date) -> String {
        let ts = UTCTimestamp.format(date)  // 2026-11-23T20:33:23.123456Z
        // A plain filter, not Foundation's replacingOccurrences: that bridges through NSString and
        // costs every run a first-use set-up in Foundation (docs/benchmarks.md "Idle tick").
        let compact = String(ts.prefix(19).filter { $0 != "-" && $0 != ":" })
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16).leftPadded(to: 8)
        return "r\(compact)Z-\(suffix)"
    }
}
