import Foundation

/// One Prometheus sample a run reports: a gauge family's name, its labels and the value. The
/// executable renders them in the text exposition format (`--metrics-file`); the core only decides
/// what they are, so the mapping is a pure function with table tests.
///
/// Values are `Double` because the exposition format's values are floats; money is converted from
/// `Fixed6` here, at the edge, and never flows back into a computation.
public struct MetricSample: Sendable, Hashable {
    public struct Label: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var name: String
    public var labels: [Label]
    public var value: Double

    public init(_ name: String, _ labels: [Label] = [], _ value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    public init(_ name: String, _ labels: [Label] = [], count: Int) {
        self.init(name, labels, Double(count))
    }

    public init(_ name: String, _ labels: [Label] = [], usd: Fixed6) {
        self.init(name, labels, Double(usd.micros) / 1_000_000)
    }

    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }
}

/// Every gauge family lt writes, with its help text and label names: the one list the renderer,
/// docs/operations.md and the alert-rule test agree on. All are gauges: each file describes the last
/// run of one job, so a "count" is the count of that run (or the current count in the books).
public enum MetricFamily: String, Sendable, CaseIterable {
    // Every run.
    case lastRunTimestamp = "lt_job_last_run_timestamp_seconds"
    case lastRunDuration = "lt_job_last_run_duration_seconds"
    case lastRunResult = "lt_job_last_run_result"
    case lastRunExitStatus = "lt_job_last_run_exit_status"
    case lastSuccessTimestamp = "lt_job_last_success_timestamp_seconds"
    case items = "lt_job_items"
    // execute.
    case executeSignals = "lt_execute_signals"
    case executeSkipped = "lt_execute_skipped_signals"
    // check-exits.
    case exitsRetrying = "lt_exits_retrying"
    case exitsFailingRepeatedly = "lt_exits_failing_repeatedly"
    // doctor.
    case booksDrift = "lt_books_drift_usd"
    case doctorChecksFailed = "lt_doctor_checks_failed"
    // The books, read after the run.
    case cash = "lt_strategy_cash_usd"
    case realizedPnL = "lt_strategy_realized_pnl_usd"
    case breakerActive = "lt_strategy_breaker_active"
    case tradingState = "lt_strategy_trading_state"
    case ordersNotFinal = "lt_orders_not_final"
    case ordersCreatedToday = "lt_orders_created_today"
    case unknownOrders = "lt_orders_unknown"
    case unknownOldestAge = "lt_orders_unknown_oldest_age_seconds"
    case redemptions = "lt_redemptions"

    /// Label names besides `lt_job`, which every sample carries (the job, and shard, that wrote the
    /// file: files of different jobs never repeat a series, as node_exporter requires).
    public var labelNames: [String] {
        switch self {
        case .lastRunTimestamp, .lastRunDuration, .lastRunExitStatus, .lastSuccessTimestamp: []
        case .lastRunResult: ["result"]
        case .items: ["item"]
        case .executeSignals: ["outcome"]
        case .executeSkipped: ["reason"]
        case .exitsRetrying, .exitsFailingRepeatedly, .doctorChecksFailed, .unknownOrders, .unknownOldestAge: []
        case .booksDrift: ["wallet"]
        case .cash: ["strategy_id", "bucket"]
        case .realizedPnL, .breakerActive: ["strategy_id"]
        case .tradingState: ["strategy_id", "state"]
        case .ordersNotFinal, .ordersCreatedToday, .redemptions: ["strategy_id", "status"]
        }
    }

    public var help: String {
        switch self {
        case .lastRunTimestamp: "When the job's last run ended (Unix seconds)."
        case .lastRunDuration: "How long the job's last run took, in seconds."
        case .lastRunResult: "1 for the last run's result (success, failure, skipped), 0 for the others."
        case .lastRunExitStatus: "The last run's exit status (0 ok, 1 some items failed, 64, 69, 78)."
        case .lastSuccessTimestamp:
            "When the job last ended with exit status 0 without being skipped (Unix seconds); kept across failed runs."
        case .items: "The last run's summary counts, by item."
        case .executeSignals: "Signals the last execute run decided, by outcome."
        case .executeSkipped: "Signals the last execute run skipped, by skip reason."
        case .exitsRetrying: "Positions whose exit failed and is retried (last check-exits run)."
        case .exitsFailingRepeatedly: "Positions whose exit has failed several runs in a row (last check-exits run)."
        case .booksDrift: "Books minus wallet collateral in USD (positive: the wallet holds less than the books)."
        case .doctorChecksFailed: "Doctor checks that failed in the last run."
        case .cash: "A strategy's cash bucket in USD (available, locked, cooldown)."
        case .realizedPnL: "A strategy's realized P&L in USD."
        case .breakerActive: "1 when the strategy's circuit breaker is tripped."
        case .tradingState: "1 for the strategy's trading state (ACTIVE, REDUCE_ONLY, HALTED), 0 for the others."
        case .ordersNotFinal: "Orders whose outcome is not final, by status."
        case .ordersCreatedToday: "Orders created today (UTC), by status."
        case .unknownOrders: "Orders whose post outcome is unproven (UNKNOWN)."
        case .unknownOldestAge: "Age in seconds of the oldest UNKNOWN order (0 when there is none)."
        case .redemptions: "Won positions waiting for or in redemption, and failed redemptions, by status."
        }
    }
}
