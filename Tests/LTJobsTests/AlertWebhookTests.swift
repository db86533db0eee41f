import Foundation
import LTCore
import LTPostgres
import Testing

/// `LT_ALERT_WEBHOOK_URL` (docs/operations.md "Alert webhook"): one POST per transition, decided in
/// the transition's own transaction (the outbox triggers of sql/008), delivered after the job
/// commits, never again once delivered, and never a reason for a job to fail.
@Suite(.serialized) struct AlertWebhookTests {
    struct Outbox {
        var kind: String
        var delivery: String?
        var attempts: Int
        var lastError: String?
    }

    static func outbox(_ h: ExecuteHarness) throws -> [Outbox] {
        try h.db.query(
            "SELECT kind, delivery, attempts, last_error FROM lt_alert_outbox ORDER BY id"
        ) { r throws(RowDecodingError) in
            Outbox(
                kind: try r.decode("kind"), delivery: try r.decode("delivery", as: String?.self),
                attempts: try r.decode("attempts"), lastError: try r.decode("last_error", as: String?.self))
        }
    }

    static func message(_ body: String) throws -> String {
        let json = try jsonObject(body)
        let text = try #require(json["text"] as? String)
        #expect(json["content"] as? String == text, "Slack's text and Discord's content carry the same message")
        return text
    }

    @Test func anOrderThatBecomesUnknownIsPostedOnceAndNeverOnARerun() throws {
        let hook = try WebhookRecorder()
        defer { hook.stop() }
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.addSignal("ft-1", size: "15")
        try h.fault(#"{"method": "POST", "path": "/order", "kind": "drop_after_accept", "count": 1}"#)
        let env = ["LT_ALERT_WEBHOOK_URL": hook.url]
        let r = try h.execute(env: env)
        #expect(r.status == 1, "\(r.output)")  // an UNKNOWN order, as without a webhook
        #expect(try h.orders()["ft-1"]?.status == "UNKNOWN")
        #expect(hook.requests.count == 1)
        let text = try Self.message(try #require(hook.requests.first))
        #expect(text.contains("s1") && text.contains("UNKNOWN"), "\(text)")
        #expect(try Self.outbox(h).map(\.delivery) == ["SENT"])

        // Reruns of any job: the transition happened once, so did the message.
        #expect(try h.execute(env: env).status == 0)
        #expect(try h.lt(["daily-reset"], env: env).status == 0)
        #expect(hook.requests.count == 1)
        #expect(try Self.outbox(h).count == 1)
        #expect(!h.allOutput.contains(WebhookRecorder.secretPart), "the webhook URL appeared in lt's output")
    }

    @Test func aFailingWebhookNeverFailsTheJobAndIsDeliveredByALaterRun() throws {
        let hook = try WebhookRecorder()
        defer { hook.stop() }
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        // A drawdown breaker trips (the trigger fires on the transition, whichever code path makes it).
        try h.db.runScript(
            "UPDATE lt_strategies SET circuit_breaker_active = true, circuit_breaker_reason = 'DRAWDOWN 25%' WHERE strategy_id = 's1'"
        )
        // The webhook answers 500: the job's exit status is its own, the alert waits.
        hook.respond(with: 500)
        let first = try h.lt(["daily-reset"], env: ["LT_ALERT_WEBHOOK_URL": hook.url])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.stderr.contains("alert webhook failed"))
        #expect(hook.requests.count == 1)
        var rows = try Self.outbox(h)
        #expect(rows.count == 1 && rows[0].delivery == nil && rows[0].attempts == 1 && rows[0].lastError == "HTTP 500")

        // Nothing listens: connection refused, still not a failure of the job.
        let refused = try h.lt(
            ["daily-reset"], env: ["LT_ALERT_WEBHOOK_URL": "http://127.0.0.1:9/hooks/\(WebhookRecorder.secretPart)"])
        #expect(refused.status == 0, "\(refused.output)")
        rows = try Self.outbox(h)
        #expect(rows[0].delivery == nil && rows[0].attempts == 2)
        #expect(rows[0].lastError?.contains("transport error") == true, "\(rows[0].lastError ?? "")")

        // The webhook is back: the next run delivers it, and no run after that sends it again.
        hook.respond(with: 200)
        #expect(try h.lt(["daily-reset"], env: ["LT_ALERT_WEBHOOK_URL": hook.url]).status == 0)
        #expect(hook.requests.count == 2)
        let text = try Self.message(hook.requests[1])
        #expect(text.contains("circuit breaker") && text.contains("DRAWDOWN 25%"), "\(text)")
        #expect(try Self.outbox(h).map(\.delivery) == ["SENT"])
        #expect(try h.lt(["daily-reset"], env: ["LT_ALERT_WEBHOOK_URL": hook.url]).status == 0)
        #expect(hook.requests.count == 2)
        // Setting the breaker again is no transition: no new alert.
        try h.db.runScript("UPDATE lt_strategies SET circuit_breaker_active = true WHERE strategy_id = 's1'")
        #expect(try Self.outbox(h).count == 1)
        #expect(!h.allOutput.contains(WebhookRecorder.secretPart), "the webhook URL appeared in lt's output")
    }

    @Test func withoutAWebhookAlertsAreSetAsideAndNeverSentLater() throws {
        let hook = try WebhookRecorder()
        defer { hook.stop() }
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        try h.db.runScript(
            "UPDATE lt_strategies SET circuit_breaker_active = true, circuit_breaker_reason = 'DRAWDOWN' WHERE strategy_id = 's1'"
        )
        #expect(try h.lt(["daily-reset"]).status == 0)
        #expect(try Self.outbox(h).map(\.delivery) == ["NO_WEBHOOK"])
        #expect(try h.lt(["daily-reset"], env: ["LT_ALERT_WEBHOOK_URL": hook.url]).status == 0)
        #expect(hook.requests.isEmpty, "a webhook configured later is not flooded with old alerts")
        // Read-only commands never deliver (they hold no job lock).
        try h.db.runScript("UPDATE lt_strategies SET circuit_breaker_active = false WHERE strategy_id = 's1'")
        try h.db.runScript("UPDATE lt_strategies SET circuit_breaker_active = true WHERE strategy_id = 's1'")
        #expect(try h.lt(["status"], env: ["LT_ALERT_WEBHOOK_URL": hook.url]).status == 0)
        #expect(hook.requests.isEmpty)
        #expect(try h.lt(["daily-reset"], env: ["LT_ALERT_WEBHOOK_URL": hook.url]).status == 0)
        #expect(hook.requests.count == 1)
    }

    @Test func aFailedRedemptionIsOneAlertPerAttemptOfItsTransaction() throws {
        let hook = try WebhookRecorder()
        defer { hook.stop() }
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        // Two won rows of one (wallet, condition) fail in one redemption transaction: one message.
        try h.db.runScript(
            """
            INSERT INTO lt_orders (strategy_id, signal_key, side, status, condition_id, wallet, redemption_status)
            VALUES ('s1', 'a', 'BUY', 'FILLED', '0xc1', 'main', 'SUBMITTED'),
                   ('s1', 'b', 'BUY', 'FILLED', '0xc1', 'main', 'SUBMITTED');
            UPDATE lt_orders SET redemption_status = 'FAILED', redemption_error = 'execution reverted'
             WHERE signal_key IN ('a', 'b');
            """)
        #expect(try h.lt(["daily-reset"], env: ["LT_ALERT_WEBHOOK_URL": hook.url]).status == 0)
        #expect(hook.requests.count == 1)
        #expect(try Self.message(hook.requests[0]).contains("redemption failed"))
        // Its retry fails again: a new transition, a new message.
        try h.db.runScript(
            """
            UPDATE lt_orders SET redemption_status = 'SUBMITTED', redemption_attempts = 1 WHERE signal_key IN ('a', 'b');
            UPDATE lt_orders SET redemption_status = 'FAILED' WHERE signal_key IN ('a', 'b');
            """)
        #expect(try h.lt(["daily-reset"], env: ["LT_ALERT_WEBHOOK_URL": hook.url]).status == 0)
        #expect(hook.requests.count == 2)
    }
}
