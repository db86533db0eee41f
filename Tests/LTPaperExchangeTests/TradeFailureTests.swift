import Foundation
import LTCore
import Testing

@testable import LTPaperExchange

/// Forced trade settlement (docs/paper-exchange.md "trade-status"): FAILED undoes the trade's
/// balance changes once and is final; RETRYING then CONFIRMED only changes what trades report.
@Suite struct TradeFailureTests {
    @Test func aFailedBuyGivesTheCollateralAndFeeBackAndTakesTheSharesOnce() throws {
        var s = TestScenario()
        s.fee = (rate: "0.02", exponent: 1, takerOnly: true)
        let ex = try s.exchange()
        var t = try Trader()
        let sharesBefore = ex.shares(TestKey.address, TestScenario.yes)
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("40"), takerAmount: units("78.4313"))
        #expect(ex.handle(t.post(o, .fok)).status == 200)
        #expect(ex.collateral(TestKey.address) == "959.6")
        let id = try #require(ex.handle(t.get("/data/trades")).json?["data"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(ex.control("trade-status", .object([("status", "FAILED"), ("trade_id", .string(id))])).status == 200)
        #expect(ex.collateral(TestKey.address) == "1000")
        #expect(ex.shares(TestKey.address, TestScenario.yes) == sharesBefore)
        #expect(ex.handle(t.get("/data/trades")).json?["data"]?.arrayValue?.first?["status"]?.stringValue == "FAILED")
        // Final: forcing it again reverses nothing twice and cannot revive it.
        #expect(ex.control("trade-status", .object([("status", "FAILED")])).status == 200)
        #expect(ex.collateral(TestKey.address) == "1000")
        #expect(
            ex.control("trade-status", .object([("status", "CONFIRMED"), ("trade_id", .string(id))])).status == 400)
    }

    @Test func retryingThenConfirmedMovesNothing() throws {
        let ex = try TestScenario().exchange()
        var t = try Trader()
        let o = try t.order(.buy, token: TestScenario.yes, makerAmount: units("5"), takerAmount: units("10"))
        #expect(ex.handle(t.post(o, .fok)).status == 200)
        let before = ex.collateral(TestKey.address)
        func status() -> String? {
            ex.handle(t.get("/data/trades")).json?["data"]?.arrayValue?.first?["status"]?.stringValue
        }
        _ = ex.control("trade-status", .object([("status", "RETRYING")]))
        #expect(status() == "RETRYING")
        _ = ex.control("trade-status", .object([("status", "CONFIRMED")]))
        #expect(status() == "CONFIRMED")
        #expect(ex.collateral(TestKey.address) == before)
    }
}
