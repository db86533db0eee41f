import Foundation
import Testing

@testable import LTCore

/// A venue that answers from memory; `books` fails when asked for "bad".
private final class FakeVenue: ExecutionVenue {
    var posts = 0

    func market(conditionId: String) throws(VenueError) -> VenueMarket? { nil }

    func books(tokenIds: [String]) throws(VenueError) -> [String: VenueBook] {
        if tokenIds.contains("bad") { throw VenueError(.unavailable, "no books") }
        return [:]
    }

    func signBuy(_ request: BuyOrderRequest) throws(VenueError) -> SignedBuy {
        SignedBuy(orderHash: "0xabc", requestedShares: Fixed6(micros: 20_000_000), payload: "{}")
    }

    func post(_ order: SignedBuy, orderType: OrderType, wallet: String) -> VenuePostResult {
        posts += 1
        return .unfilled(reason: "test")
    }
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
        let venue = TimedExecutionVenue(fake, timings: timings)
        let request = BuyOrderRequest(
            wallet: "main", tokenId: "1", negRisk: false, tickSize: Fixed6(micros: 10_000),
            limitPrice: Fixed6(micros: 500_000), amountUsd: Fixed6(micros: 10_000_000), orderType: .fok)
        let signed = try venue.signBuy(request)
        _ = try venue.signBuy(request)
        #expect(signed.orderHash == "0xabc")
        #expect(venue.post(signed, orderType: .fok, wallet: "main") == .unfilled(reason: "test"))
        #expect(fake.posts == 1)
        #expect(throws: VenueError.self) { try venue.books(tokenIds: ["bad"]) }
        _ = try venue.market(conditionId: "0x1")

        let report = timings.report
        #expect(report.signingCalls == 2)
        #expect(report.httpCalls == 3)  // post, the failed books call, market
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
