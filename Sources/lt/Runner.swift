import ArgumentParser
import Foundation
import LTCore
import LTPostgres
import Logging

/// Exit statuses (design §6), decided only here.
enum ExitStatus: Int32 {
    case ok = 0
    case someFailed = 1
    case usage = 64
    case unavailable = 69
    case config = 78
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options every job and operator command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Summary format on stdout: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var run: RunOptions

    var logLevel: String { run.logLevel }
    var metricsFile: String? { run.metricsFile }
    var now: String? { run.now }
}

/// The options of a run apart from its output format (`lt report` has its own, with CSV).
struct RunOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(
        help: ArgumentHelp(
            "Write the run's Prometheus metrics to this file (atomically), for node_exporter's textfile collector.",
            valueName: "path"))
    var metricsFile: String?

    /// The instant the run believes it is (tests; replaying a missed day). ISO 8601 UTC.
    @Option(help: .hidden)
    var now: String?

    func validate() throws {
        if let metricsFile, metricsFile.isEmpty { throw ValidationError("--metrics-file needs a path") }
    }
}

/// A subcommand that runs as a job: `main` calls `runJob` and exits with its status.
protocol JobCommand: ParsableCommand {
    func runJob() -> ExitStatus
}

/// Everything a run does before and after its job: configuration, logging, connection, job lock,
/// summary, exit status. A new job command is a few lines around `Runner.run`.
enum Runner {
    nonisolated(unsafe) static var loggingBootstrapped = false

    /// - Parameters:
    ///   - job: the job name (log field `job`, job-lock name).
    ///   - takeJobLock: false for read-only operator commands (status).
    ///   - lockWait: how long to wait for a job lock another run holds before skipping (0: skip at once).
    ///   - decide: the exit status for a summary the job returned. The JSON summary's `status` is
    ///     derived from the same value, so the two cannot disagree.
    ///   - body: the job itself; it returns its summary.
    static func run(
        job: String, options: CommonOptions, takeJobLock: Bool = true, lockWait: Duration = .zero,
        decide: (any JobSummary) -> ExitStatus = { $0.failedCount > 0 ? .someFailed : .ok },
        _ body: (JobContext, Config, PostgresConnection) throws -> any JobSummary
    ) -> ExitStatus {
        let record = RunRecord(startedAt: Date())
        let status = run(
            job: job, options: options, takeJobLock: takeJobLock, lockWait: lockWait, decide: decide, record: record,
            body)
        if record.ranUnderJobLock, let db = record.db, let logger = record.logger {
            AlertWebhook.deliver(db: db, environment: ProcessInfo.processInfo.environment, logger: logger)
        }
        if let path = options.metricsFile { writeMetrics(job: job, status: status, record: record, path: path) }
        return status
    }

    /// What the metrics file needs from a run, whichever way it ended.
    final class RunRecord {
        let startedAt: Date
        var logger: Logger?
        var summary: (any JobSummary)?
        var db: PostgresConnection?
        var today: UTCDay?
        /// The job's body ran under its job lock (its transitions' alerts are delivered after it).
        var ranUnderJobLock = false

        init(startedAt: Date) { self.startedAt = startedAt }
    }

    /// Writes the run's metrics: its result, duration and last success (kept from the previous file
    /// when this run did not succeed), the summary's figures and the books as they stand. A metrics
    /// problem is logged and never changes the run's exit status.
    static func writeMetrics(job: String, status: ExitStatus, record: RunRecord, path: String) {
        let result: RunResult =
            record.summary is LockSkippedSummary ? .skipped : status == .ok ? .success : .failure
        var books: BooksSnapshot?
        if let db = record.db, let today = record.today {
            do {
                books = try MetricsStore(database: db).snapshot(today: today)
            } catch {
                record.logger?.warning("metrics: cannot read the books", metadata: ["error": "\(error)"])
            }
        }
        let samples = JobMetrics.samples(
            run: RunOutcome(
                job: job, result: result, exitStatus: status.rawValue, startedAt: record.startedAt, finishedAt: Date()),
            summary: record.summary, books: books,
            previousLastSuccess: MetricsFile.previousLastSuccess(path: path, job: job))
        do {
            try MetricsFile.writeAtomically(MetricsExposition.render(samples), to: path)
        } catch {
            record.logger?.error("metrics file not written", metadata: ["error": "\(error)"])
        }
    }

    private static func run(
        job: String, options: CommonOptions, takeJobLock: Bool, lockWait: Duration,
        decide: (any JobSummary) -> ExitStatus, record: RunRecord,
        _ body: (JobContext, Config, PostgresConnection) throws -> any JobSummary
    ) -> ExitStatus {
        let env = ProcessInfo.processInfo.environment
        let startedAt = record.startedAt
        let runID = RunID.make(at: startedAt)
        // Logging first (from the raw variable), so even a configuration error is a proper log line.
        let explicit = Config.LogFormat(rawValue: (env["LT_LOG_FORMAT"] ?? "").lowercased())
        let level = Logger.Level(rawValue: options.logLevel.lowercased()) ?? .info
        bootstrapLogging(format: LTLogHandler.defaultFormat(explicit: explicit), level: level)
        var logger = Logger(label: "lt")
        logger[metadataKey: "run_id"] = .string(runID)
        logger[metadataKey: "job"] = .string(job)
        record.logger = logger

        if Logger.Level(rawValue: options.logLevel.lowercased()) == nil {
            return fail(logger, .usage, "invalid --log-level \(options.logLevel)", format: options.format)
        }
        let clock: any WallClock
        if let now = options.now {
            guard let fixed = FixedClock(iso8601: now) else {
                return fail(logger, .usage, "invalid --now \(now): expected ISO 8601 UTC", format: options.format)
            }
            clock = fixed
        } else {
            clock = SystemClock()
        }

        let config: Config
        do {
            config = try Config(environment: env)
        } catch {
            return fail(logger, .config, "configuration error: \(error)", format: options.format)
        }

        let db: PostgresConnection
        do {
            db = try PostgresConnection(url: config.databaseURL, applicationName: "lt \(job) \(runID)")
        } catch {
            return fail(logger, status(for: error), error.message, format: options.format)
        }

        // Run liveness (design §4): held for the whole process, released when it exits or dies.
        do {
            try db.holdRunLock(runID)
        } catch {
            return fail(logger, status(for: error), error.message, format: options.format)
        }
        let ctx = JobContext(job: job, runID: runID, database: db, clock: clock, logger: logger)
        record.db = db
        record.today = ctx.today
        ctx.logger.debug("run started", metadata: ["db": .string(db.target.description)])
        do {
            let summary: any JobSummary
            if takeJobLock {
                let locked = try ctx.withJobLock(wait: lockWait) { () throws -> any JobSummary in
                    record.ranUnderJobLock = true
                    return try body(ctx, config, db)
                }
                switch locked {
                case .success(let s): summary = s
                case .failure(let skipped): summary = LockSkippedSummary(job: job, holder: skipped.holder)
                }
            } else {
                summary = try body(ctx, config, db)
            }
            record.summary = summary
            let elapsed = Int(Date().timeIntervalSince(startedAt) * 1000)
            let status: ExitStatus = summary is LockSkippedSummary ? .ok : decide(summary)
            ctx.logger.info(
                "run finished",
                metadata: [
                    "elapsed_ms": .stringConvertible(elapsed), "failed": .stringConvertible(summary.failedCount),
                ])
            printSummary(summary, job: job, runID: runID, status: status, format: options.format)
            return status
        } catch {
            let status = status(for: error)
            if let e = error as? DatabaseError, let statement = e.statement {
                ctx.logger.debug("failed statement", metadata: ["statement": .string(statement)])
            }
            return fail(ctx.logger, status, "\(error)", format: options.format, runID: runID, job: job)
        }
    }

    static func status(for error: any Error) -> ExitStatus {
        switch error {
        case let e as DatabaseError:
            switch e.kind {
            case .connection: return .unavailable
            case .configuration: return .config
            case .query, .decoding: return .someFailed
            }
        case is ConfigError: return .config
        default: return .someFailed
        }
    }

    /// Logs the failure and prints a one-line summary; returns `status`.
    static func fail(
        _ logger: Logger, _ status: ExitStatus, _ message: String, format: OutputFormat, runID: String? = nil,
        job: String? = nil
    ) -> ExitStatus {
        logger.error("\(message)", metadata: ["exit_status": .stringConvertible(status.rawValue)])
        switch format {
        case .text:
            print("error: \(message)")
        case .json:
            var fields: [(String, String)] = [("status", LTLogHandler.jsonString("error"))]
            fields.append(("exit_status", String(status.rawValue)))
            fields.append(("error", LTLogHandler.jsonString(message)))
            if let job { fields.append(("job", LTLogHandler.jsonString(job))) }
            if let runID { fields.append(("run_id", LTLogHandler.jsonString(runID))) }
            print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        }
        return status
    }

    static func printSummary(
        _ summary: any JobSummary, job: String, runID: String, status: ExitStatus, format: OutputFormat
    ) {
        switch format {
        case .text:
            for line in summary.textLines { print(line) }
        case .json:
            let envelope = Envelope(
                job: job, runID: runID, status: statusText(status, skipped: summary is LockSkippedSummary),
                exitStatus: status.rawValue, result: summary)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.dateEncodingStrategy = .custom { date, enc in
                var c = enc.singleValueContainer()
                try c.encode(UTCTimestamp.format(date))
            }
            do {
                print(String(decoding: try encoder.encode(envelope), as: UTF8.self))
            } catch {
                print("{\"status\":\"error\",\"error\":\(LTLogHandler.jsonString("summary encoding: \(error)"))}")
            }
        }
    }

    /// The JSON summary's `status` for an exit status: "ok" (or "skipped") only for 0, "failed"
    /// for 1, "error" for 64/69/78 as `fail` prints, so a script reading either sees the same.
    static func statusText(_ status: ExitStatus, skipped: Bool) -> String {
        switch status {
        case .ok: return skipped ? "skipped" : "ok"
        case .someFailed: return "failed"
        case .usage, .unavailable, .config: return "error"
        }
    }

    struct Envelope: Encodable {
        var job: String
        var runID: String
        var status: String
        var exitStatus: Int32
        var result: any JobSummary

        enum CodingKeys: String, CodingKey { case job, runID, status, exitStatus, result }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(job, forKey: .job)
            try c.encode(runID, forKey: .runID)
            try c.encode(status, forKey: .status)
            try c.encode(exitStatus, forKey: .exitStatus)
            try c.encode(result, forKey: .result)
        }
    }

    static func bootstrapLogging(format: LTLogHandler.Format, level: Logger.Level) {
        guard !loggingBootstrapped else { return }
        loggingBootstrapped = true
        LoggingSystem.bootstrap { _ in LTLogHandler(format: format, level: level) }
    }
}
