import Foundation
import LTCore
import LTHTTP

/// A row of the Data API's classic `/positions` (protocol §7.2). Numbers arrive as JSON numbers
/// and are read exactly through their text, rounded half-even to 6 decimals.
public struct Position: Sendable, Hashable, Decodable {
    public var proxyWallet: String
    /// Token id.
    public var asset: String
    public var conditionID: String
    public var outcome: String?
    public var outcomeIndex: Int?
    /// Shares held.
    public var size: Fixed6
    public var avgPrice: Fixed6?
    public var curPrice: Fixed6?
    public var initialValue: Fixed6?
    public var currentValue: Fixed6?
    public var cashPnl: Fixed6?
    public var realizedPnl: Fixed6?
    public var redeemable: Bool
    public var mergeable: Bool
    public var negativeRisk: Bool
    public var title: String?
    public var slug: String?
    public var endDate: String?

    enum CodingKeys: String, CodingKey {
        case proxyWallet, asset, conditionID = "conditionId", outcome, outcomeIndex, size, avgPrice, curPrice,
            initialValue
        case currentValue, cashPnl, realizedPnl, redeemable, mergeable, negativeRisk, title, slug, endDate
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        proxyWallet = try c.looseString(.proxyWallet) ?? ""
        asset = try c.looseString(.asset) ?? ""
        conditionID = try c.looseString(.conditionID) ?? ""
        outcome = try c.looseString(.outcome)
        outcomeIndex = try c.looseString(.outcomeIndex).flatMap { Int($0) }
        size = try c.decimal(.size)
        avgPrice = try c.decimalIfPresent(.avgPrice)
        curPrice = try c.decimalIfPresent(.curPrice)
        initialValue = try c.decimalIfPresent(.initialValue)
        currentValue = try c.decimalIfPresent(.currentValue)
        cashPnl = try c.decimalIfPresent(.cashPnl)
        realizedPnl = try c.decimalIfPresent(.realizedPnl)
        redeemable = try c.looseBool(.redeemable)
        mergeable = try c.looseBool(.mergeable)
        negativeRisk = try c.looseBool(.negativeRisk)
        title = try c.looseString(.title)
        slug = try c.looseString(.slug)
        endDate = try c.looseString(.endDate)
    }
}

/// The Data API (`https://data-api.polymarket.com`): leaders' positions for exit mirroring.
public final class DataAPIClient {
    public let baseURL: String
    public let http: HTTPClient
    public var readPolicy: RetryPolicy

    public init(baseURL: String, http: HTTPClient, readPolicy: RetryPolicy = .default) {
        self.baseURL = baseURL
        self.http = http
        self.readPolicy = readPolicy
    }

    /// Every position of `user` (`GET /positions?user=…`, paged by `limit`/`offset` until a short
    /// page, at most `maxPages`), optionally only for some condition ids.
    public func positions(
        user: String, conditionIDs: [String] = [], pageSize: Int = 500, maxPages: Int = 20
    ) throws(HTTPError) -> [Position] {
        var all: [Position] = []
        let limit = max(1, pageSize)
        for page in 0..<max(1, maxPages) {
            var query = [("user", user), ("limit", String(limit)), ("offset", String(page * limit))]
            if !conditionIDs.isEmpty { query.append(("market", conditionIDs.joined(separator: ","))) }
            let rows = try http.fetchJSON(
                .get(URLBuilder.url(baseURL, "/positions", query: query)), as: [Position].self, policy: readPolicy)
            all += rows
            if rows.count < limit { break }
        }
        return all
    }
}
