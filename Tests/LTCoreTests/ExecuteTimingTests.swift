import Foundation
import Testing

@testable import LTCore

/// A venue that answers from memory; `books` fails when asked for "bad".
private final class FakeVenue: TradingVenue {
    var posts = 0

    func market(conditionID: String) throws(VenueError) -> VenueMarket? { nil }
    func feeSchedule(conditionID: String) throws(VenueError) -> FeeSchedule { .free }

    func books(tokenIDs: [String]) throws(VenueError) -> [String: VenueBook] {
        if tokenIDs.contains("bad") { throw VenueError(.unavailable, "no books") }
        return [:]
    }

    func sign(_ request: OrderRequest) throws(VenueError) -> SignedVenueOrder {
        SignedVenueOrder(
            request: request, orderHash: "0xabc", makerAmount: request.amount, takerAmount: Fixed6(micros: 20_000_000),
            payload: "{}")
    }

    func post(_ order: SignedVenueOrder) -> VenuePostResult {
        posts += 1
        return .unfilled(reason: "test")
    }

    func detachedPost(_ order: SignedVenueOrder) -> @Sendable () -> VenuePostResult { { .unfilled(reason: "test") } }

    func order(hash: String, wallet: String) throws(VenueError) -> VenueOrder? { nil }
    func trades(orderHash hash: String, market conditionID: String?, wallet: String) throws(VenueError)
        -> [VenueTrade]
    { [] }
    func trades(wallet: String, orderHashes: Set<String>, after: Date?) throws(VenueError)
        -> [String: [VenueTrade]]
    { [:] }
    func cancel(orderHash hash: String, wallet: String) throws(VenueError) -> Bool { false }
    func balance(wallet: String, tokenID: String?) throws(VenueError) -> Fixed6 { .zero }
}

private struct FakeSummary: JobSummary {
    var placed = 3
    var failedCount: Int { 1 }
    var textLines: [String] { ["placed 3"] }
}

@Suite struct ExecuteTimingTests {
    @Test func venueCallsAreCountedByKindAndErrorsPassThrough() throws {
        let timings = StageTimings()
        let fake = FakeVenue()
        let venue = TimedVenue(fake, timings: timings)
        let request = OrderRequest(
            wallet: "main", side: .buy, tokenID: "1", negRisk: false, tickSize: Fixed6(micros: 10_000),
            limitPrice: Fixed6(micros: 500_000), amount: Fixed6(micros: 10_000_000), orderType: .fok)
        let signed = try venue.sign(request)
        _ = try venue.sign(request)
        #expect(signed.orderHash == "0xabc")
        #expect(venue.post(signed) == .unfilled(reason: "test"))
        #expect(fake.posts == 1)
        #expect(throws: VenueError.self) { try venue.books(tokenIDs: ["bad"]) }
        _ = try venue.market(conditionID: "0x1")
        _ = try venue.feeSchedule(conditionID: "0x1")
        _ = try venue.order(hash: "0xabc", wallet: "main")
        _ = try venue.trades(orderHash: "0xabc", market: nil, wallet: "main")
        _ = try venue.cancel(orderHash: "0xabc", wallet: "main")
        _ = try venue.balance(wallet: "main", tokenID: nil)

        let report = timings.report
        #expect(report.signingCalls == 2)
        // post, the failed books call, market, fee schedule, order, trades, cancel, balance
        #expect(report.httpCalls == 8)
        #expect(report.dbCalls == 0 && report.dbUs == 0)
        #expect(report.httpUs >= 0 && report.signingUs >= 0)
    }

    @Test func summaryKeepsTheJobsFieldsAndAddsTimings() throws {
        let timings = StageTimings()
        _ = timings.measure(.database) { 1 }
        let summary = TimedJobSummary(FakeSummary(), timings: timings.report)
        #expect(summary.failedCount == 1)
        #expect(summary.textLines == ["placed 3"])

        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let object = try JSONSerialization.jsonObject(with: encoder.encode(summary)) as? [String: Any]
        #expect(object?["placed"] as? Int == 3)
        let t = object?["timings"] as? [String: Any]
        #expect(t?["db_calls"] as? Int == 1)
        #expect(t?["http_calls"] as? Int == 0)
        #expect(t?["signing_us"] as? Int == 0)
        #expect(t?["db_us"] != nil && t?["http_us"] != nil)
    }
}
