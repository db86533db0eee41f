/// What a run prints on stdout: one summary, as text or JSON (`--format`). Each job defines its own
/// Encodable summary; the executable wraps it with `job`, `run_id` and `status`.
public protocol JobSummary: Encodable {
    /// Items that failed (exit status 1 when > 0). Skipped signals are not failures.
    var failedCount: Int { get }
    /// Human-readable lines for `--format text`.
    var textLines: [String] { get }
}

/// The summary of a run that did not start because another run holds the job lock (exit 0).
public struct LockSkippedSummary: JobSummary {
    public var skipped: Bool = true
    public var reason: String
    public var holderPID: Int?

    public init(job: String, holder: LockHolder?) {
        reason = "another \(job) run holds the job lock" + (holder.map { ": \($0)" } ?? "")
        holderPID = holder?.pid
    }

    public var failedCount: Int { 0 }
    public var textLines: [String] { ["skipped: \(reason)"] }
}

extension JobContext {
    /// Runs `body` under the job's session-level advisory lock. When another run holds it, logs who
    /// (pid, application, client) and returns nil without running `body`: overlapping cron runs are
    /// safe without flock, and the second one exits 0. `wait` > 0 first waits that long for the holder
    /// to let go (`lt execute --lock-wait`).
    public func withJobLock<T>(wait: Duration = .zero, _ body: () throws -> T) throws -> Result<T, LockSkipped> {
        switch try wait > .zero ? database.waitJobLock(job, upTo: wait) : database.tryJobLock(job) {
        case .acquired:
            defer { try? database.releaseJobLock(job) }
            return .success(try body())
        case .held(let holder):
            logger.warning(
                "job lock held by another run; skipping",
                metadata: [
                    "holder_pid": holder.map { .stringConvertible($0.pid) } ?? "unknown",
                    "holder": .string(holder?.description ?? "released meanwhile"),
                ])
            return .failure(LockSkipped(holder: holder))
        }
    }
}

/// The job lock was held by another run.
public struct LockSkipped: Error, Sendable {
    public var holder: LockHolder?
}
