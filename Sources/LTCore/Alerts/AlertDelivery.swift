import Foundation
import Logging

/// A transition worth a message, as the outbox holds it (sql/008: written by the database in the
/// transaction that made the transition, with a unique key per transition).
public struct PendingAlert: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case breakerTripped = "BREAKER_TRIPPED"
        case orderUnknown = "ORDER_UNKNOWN"
        case redemptionFailed = "REDEMPTION_FAILED"
    }

    public var id: Int64
    /// nil when the row names a kind this binary does not know (a newer lt wrote it).
    public var kind: Kind?
    public var strategyID: String?
    public var ltOrderID: Int64?
    public var detail: String?
    public var createdAt: Date

    public init(id: Int64, kind: Kind?, strategyID: String?, ltOrderID: Int64?, detail: String?, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.strategyID = strategyID
        self.ltOrderID = ltOrderID
        self.detail = detail
        self.createdAt = createdAt
    }
}

/// The message a webhook receives: one JSON object with the same text under `text` (Slack) and
/// `content` (Discord), so either accepts it unchanged.
public enum AlertMessage {
    public static func text(_ alert: PendingAlert) -> String {
        let strategy = alert.strategyID.map { "strategy \(TextEscaping.controls($0))" } ?? "lt"
        let order = alert.ltOrderID.map { " order #\($0)" } ?? ""
        let detail = alert.detail.map { ": \(TextEscaping.controls($0))" } ?? ""
        let when = " (\(UTCTimestamp.format(alert.createdAt)))"
        switch alert.kind {
        case .breakerTripped:
            return "lt: \(strategy) circuit breaker tripped\(detail) — no new entries until it is cleared\(when)"
        case .orderUnknown:
            return "lt: \(strategy)\(order) is UNKNOWN\(detail) — its outcome is unproven, cash stays locked\(when)"
        case .redemptionFailed:
            return "lt: \(strategy)\(order) redemption failed\(detail) — retried with backoff\(when)"
        case nil:
            return "lt: \(strategy)\(order) alert\(detail)\(when)"
        }
    }

    /// The request body: `{"text": …, "content": …}`.
    public static func body(_ alert: PendingAlert) -> [UInt8] {
        let text = JSONText.quoted(Self.text(alert))
        return Array("{\"text\":\(text),\"content\":\(text)}".utf8)
    }
}

/// Why one delivery failed, without the URL (a webhook URL is a secret: it never reaches a log).
public struct DeliveryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The outbox as the delivery sees it (LTPostgres `AlertOutboxStore`).
public protocol AlertOutbox: AnyObject {
    /// Calls `deliver` for each waiting alert, oldest first, at most `limit`, holding the rows
    /// locked (other runs skip them) until the results are recorded: delivered ones are marked
    /// sent, failed ones keep waiting with the attempt counted and the reason.
    func deliverPending(limit: Int, _ deliver: (PendingAlert) -> DeliveryFailure?) throws -> (
        sent: Int, failed: Int
    )
    /// No webhook configured: marks every waiting alert as such, so none is sent later.
    func markPendingWithoutWebhook() throws -> Int
}

/// After a job's transactions commit: send the outbox's waiting alerts to `LT_ALERT_WEBHOOK_URL`,
/// once each. A failure (an error status, a refused connection, the bounded timeout) is logged
/// and retried by the next run; it never changes the job's exit status.
public enum AlertDelivery {
    public struct Summary: Sendable, Hashable {
        public var sent = 0
        public var failed = 0
        public var withoutWebhook = 0
    }

    /// At most this many alerts per run: a burst is spread over runs instead of delaying one.
    public static let batch = 20

    public static func run(
        outbox: any AlertOutbox, post: ((PendingAlert) -> DeliveryFailure?)?, logger: Logger
    ) -> Summary {
        var summary = Summary()
        do {
            guard let post else {
                summary.withoutWebhook = try outbox.markPendingWithoutWebhook()
                return summary
            }
            let result = try outbox.deliverPending(limit: batch) { alert in
                let failure = post(alert)
                if let failure {
                    logger.warning(
                        "alert webhook failed; retried next run",
                        metadata: ["alert_id": .stringConvertible(alert.id), "error": .string(failure.description)])
                } else {
                    logger.info(
                        "alert sent",
                        metadata: [
                            "alert_id": .stringConvertible(alert.id), "kind": .string(alert.kind?.rawValue ?? "?"),
                        ])
                }
                return failure
            }
            summary.sent = result.sent
            summary.failed = result.failed
        } catch {
            logger.warning("alert outbox not read; retried next run", metadata: ["error": "\(error)"])
        }
        return summary
    }
}
