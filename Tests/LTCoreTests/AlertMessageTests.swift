import Foundation
import Testing

@testable import LTCore

/// The webhook message of each outbox kind (pure): Slack's `text` and Discord's `content` agree.
@Suite struct AlertMessageTests {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(
        arguments: [
            (
                PendingAlert.Kind.breakerTripped, "s1", nil, "DRAWDOWN 25%",
                "lt: strategy s1 circuit breaker tripped: DRAWDOWN 25% — no new entries until it is cleared"
            ),
            (
                .orderUnknown, "s1", 42, "BUY 15.000000 USD 0xabc",
                "lt: strategy s1 order #42 is UNKNOWN: BUY 15.000000 USD 0xabc — its outcome is unproven, cash stays locked"
            ),
            (
                .redemptionFailed, "s2", 7, "0xc1: execution reverted",
                "lt: strategy s2 order #7 redemption failed: 0xc1: execution reverted — retried with backoff"
            ),
        ] as [(PendingAlert.Kind, String, Int64?, String, String)])
    func eachKindSaysWhatHappened(
        kind: PendingAlert.Kind, strategy: String, order: Int64?, detail: String, text: String
    )
        throws
    {
        let alert = PendingAlert(
            id: 1, kind: kind, strategyID: strategy, ltOrderID: order, detail: detail, createdAt: Self.at)
        #expect(AlertMessage.text(alert) == text + " (2027-01-15T08:00:00.000000Z)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(AlertMessage.body(alert))) as? [String: String])
        #expect(json == ["text": AlertMessage.text(alert), "content": AlertMessage.text(alert)])
    }

    @Test func controlCharactersFromTheDatabaseAreShownEscapedAndTheBodyStaysValidJSON() throws {
        let alert = PendingAlert(
            id: 1, kind: nil, strategyID: "s\n1", ltOrderID: nil, detail: "a\"b\u{1b}[31m", createdAt: Self.at)
        let text = AlertMessage.text(alert)
        #expect(!text.contains("\n") && !text.contains("\u{1b}"))
        let json = try JSONSerialization.jsonObject(with: Data(AlertMessage.body(alert))) as? [String: String]
        #expect(json?["text"] == text)
    }
}
