import Foundation
import LTCore
import LTHTTP
import LTPostgres
import Logging

/// `LT_ALERT_WEBHOOK_URL`: after a job's transactions commit, POST each new alert of the outbox
/// (a breaker tripped, an order became UNKNOWN, a redemption failed) as a Slack/Discord message.
/// The URL is a secret (a Slack or Discord webhook URL is its own credential): no log line, error
/// or summary contains it — failures are reported by status or transport kind only.
enum AlertWebhook {
    /// Per request: a slow webhook costs a run at most this much per alert.
    static let timeout: Duration = .seconds(5)

    static func deliver(db: PostgresConnection, environment: [String: String], logger: Logger) {
        let url = environment["LT_ALERT_WEBHOOK_URL"].flatMap { $0.isEmpty ? nil : $0 }
        var post: ((PendingAlert) -> DeliveryFailure?)?
        if let url {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                logger.error("LT_ALERT_WEBHOOK_URL is not an http(s) URL: alerts wait in the outbox")
                return
            }
            let http = HTTPClient(
                configuration: HTTPClientConfiguration(connectTimeout: .seconds(3), totalTimeout: timeout))
            post = { alert in
                let request = HTTPRequest(
                    method: .post, url: url, headers: [HTTPHeader("Content-Type", "application/json")],
                    body: AlertMessage.body(alert), timeout: timeout, sensitiveResponse: true)
                do throws(HTTPError) {
                    let response = try http.send(request)
                    return (200..<300).contains(response.status) ? nil : DeliveryFailure("HTTP \(response.status)")
                } catch {
                    switch error {
                    case .transport(_, let kind, _): return DeliveryFailure("transport error (\(kind.rawValue))")
                    case .status(_, let code, _), .malformedBody(_, let code, _, _):
                        return DeliveryFailure("HTTP \(code)")
                    }
                }
            }
        }
        _ = AlertDelivery.run(outbox: AlertOutboxStore(database: db), post: post, logger: logger)
    }
}
