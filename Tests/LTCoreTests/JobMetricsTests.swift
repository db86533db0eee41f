import Foundation
import Testing

@testable import LTCore

/// The pure mapping from a run to its samples (docs/operations.md "Metrics").
@Suite struct JobMetricsTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let end = start.addingTimeInterval(2.5)

    static func run(_ result: RunResult, exit: Int32 = 0) -> RunOutcome {
        RunOutcome(job: "execute", result: result, exitStatus: exit, startedAt: start, finishedAt: end)
    }

    static func value(_ samples: [MetricSample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        let found = samples.filter { s in
            s.name == name && labels.allSatisfy { s.label($0.key) == $0.value }
        }
        return found.count == 1 ? found[0].value : nil
    }

    @Test(
        arguments: [
            // result, previous last success, expected last success
            (RunResult.success, nil, 1_800_000_002.0),
            (RunResult.success, 1_700_000_000.0, 1_800_000_002.0),
            (RunResult.failure, 1_700_000_000.0, 1_700_000_000.0),
            (RunResult.skipped, 1_700_000_000.0, 1_700_000_000.0),
            (RunResult.failure, nil, nil),
        ] as [(RunResult, Double?, Double?)])
    func lastSuccessIsKeptUnlessThisRunSucceeded(result: RunResult, previous: Double?, expected: Double?) {
        let samples = JobMetrics.samples(
            run: Self.run(result, exit: result == .failure ? 69 : 0), summary: nil, books: nil,
            previousLastSuccess: previous)
        #expect(Self.value(samples, "lt_job_last_success_timestamp_seconds") == expected)
        for r in RunResult.allCases {
            #expect(Self.value(samples, "lt_job_last_run_result", ["result": r.rawValue]) == (r == result ? 1 : 0))
        }
        #expect(Self.value(samples, "lt_job_last_run_duration_seconds") == 2.5)
        #expect(Self.value(samples, "lt_job_last_run_exit_status") == (result == .failure ? 69 : 0))
        #expect(samples.allSatisfy { $0.labels.first == MetricSample.Label("lt_job", "execute") })
    }

    @Test(
        arguments: [
            ("lt_job_last_success_timestamp_seconds{lt_job=\"execute\"} 1700000000.0\n", "execute", 1_700_000_000.0),
            ("lt_job_last_success_timestamp_seconds{lt_job=\"execute-0-of-2\"} 5.0\n", "execute", nil),
            ("# HELP x\nlt_job_last_run_timestamp_seconds{lt_job=\"execute\"} 9.0\n", "execute", nil),
            ("lt_job_last_success_timestamp_seconds{lt_job=\"execute\"} garbage\n", "execute", nil),
            ("", "execute", nil),
            // Anywhere in the file, after other jobs' and families' lines; no final line feed.
            (
                "# TYPE lt_job_last_success_timestamp_seconds gauge\nlt_job_last_success_timestamp_seconds{lt_job=\"sync-order-status\"} 7.0\n"
                    + "lt_x 1.0\n\nlt_job_last_success_timestamp_seconds{lt_job=\"execute\"} 8.0", "execute", 8.0
            ),
        ] as [(String, String, Double?)])
    func previousLastSuccessIsReadBackForTheSameJobOnly(text: String, job: String, expected: Double?) {
        #expect(JobMetrics.previousLastSuccess(in: text, job: job) == expected)
    }

    @Test func executeSummaryBecomesSignalsByOutcomeAndEverySkipReason() {
        var summary = ExecuteSummary()
        summary.signalsSeen = 4
        summary.filled = 1
        summary.unknown = 1
        summary.skipped = [.staleSignal: 2]
        let samples = JobMetrics.samples(
            run: Self.run(.failure, exit: 1), summary: TimedJobSummary(summary, timings: StageTimings().report),
            books: nil, previousLastSuccess: nil)
        #expect(Self.value(samples, "lt_execute_signals", ["outcome": "filled"]) == 1)
        #expect(Self.value(samples, "lt_execute_signals", ["outcome": "unknown"]) == 1)
        #expect(Self.value(samples, "lt_execute_signals", ["outcome": "skipped"]) == 2)
        #expect(Self.value(samples, "lt_execute_skipped_signals", ["reason": "STALE_SIGNAL"]) == 2)
        #expect(Self.value(samples, "lt_execute_skipped_signals", ["reason": "INVALID_PRICE"]) == 0)
        #expect(samples.filter { $0.name == "lt_execute_skipped_signals" }.count == SkipReason.allCases.count)
        #expect(Self.value(samples, "lt_job_items", ["item": "signals_seen"]) == 4)
    }

    @Test func booksBecomeCashInDollarsBreakersAndTheOldestUnknownAge() throws {
        let books = BooksSnapshot(
            strategies: [
                .init(
                    strategyID: "s1", available: try Fixed6(parsing: "985.25"), locked: 15, cooldown: .zero,
                    realizedPnL: try Fixed6(parsing: "-0.5"), breakerActive: true, tradingState: "REDUCE_ONLY")
            ],
            notFinal: ["s1": ["UNKNOWN": 2, "SUBMITTED": 1]], createdToday: ["s1": ["FILLED": 3]],
            oldestUnknownAt: Self.end.addingTimeInterval(-90.7), redemptions: ["s1": ["FAILED": 1]])
        let samples = JobMetrics.samples(books: books, now: Self.end)
        #expect(Self.value(samples, "lt_strategy_cash_usd", ["strategy_id": "s1", "bucket": "available"]) == 985.25)
        #expect(Self.value(samples, "lt_strategy_cash_usd", ["strategy_id": "s1", "bucket": "locked"]) == 15)
        #expect(Self.value(samples, "lt_strategy_cash_usd", ["strategy_id": "s1", "bucket": "cooldown"]) == 0)
        #expect(Self.value(samples, "lt_strategy_realized_pnl_usd", ["strategy_id": "s1"]) == -0.5)
        #expect(Self.value(samples, "lt_strategy_breaker_active", ["strategy_id": "s1"]) == 1)
        #expect(Self.value(samples, "lt_strategy_trading_state", ["state": "REDUCE_ONLY"]) == 1)
        #expect(Self.value(samples, "lt_strategy_trading_state", ["state": "ACTIVE"]) == 0)
        #expect(Self.value(samples, "lt_orders_not_final", ["status": "UNKNOWN"]) == 2)
        #expect(Self.value(samples, "lt_orders_not_final", ["status": "INTENT"]) == 0)
        #expect(Self.value(samples, "lt_orders_created_today", ["status": "FILLED"]) == 3)
        #expect(Self.value(samples, "lt_orders_unknown") == 2)
        #expect(Self.value(samples, "lt_orders_unknown_oldest_age_seconds") == 90)
        #expect(Self.value(samples, "lt_redemptions", ["status": "FAILED"]) == 1)
        #expect(Self.value(samples, "lt_redemptions", ["status": "PENDING"]) == 0)
        // No UNKNOWN order: the age is 0, so "UNKNOWN too old" never fires on an empty book.
        var empty = books
        empty.oldestUnknownAt = nil
        #expect(
            Self.value(JobMetrics.samples(books: empty, now: Self.end), "lt_orders_unknown_oldest_age_seconds") == 0)
    }

    @Test func everySampleNamesAFamilyWithItsDeclaredLabels() {
        var exits = CheckExitsSummary()
        exits.retryingExits = 2
        exits.failingExits = 1
        let doctor = Doctor.Summary(checks: [], drifts: ["main": try! Fixed6(parsing: "12.5")])
        for summary in [exits, doctor, ExecuteSummary(), SyncSummary(), RedeemSummary()] as [any JobSummary] {
            let samples = JobMetrics.samples(
                run: Self.run(.success), summary: summary, books: nil, previousLastSuccess: nil)
            for s in samples {
                let family = MetricFamily(rawValue: s.name)
                #expect(family != nil, "\(s.name) is not in MetricFamily")
                #expect(s.labels.map(\.name) == ["lt_job"] + (family?.labelNames ?? []), "\(s.name)")
            }
        }
        let exitSamples = JobMetrics.samples(
            run: Self.run(.success), summary: exits, books: nil, previousLastSuccess: nil)
        #expect(Self.value(exitSamples, "lt_exits_retrying") == 2)
        #expect(Self.value(exitSamples, "lt_exits_failing_repeatedly") == 1)
        let doctorSamples = JobMetrics.samples(
            run: Self.run(.success), summary: doctor, books: nil, previousLastSuccess: nil)
        #expect(Self.value(doctorSamples, "lt_books_drift_usd", ["wallet": "main"]) == 12.5)
    }
}
