import Foundation
import LTCore
import LTHTTP

/// A row of the Data API's `/v2/positions` (protocol §7.2): the fields leader mirroring reads.
public struct PositionV2: Sendable, Hashable, Decodable {
    public var tokenID: String
    public var conditionID: String
    public var currentSize: Fixed6

    enum CodingKeys: String, CodingKey {
        case tokenID = "token_id", conditionID = "condition_id", currentSize = "current_size"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tokenID = try c.looseString(.tokenID) ?? ""
        conditionID = try c.looseString(.conditionID) ?? ""
        currentSize = try c.decimalIfPresent(.currentSize) ?? .zero
    }
}

/// `/v2/positions`' envelope: `{"data":[…],"pagination":{"has_more","next_cursor"}}`.
struct PositionsPageV2: Decodable {
    struct Pagination: Decodable {
        var hasMore: Bool?
        var nextCursor: String?
        enum CodingKeys: String, CodingKey { case hasMore = "has_more", nextCursor = "next_cursor" }
    }
    var data: [PositionV2]
    var pagination: Pagination?
}

extension DataAPIClient {
    /// `GET /v2/positions?user=…&condition_id=…` (at most 20 conditions per request, so the list is
    /// sent in chunks), paged by cursor — or by offset when the server gives no cursor — until
    /// `has_more` is false, at most `maxPages` pages per chunk.
    public func positionsV2(user: String, conditionIDs: [String], pageSize: Int = 1000, maxPages: Int = 20)
        throws(HTTPError) -> [PositionV2]
    {
        var all: [PositionV2] = []
        let chunks: [[String]] =
            conditionIDs.isEmpty
            ? [[]]
            : stride(from: 0, to: conditionIDs.count, by: 20).map {
                Array(conditionIDs[$0..<min($0 + 20, conditionIDs.count)])
            }
        for chunk in chunks {
            var cursor: String? = nil
            var offset = 0
            for _ in 0..<max(1, maxPages) {
                var query = [("user", user), ("limit", String(pageSize))]
                if !chunk.isEmpty { query.append(("condition_id", chunk.joined(separator: ","))) }
                if let cursor {
                    query.append(("cursor", cursor))
                } else if offset > 0 {
                    query.append(("offset", String(offset)))
                }
                let page = try http.fetchJSON(
                    .get(URLBuilder.url(baseURL, "/v2/positions", query: query)), as: PositionsPageV2.self,
                    policy: readPolicy)
                all += page.data
                guard page.pagination?.hasMore == true, !page.data.isEmpty else { break }
                cursor = page.pagination?.nextCursor
                offset += page.data.count
            }
        }
        return all
    }
}

/// LTCore's `LeaderPositionReading` over the Data API: `/v2/positions` first; the classic
/// `/positions` when the v2 path is missing (404) or answers in a shape it does not know.
public final class DataAPILeaderPositions: LeaderPositionReading {
    let client: DataAPIClient

    public init(client: DataAPIClient) { self.client = client }

    public func positions(leader: String, conditionIDs: [String]) throws(VenueError) -> [LeaderPosition] {
        do {
            return try client.positionsV2(user: leader, conditionIDs: conditionIDs).map {
                LeaderPosition(conditionID: $0.conditionID, tokenID: $0.tokenID, size: $0.currentSize)
            }
        } catch {
            switch error {
            case .status(_, 404, _), .malformedBody: break
            default: throw VenueError(.unavailable, "leader \(leader) positions: \(error)")
            }
        }
        do {
            return try client.positions(user: leader, conditionIDs: conditionIDs).map {
                LeaderPosition(conditionID: $0.conditionID, tokenID: $0.asset, size: $0.size)
            }
        } catch {
            throw VenueError(.unavailable, "leader \(leader) positions (classic): \(error)")
        }
    }
}
