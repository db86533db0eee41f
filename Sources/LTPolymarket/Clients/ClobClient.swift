import Foundation
import LTChain
import LTCore
import LTHTTP

/// Why an authenticated CLOB call failed: the exchange itself (`http`), or building the request
/// (`signing`, e.g. an L1 signature). Messages never contain keys, secrets or passphrases.
public enum ClobClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case http(HTTPError)
    case signing(String)

    public var description: String {
        switch self {
        case .http(let e): return e.description
        case .signing(let m): return "signing failed: \(m)"
        }
    }
}

/// The Polymarket CLOB (protocol §6). Blocking, one `HTTPClient` per client; not Sendable.
///
/// Reads (`book`, `books`, `market`, `order`, `trades`) retry per `readPolicy`; `postOrder` and
/// `cancel` are sent exactly once — a POST /order is never repeated by this client.
public final class ClobClient {
    public let baseURL: String
    public let http: HTTPClient
    public var readPolicy: RetryPolicy
    /// Unix seconds for L1/L2 timestamps.
    public let now: () -> Int64
    /// The chain id signed into L1 headers.
    public let chainID: Int

    public init(
        baseURL: String, http: HTTPClient, readPolicy: RetryPolicy = .default, chainID: Int = 137,
        now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.baseURL = baseURL
        self.http = http
        self.readPolicy = readPolicy
        self.chainID = chainID
        self.now = now
    }

    // MARK: Public market data

    /// `GET /book?token_id=`.
    public func book(tokenID: String) throws(HTTPError) -> OrderBook {
        try http.fetchJSON(.get(url("/book", [("token_id", tokenID)])), as: OrderBook.self, policy: readPolicy)
    }

    /// `POST /books` with `[{"token_id": …}]` (a read: retried like a GET). Books come back in the
    /// venue's order; tokens without a book are absent.
    public func books(tokenIDs: [String]) throws(HTTPError) -> [OrderBook] {
        guard !tokenIDs.isEmpty else { return [] }
        let body = "[" + tokenIDs.map { #"{"token_id":"# + JSONText.quoted($0) + "}" }.joined(separator: ",") + "]"
        return try http.fetchJSON(.json(.post, url("/books"), body: body), as: [OrderBook].self, policy: readPolicy)
    }

    /// `GET /markets/{condition_id}`.
    public func market(conditionID: String) throws(HTTPError) -> ClobMarket {
        let path = "/markets/" + URLBuilder.escape(conditionID)
        return try http.fetchJSON(.get(url(path)), as: ClobMarket.self, policy: readPolicy)
    }

    /// `GET /time`: the exchange's clock, Unix seconds.
    public func serverTime() throws(HTTPError) -> Int64 {
        let request = HTTPRequest.get(url("/time"))
        let response = try http.sendIdempotent(request, policy: readPolicy).requireSuccess(for: request)
        // The venue answers a bare JSON number.
        return try response.decode(Int64.self, for: request)
    }

    /// `GET /version`: the exchange version the venue signs for (`{"version": 2}`, protocol §0).
    public func exchangeVersion() throws(HTTPError) -> Int {
        try http.fetchJSON(.get(url("/version")), as: VersionAnswer.self, policy: readPolicy).version
    }

    /// `GET /clob-markets/{condition_id}`: the compact market record (tokens, tick, fee schedule).
    public func clobMarket(conditionID: String) throws(HTTPError) -> CompactMarket {
        let path = "/clob-markets/" + URLBuilder.escape(conditionID)
        return try http.fetchJSON(.get(url(path)), as: CompactMarket.self, policy: readPolicy)
    }

    // MARK: Trading (L2)

    /// `POST /order` with `body` (the exact JSON text from `SignedOrder.postBody`, which is also
    /// what the HMAC signs). Sent once; every answer, including transport failures, becomes a
    /// `PostOrderOutcome` — this never throws.
    public func postOrder(body: String, credentials: ApiCredentials, address: Address) -> PostOrderOutcome {
        let request = postOrderRequest(body: body, credentials: credentials, address: address)
        do {
            return PostOrderOutcome.classify(.success(try http.send(request)))
        } catch {
            return PostOrderOutcome.classify(.failure(error))
        }
    }

    /// `GET /data/order/{id}`; nil when the venue does not know the order (404, or an empty or
    /// `null` body — filled orders can drop out of this endpoint: check `trades` too).
    public func order(id: String, credentials: ApiCredentials, address: Address) throws(HTTPError) -> OpenOrder? {
        let request = orderRequest(id: id, credentials: credentials, address: address)
        let response = try http.sendIdempotent(request, policy: readPolicy)
        if response.status == 404 { return nil }
        let ok = try response.requireSuccess(for: request)
        let text = ok.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text == "null" || text == "{}" || text == "\"\"" { return nil }
        let order = try ok.decode(OpenOrder.self, for: request)
        return order.id.isEmpty ? nil : order
    }

    /// `GET /data/trades`, following `next_cursor` from "MA==" until "LTE=" (or `maxPages`).
    public func trades(
        _ query: TradeQuery = TradeQuery(), credentials: ApiCredentials, address: Address, maxPages: Int = 100
    ) throws(HTTPError) -> [Trade] {
        var cursor = Self.firstCursor
        var all: [Trade] = []
        for _ in 0..<max(1, maxPages) {
            // Fresh headers per page: the timestamp must be current.
            let request = tradesRequest(query, cursor: cursor, credentials: credentials, address: address)
            let page = try http.fetchJSON(request, as: TradePage.self, policy: readPolicy)
            all += page.data
            guard let next = page.nextCursor, !next.isEmpty, next != Self.endCursor, next != cursor else { break }
            cursor = next
        }
        return all
    }

    /// `GET /data/orders`: this API key's open orders, following `next_cursor`.
    public func openOrders(
        market: String? = nil, assetID: String? = nil, credentials: ApiCredentials, address: Address,
        maxPages: Int = 100
    ) throws(HTTPError) -> [OpenOrder] {
        let path = "/data/orders"
        var query: [(String, String)] = []
        if let market { query.append(("market", market)) }
        if let assetID { query.append(("asset_id", assetID)) }
        var cursor = Self.firstCursor
        var all: [OpenOrder] = []
        for _ in 0..<max(1, maxPages) {
            let request = HTTPRequest.get(
                url(path, query + [("next_cursor", cursor)]),
                headers: l2Headers(credentials, address, method: .get, path: path))
            let page = try http.fetchJSON(request, as: OrderPage.self, policy: readPolicy)
            all += page.data
            guard let next = page.nextCursor, !next.isEmpty, next != Self.endCursor, next != cursor else { break }
            cursor = next
        }
        return all
    }

    /// `GET /balance-allowance`: collateral (no token) or a conditional token's balance for the
    /// funds of `signatureType`, in whole units (the venue answers base units, 6 decimals).
    public func balance(
        tokenID: String? = nil, signatureType: SignatureType, credentials: ApiCredentials, address: Address
    ) throws(HTTPError) -> Fixed6 {
        let path = "/balance-allowance"
        var query = [("asset_type", tokenID == nil ? "COLLATERAL" : "CONDITIONAL")]
        if let tokenID { query.append(("token_id", tokenID)) }
        query.append(("signature_type", String(signatureType.rawValue)))
        let request = HTTPRequest.get(
            url(path, query), headers: l2Headers(credentials, address, method: .get, path: path))
        let answer = try http.fetchJSON(request, as: BalanceAnswer.self, policy: readPolicy)
        return answer.balance
    }

    /// `GET /auth/ban-status/closed-only` (L2): whether the account may only reduce positions.
    public func closedOnly(credentials: ApiCredentials, address: Address) throws(HTTPError) -> Bool {
        let path = "/auth/ban-status/closed-only"
        let request = HTTPRequest.get(url(path), headers: l2Headers(credentials, address, method: .get, path: path))
        return try http.fetchJSON(request, as: ClosedOnlyAnswer.self, policy: readPolicy).closedOnly
    }

    /// `DELETE /order` with `{"orderID": …}`. Not retried (the caller re-checks with `order`).
    public func cancel(orderID: String, credentials: ApiCredentials, address: Address) throws(HTTPError)
        -> CancelResult
    {
        let request = cancelRequest(orderID: orderID, credentials: credentials, address: address)
        return try http.send(request).requireSuccess(for: request).decode(CancelResult.self, for: request)
    }

    // MARK: API credentials (L1)

    /// Creates API credentials (`POST /auth/api-key`) or, when that fails (the key exists),
    /// derives the existing ones (`GET /auth/derive-api-key`). The answer's secret is never quoted
    /// in an error.
    public func deriveApiKey(key: PrivateKey, nonce: UInt64 = 0) throws(ClobClientError) -> ApiCredentials {
        func attempt(_ method: HTTPMethod, _ path: String) throws(ClobClientError) -> HTTPResponse {
            let headers: [(String, String)]
            do {
                headers = try L1Auth.headers(key: key, timestamp: now(), nonce: nonce, chainID: chainID)
            } catch {
                throw .signing(String(describing: error))
            }
            // No body on either call (as the official clients send them).
            let request = HTTPRequest(
                method: method, url: url(path), headers: headers.map { HTTPHeader($0.0, $0.1) },
                sensitiveResponse: true)
            do {
                // Creating is a state change but idempotent per (key, nonce); still, send once.
                return try method == .get ? http.sendIdempotent(request, policy: readPolicy) : http.send(request)
            } catch {
                throw .http(error)
            }
        }
        func credentials(_ response: HTTPResponse, _ path: String) throws(ClobClientError) -> ApiCredentials {
            let request = HTTPRequest(method: .get, url: url(path), sensitiveResponse: true)
            do {
                return try response.requireSuccess(for: request).decode(ApiCredentials.self, for: request)
            } catch {
                throw .http(error)
            }
        }
        // Any failure to create (the key exists, a transient error) falls through to deriving.
        if let created = try? attempt(.post, "/auth/api-key"), created.isSuccess,
            let creds = try? credentials(created, "/auth/api-key")
        {
            return creds
        }
        return try credentials(attempt(.get, "/auth/derive-api-key"), "/auth/derive-api-key")
    }

    // MARK: Requests (built separately so tests can pin them to the official clients' vectors)

    func postOrderRequest(body: String, credentials: ApiCredentials, address: Address) -> HTTPRequest {
        let headers = l2Headers(credentials, address, method: .post, path: "/order", body: body)
        return HTTPRequest.json(.post, url("/order"), body: body, headers: headers)
    }

    func orderRequest(id: String, credentials: ApiCredentials, address: Address) -> HTTPRequest {
        let path = "/data/order/" + URLBuilder.escape(id)
        return HTTPRequest.get(url(path), headers: l2Headers(credentials, address, method: .get, path: path))
    }

    /// The L2 signature covers the path without the query string.
    func tradesRequest(_ query: TradeQuery, cursor: String, credentials: ApiCredentials, address: Address)
        -> HTTPRequest
    {
        let path = "/data/trades"
        return HTTPRequest.get(
            url(path, query.queryItems + [("next_cursor", cursor)]),
            headers: l2Headers(credentials, address, method: .get, path: path))
    }

    func cancelRequest(orderID: String, credentials: ApiCredentials, address: Address) -> HTTPRequest {
        let body = #"{"orderID":"# + JSONText.quoted(orderID) + "}"
        let headers = l2Headers(credentials, address, method: .delete, path: "/order", body: body)
        return HTTPRequest.json(.delete, url("/order"), body: body, headers: headers)
    }

    // MARK: Helpers

    static let firstCursor = "MA=="
    static let endCursor = "LTE="

    func url(_ path: String, _ query: [(String, String)] = []) -> String {
        URLBuilder.url(baseURL, path, query: query)
    }

    func l2Headers(
        _ credentials: ApiCredentials, _ address: Address, method: HTTPMethod, path: String, body: String? = nil
    ) -> [HTTPHeader] {
        L2Auth.headers(
            credentials: credentials, address: address, timestamp: now(), method: method.rawValue,
            requestPath: path, body: body
        ).map { HTTPHeader($0.0, $0.1) }
    }
}

/// One page of `/data/trades`.
struct TradePage: Decodable {
    var data: [Trade]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey { case data, next_cursor }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decodeIfPresent([Trade].self, forKey: .data) ?? []
        nextCursor = try c.looseString(.next_cursor)
    }
}

/// One page of `/data/orders`.
struct OrderPage: Decodable {
    var data: [OpenOrder]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey { case data, next_cursor }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decodeIfPresent([OpenOrder].self, forKey: .data) ?? []
        nextCursor = try c.looseString(.next_cursor)
    }
}

/// `{"balance": "<base units>", "allowances": {...}}`.
struct BalanceAnswer: Decodable {
    var balance: Fixed6

    enum CodingKeys: String, CodingKey { case balance }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let text = try c.looseString(.balance), let units = Int64(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath + [CodingKeys.balance], debugDescription: "expected integer base units"))
        }
        balance = Fixed6(micros: units)
    }
}

/// `{"version": N}`.
struct VersionAnswer: Decodable {
    var version: Int
}

/// `{"closed_only": bool}`.
struct ClosedOnlyAnswer: Decodable {
    var closedOnly: Bool

    enum CodingKeys: String, CodingKey { case closedOnly = "closed_only" }
}
