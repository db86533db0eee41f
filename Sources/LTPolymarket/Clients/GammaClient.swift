import Foundation
import LTCore
import LTHTTP

/// A Gamma market (protocol §7.1), the fields `lt` uses. `outcomes[i]` ↔ `clobTokenIDs[i]` ↔
/// `outcomePrices[i]`.
public struct GammaMarket: Sendable, Hashable, Decodable {
    public var id: String
    public var conditionID: String
    public var questionID: String?
    public var slug: String?
    public var question: String?
    public var active: Bool
    public var closed: Bool
    public var archived: Bool
    public var acceptingOrders: Bool
    public var enableOrderBook: Bool
    public var negRisk: Bool
    public var orderMinSize: Fixed6?
    public var orderPriceMinTickSize: Fixed6?
    public var endDate: String?
    public var closedTime: String?
    /// requested | proposed | disputed | resolved | settled, or "" / nil.
    public var umaResolutionStatus: String?
    /// "v1" / "v2" when the venue says.
    public var version: String?
    public var outcomes: [String]
    public var clobTokenIDs: [String]
    public var outcomePrices: [Fixed6]

    /// The token id for an outcome label (case-insensitive).
    public func tokenID(outcome label: String) -> String? {
        guard let i = outcomes.firstIndex(where: { $0.caseInsensitiveCompare(label) == .orderedSame }),
            i < clobTokenIDs.count
        else { return nil }
        return clobTokenIDs[i]
    }

    enum CodingKeys: String, CodingKey {
        case id, conditionID = "conditionId", questionID, slug, question, active, closed, archived, acceptingOrders
        case enableOrderBook, negRisk, orderMinSize, orderPriceMinTickSize, endDate, closedTime
        case umaResolutionStatus, version, outcomes, clobTokenIDs = "clobTokenIds", outcomePrices
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.looseString(.id) ?? ""
        conditionID = try c.requiredString(.conditionID, of: "market")
        questionID = try c.looseString(.questionID)
        slug = try c.looseString(.slug)
        question = try c.looseString(.question)
        active = try c.looseBool(.active, default: true)
        closed = try c.looseBool(.closed)
        archived = try c.looseBool(.archived)
        acceptingOrders = try c.looseBool(.acceptingOrders, default: true)
        enableOrderBook = try c.looseBool(.enableOrderBook, default: true)
        negRisk = try c.looseBool(.negRisk)
        orderMinSize = try c.decimalIfPresent(.orderMinSize)
        orderPriceMinTickSize = try c.decimalIfPresent(.orderPriceMinTickSize)
        endDate = try c.looseString(.endDate)
        closedTime = try c.looseString(.closedTime)
        umaResolutionStatus = try c.looseString(.umaResolutionStatus)
        version = try c.looseString(.version)
        outcomes = try c.stringArray(.outcomes)
        clobTokenIDs = try c.stringArray(.clobTokenIDs)
        do {
            outcomePrices = try c.stringArray(.outcomePrices).map { try Fixed6(parsing: $0, rounding: .halfEven) }
        } catch let error as Fixed6Error {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath + [CodingKeys.outcomePrices], debugDescription: error.description))
        }
    }
}

/// Gamma (`https://gamma-api.polymarket.com`): market metadata and resolution fallback.
public final class GammaClient {
    public let baseURL: String
    public let http: HTTPClient
    public var readPolicy: RetryPolicy

    public init(baseURL: String, http: HTTPClient, readPolicy: RetryPolicy = .default) {
        self.baseURL = baseURL
        self.http = http
        self.readPolicy = readPolicy
    }

    /// `GET /markets?condition_ids=…` (one repeated parameter per id, at most `batchSize` ids per
    /// request). Markets the venue does not know are simply absent from the answer.
    public func markets(conditionIDs: [String], batchSize: Int = 20) throws(HTTPError) -> [GammaMarket] {
        var all: [GammaMarket] = []
        var start = 0
        while start < conditionIDs.count {
            let batch = conditionIDs[start..<min(start + max(1, batchSize), conditionIDs.count)]
            let url = URLBuilder.url(baseURL, "/markets", query: batch.map { ("condition_ids", $0) })
            all += try http.fetchJSON(.get(url), as: [GammaMarket].self, policy: readPolicy)
            start += batch.count
        }
        return all
    }
}
