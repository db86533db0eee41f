import Foundation
import LTCore
import LTHTTP

/// What the venue's answer to `POST /order` proves. Conservative by construction: any answer that
/// does not prove the order was refused or killed, and does not prove it was accepted, is
/// `.unknown` — the caller must reconcile (look the order up by hash), never re-post.
public enum PostOrderOutcome: Sendable, Hashable {
    /// The venue took the order: matched now, resting (live), or matching delayed.
    case accepted(PostOrderAcceptance)
    /// FOK killed, FAK with no match, or status "unmatched": the order is dead and nothing filled.
    case unfilled(orderID: String?, reason: String)
    /// Refused with the venue's reason (validation, balance, auth…): not placed.
    case rejected(reason: String, httpStatus: Int)
    /// Definitely not placed, but may succeed later (429, 425 engine restarting, 503 cancel-only
    /// or post-only mode, connection refused).
    case retryable(reason: String, retryAfter: Duration?)
    /// The order may or may not exist (timeout, 5xx, dropped connection, unparseable 2xx).
    case unknown(reason: String)

    /// Short label for logs and metrics.
    public var kind: String {
        switch self {
        case .accepted: return "accepted"
        case .unfilled: return "unfilled"
        case .rejected: return "rejected"
        case .retryable: return "retryable"
        case .unknown: return "unknown"
        }
    }
}

public struct PostOrderAcceptance: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case matched, live, delayed
    }

    public var orderID: String
    public var status: Status
    /// As reported in the POST answer; the fills of record come from `/data/trades`.
    public var makingAmount: Fixed6?
    public var takingAmount: Fixed6?
    public var tradeIDs: [String]
    public var transactionHashes: [String]

    public init(
        orderID: String, status: Status, makingAmount: Fixed6? = nil, takingAmount: Fixed6? = nil,
        tradeIDs: [String] = [], transactionHashes: [String] = []
    ) {
        self.orderID = orderID
        self.status = status
        self.makingAmount = makingAmount
        self.takingAmount = takingAmount
        self.tradeIDs = tradeIDs
        self.transactionHashes = transactionHashes
    }
}

/// The 2xx body of `POST /order`.
struct RawPostOrderResponse: Decodable {
    var success: Bool?
    var errorMsg: String
    var orderID: String
    var status: String
    var makingAmount: Fixed6?
    var takingAmount: Fixed6?
    var tradeIDs: [String]
    var transactionsHashes: [String]

    enum CodingKeys: String, CodingKey {
        case success, errorMsg, orderID, orderIDCamel = "orderId", status, makingAmount, takingAmount, tradeIDs
        case transactionsHashes, transactionHashes
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        success = c.contains(.success) ? try c.looseBool(.success) : nil
        errorMsg = try c.looseString(.errorMsg) ?? ""
        orderID = try c.looseString(.orderID) ?? c.looseString(.orderIDCamel) ?? ""
        status = try c.looseString(.status) ?? ""
        makingAmount = try c.decimalIfPresent(.makingAmount)
        takingAmount = try c.decimalIfPresent(.takingAmount)
        tradeIDs = try c.decodeIfPresent([String].self, forKey: .tradeIDs) ?? []
        transactionsHashes =
            try c.decodeIfPresent([String].self, forKey: .transactionsHashes)
            ?? c.decodeIfPresent([String].self, forKey: .transactionHashes) ?? []
    }
}

/// A non-2xx error body: `{"error": "...", "code": "...", "retry_after_seconds": n}`.
struct VenueErrorBody: Decodable {
    var error: String?
    var code: String?
    var retryAfterSeconds: Fixed6?

    enum CodingKeys: String, CodingKey { case error, errorMsg, message, code, retry_after_seconds }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        error = try c.looseString(.error) ?? c.looseString(.errorMsg) ?? c.looseString(.message)
        code = try c.looseString(.code)
        retryAfterSeconds = try? c.decimalIfPresent(.retry_after_seconds)
    }

    static func parse(_ body: [UInt8]) -> VenueErrorBody? {
        try? JSONDecoder().decode(VenueErrorBody.self, from: Data(body))
    }
}

extension PostOrderOutcome {
    /// Messages meaning a FOK/FAK order was killed without filling (the venue's wording; matched
    /// case-insensitively as substrings).
    static let killMarkers = [
        "fok orders are fully filled or killed",
        "couldn't be fully filled",
        "could not be fully filled",
        "no orders found to match with fak order",
        "fak orders are partially filled or killed",
    ]

    static func isKill(_ message: String) -> Bool {
        let m = message.lowercased()
        return killMarkers.contains { m.contains($0) }
    }

    /// Classifies the result of one `POST /order` exchange. Pure: the tests drive it directly.
    public static func classify(_ result: Result<HTTPResponse, HTTPError>) -> PostOrderOutcome {
        switch result {
        case .failure(let error):
            return classify(error)
        case .success(let response):
            return classify(response)
        }
    }

    static func classify(_ error: HTTPError) -> PostOrderOutcome {
        if error.provablyNotSent { return .retryable(reason: error.description, retryAfter: nil) }
        return .unknown(reason: error.description)
    }

    static func classify(_ response: HTTPResponse) -> PostOrderOutcome {
        let status = response.status
        if response.isSuccess { return classifySuccess(response) }
        let body = VenueErrorBody.parse(response.body)
        let message = body?.error ?? response.text.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = message.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(message)"
        let retryAfter =
            response.retryAfter
            ?? body?.retryAfterSeconds.map { Duration.milliseconds($0.micros / 1000) }
        switch status {
        case 408:
            // Meant as "request not fully received", but intermediaries use it loosely: proves nothing.
            return .unknown(reason: reason)
        case 429, 425:
            return .retryable(reason: reason, retryAfter: retryAfter)
        case 503:
            // Cancel-only and post-only modes refuse new orders outright; any other 503 may have
            // come after the engine took the order.
            let lower = (message + " " + (body?.code ?? "")).lowercased()
            if lower.contains("cancel-only") || lower.contains("cancel only") || lower.contains("post_only_mode")
                || lower.contains("post-only mode")
            {
                return .retryable(reason: reason, retryAfter: retryAfter)
            }
            return .unknown(reason: reason)
        case 400..<500:
            if isKill(message) { return .unfilled(orderID: nil, reason: message) }
            return .rejected(reason: message.isEmpty ? "HTTP \(status)" : message, httpStatus: status)
        default:
            // 5xx, and 1xx/3xx which no venue path should produce: proves nothing.
            return .unknown(reason: reason)
        }
    }

    static func classifySuccess(_ response: HTTPResponse) -> PostOrderOutcome {
        guard let raw = try? JSONDecoder().decode(RawPostOrderResponse.self, from: Data(response.body)) else {
            return .unknown(reason: "HTTP \(response.status) with an unparseable body")
        }
        let orderID = raw.orderID.isEmpty ? nil : raw.orderID
        if raw.success == false {
            if isKill(raw.errorMsg) { return .unfilled(orderID: orderID, reason: raw.errorMsg) }
            if raw.status.lowercased() == "unmatched" {
                return .unfilled(orderID: orderID, reason: raw.errorMsg.isEmpty ? "unmatched" : raw.errorMsg)
            }
            if !raw.errorMsg.isEmpty { return .rejected(reason: raw.errorMsg, httpStatus: response.status) }
            return .unknown(reason: "success=false without errorMsg (status '\(raw.status)')")
        }
        if isKill(raw.errorMsg) { return .unfilled(orderID: orderID, reason: raw.errorMsg) }
        let status = raw.status.lowercased()
        if status == "unmatched" {
            return .unfilled(orderID: orderID, reason: raw.errorMsg.isEmpty ? "unmatched" : raw.errorMsg)
        }
        guard raw.success == true, raw.errorMsg.isEmpty, let orderID,
            let accepted = PostOrderAcceptance.Status(rawValue: status)
        else {
            return .unknown(
                reason: "2xx answer that proves nothing (success=\(raw.success.map(String.init) ?? "absent"), "
                    + "status='\(raw.status)', errorMsg='\(raw.errorMsg)')")
        }
        return .accepted(
            PostOrderAcceptance(
                orderID: orderID, status: accepted, makingAmount: raw.makingAmount, takingAmount: raw.takingAmount,
                tradeIDs: raw.tradeIDs, transactionHashes: raw.transactionsHashes))
    }
}
