import Foundation
import LTCore
import Synchronization

/// The local Polymarket-compatible exchange: CLOB, Gamma, Data API, JSON-RPC chain and the
/// control API, all over one state guarded by one lock. `handle` is synchronous and pure CPU, so
/// tests can drive it in-process; `PaperServer` puts it behind HTTP.
public final class PaperExchange: Sendable {
    let state: Mutex<ExchangeState>
    /// The scenario loaded first (what `POST /_control/scenario` with an empty body resets to).
    let initial: Mutex<PaperScenario>

    public init(scenario: PaperScenario) {
        state = Mutex(ExchangeState(scenario: scenario, realNowMs: PaperExchange.realNowMs()))
        initial = Mutex(scenario)
    }

    public convenience init(scenarioFile path: String) throws {
        self.init(scenario: try PaperScenario.load(path: path))
    }

    static func realNowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The scenario clock, in ms.
    public var nowMs: Int64 { state.withLock { $0.nowMs(realNowMs: PaperExchange.realNowMs()) } }

    /// Takes the fault armed for this request, if any (one use of its count), and counts the
    /// request (`GET /_control/requests`).
    public func takeFault(method: String, path: String) -> PaperFault? {
        state.withLock { s in
            s.requestCounts["\(method.uppercased()) \(path)", default: 0] += 1
            guard let i = s.faults.firstIndex(where: { $0.matches(method: method.uppercased(), path: path) }) else {
                return nil
            }
            let f = s.faults[i]
            if let r = f.remaining {
                if r <= 1 { s.faults.remove(at: i) } else { s.faults[i].remaining = r - 1 }
            }
            return f
        }
    }

    /// Answers one request. `fault` names a fault the transport will apply to the answer (it is
    /// written into the order log, so a dropped answer is still on record).
    public func handle(_ req: PaperRequest, fault: String? = nil) -> PaperResponse {
        if req.path.hasPrefix("/_control/") || req.path == "/_control" {
            return handleControl(req)
        }
        return state.withLock { s in
            let now = s.nowMs(realNowMs: PaperExchange.realNowMs())
            s.runDueEvents(now: now)
            return s.route(req, now: now, fault: fault)
        }
    }
}

extension ExchangeState {
    // MARK: Routing (CLOB, Gamma, Data API, JSON-RPC)

    mutating func route(_ req: PaperRequest, now: Int64, fault: String?) -> PaperResponse {
        let path = req.path.count > 1 && req.path.hasSuffix("/") ? String(req.path.dropLast()) : req.path
        let segments = path.split(separator: "/").map(String.init)
        switch (req.method, path) {
        case ("GET", "/"), ("GET", "/ok"): return PaperResponse(headers: [("Content-Type", "text/plain")], body: "OK")
        case ("GET", "/version"): return .json(.object([("version", .int(exchangeVersion))]))
        case ("GET", "/time"): return .json(.int(now / 1000))
        case ("GET", "/book"):
            guard let token = req.query("token_id"), let b = bookJSON(token: token) else {
                return .error(404, "No orderbook exists for the requested token id")
            }
            return .json(b)
        case ("POST", "/books"):
            guard let body = try? JSON.parse(req.body), let items = body.arrayValue else {
                return .error(400, "Invalid payload")
            }
            return .json(.array(items.compactMap { $0["token_id"]?.textValue.flatMap { bookJSON(token: $0) } }))
        case ("GET", "/tick-size"):
            guard let m = req.query("token_id").flatMap({ market(forToken: $0) }) else {
                return .error(404, "market not found")
            }
            return .json(.object([("minimum_tick_size", .number(m.tickSize.plainText))]))
        case ("GET", "/neg-risk"):
            guard let m = req.query("token_id").flatMap({ market(forToken: $0) }) else {
                return .error(404, "market not found")
            }
            return .json(.object([("neg_risk", .bool(m.negRisk))]))
        case ("GET", "/fee-rate"):
            return .json(.object([("base_fee", .int(0))]))
        case ("GET", "/midpoint"), ("GET", "/price"), ("GET", "/last-trade-price"), ("GET", "/spread"):
            return priceQuery(req, path: path)
        case ("POST", "/midpoints"), ("POST", "/prices"), ("POST", "/spreads"), ("POST", "/last-trades-prices"):
            return batchPriceQuery(req, path: path)
        case ("GET", "/deployed"):
            return deployed(req)
        case ("GET", "/markets") where req.query("next_cursor") != nil:
            // The CLOB's paginated market list (its clients always send next_cursor; Gamma's
            // /markets never takes it): every market on one page.
            let rows = marketIDs.compactMap { markets[$0] }.map(clobMarketJSON)
            return .json(
                .object([
                    ("limit", .int(rows.count)), ("count", .int(rows.count)), ("next_cursor", "LTE="),
                    ("data", .array(rows)),
                ]))
        case ("GET", "/markets"), ("GET", "/markets/keyset"):
            return gammaMarkets(req, keyset: path == "/markets/keyset")
        case ("GET", "/positions"):
            return dataPositions(req, v2: false)
        case ("GET", "/v2/positions"):
            return dataPositions(req, v2: true)
        case ("POST", "/rpc"):
            return rpc(req, now: now)
        default: break
        }
        // Gamma's single-market paths share the /markets prefix with the CLOB's: a Gamma id is a
        // small decimal number, a CLOB condition id is 0x-hex, so the segment says which API is meant.
        if req.method == "GET", segments.count == 3, segments[0] == "markets", segments[1] == "slug" {
            guard let i = marketIDs.firstIndex(where: { markets[$0]?.slug == segments[2] }),
                let m = markets[marketIDs[i]]
            else { return .error(404, "market not found") }
            return .json(gammaMarketJSON(m, index: i))
        }
        if req.method == "GET", segments.count == 2, segments[0] == "markets" {
            if let n = Int(segments[1]), !segments[1].hasPrefix("0x") {
                guard n >= 1, n <= marketIDs.count, let m = markets[marketIDs[n - 1]] else {
                    return .error(404, "market not found")
                }
                return .json(gammaMarketJSON(m, index: n - 1))
            }
            guard let m = market(segments[1]) else { return .error(404, "market not found") }
            return .json(clobMarketJSON(m))
        }
        if req.method == "GET", segments.count == 2, segments[0] == "clob-markets" {
            guard let m = market(segments[1]) else { return .error(404, "market not found") }
            return .json(compactMarketJSON(m))
        }
        if req.method == "GET", segments.count == 2, segments[0] == "markets-by-token" {
            guard let m = market(forToken: segments[1]) else { return .error(404, "market not found") }
            return .json(.object([("condition_id", .string(m.conditionID))]))
        }
        if path.hasPrefix("/auth/") { return auth(req, path: path) }
        // Everything else is an L2 endpoint.
        let known: Set<String> = [
            "POST /order", "POST /orders", "DELETE /order", "DELETE /orders", "DELETE /cancel-all",
            "DELETE /cancel-market-orders",
            "GET /data/orders", "GET /data/trades", "GET /balance-allowance", "GET /balance-allowance/update",
        ]
        let isOrderLookup =
            req.method == "GET" && segments.count == 3 && segments[0] == "data" && segments[1] == "order"
        guard known.contains("\(req.method) \(path)") || isOrderLookup else {
            return .error(404, "not found: \(req.method) \(path)")
        }
        let auth: (apiKey: String, eoa: String)
        switch authenticate(req) {
        case .success(let a): auth = a
        case .failure(let e):
            if path == "/order" && req.method == "POST" {
                logOrder(req, orderID: nil, response: e.response, now: now, fault: fault)
            }
            return e.response
        }
        switch (req.method, path) {
        case ("POST", "/order"):
            let outcome: Outcome
            if let body = try? JSON.parse(req.body) {
                outcome = postOrder(body: body, apiKey: auth.apiKey, eoa: auth.eoa, now: now)
            } else {
                outcome = Outcome(response: .error(400, "Invalid order payload: body is not JSON"), orderID: nil)
            }
            logOrder(req, orderID: outcome.orderID, response: outcome.response, now: now, fault: fault)
            return outcome.response
        case ("POST", "/orders"):
            guard let body = try? JSON.parse(req.body), let items = body.arrayValue else {
                return .error(400, "Invalid order payload")
            }
            var answers: [JSON] = []
            for item in items {
                let outcome = postOrder(body: item, apiKey: auth.apiKey, eoa: auth.eoa, now: now)
                logOrder(
                    req, orderID: outcome.orderID, response: outcome.response, now: now, fault: fault,
                    itemBody: item.text)
                answers.append(ExchangeState.batchItem(outcome))
            }
            return .json(.array(answers))
        case ("DELETE", "/order"):
            guard let id = (try? JSON.parse(req.body))?["orderID"]?.stringValue else {
                return .error(400, "Invalid payload: expected {\"orderID\": \"0x…\"}")
            }
            return .json(cancel(ids: [id], apiKey: auth.apiKey))
        case ("DELETE", "/orders"):
            let ids = (try? JSON.parse(req.body))?.arrayValue?.compactMap { $0.stringValue } ?? []
            return .json(cancel(ids: ids, apiKey: auth.apiKey))
        case ("DELETE", "/cancel-all"):
            let ids = orderIDs.filter { orders[$0]?.owner == auth.apiKey && orders[$0]?.status == "LIVE" }
            return .json(cancel(ids: ids, apiKey: auth.apiKey))
        case ("DELETE", "/cancel-market-orders"):
            // Body {"market"?: condition id, "asset_id"?: token id}: the caller's live orders there.
            let body = try? JSON.parse(req.body)
            let market = body?["market"]?.stringValue.map(addressKey)
            let asset = body?["asset_id"]?.textValue
            let ids = orderIDs.filter { id in
                guard let o = orders[id], o.owner == auth.apiKey, o.status == "LIVE" else { return false }
                return (market.map { $0 == addressKey(o.conditionID) } ?? true)
                    && (asset.map { $0 == o.tokenID } ?? true)
            }
            return .json(cancel(ids: ids, apiKey: auth.apiKey))
        case ("GET", "/data/orders"):
            let rows = orderIDs.compactMap { orders[$0] }.filter { o in
                o.owner == auth.apiKey && o.status == "LIVE"
                    && (req.query("market").map { addressKey($0) == addressKey(o.conditionID) } ?? true)
                    && (req.query("asset_id").map { $0 == o.tokenID } ?? true)
                    && (req.query("id").map { $0 == o.id } ?? true)
            }
            return .json(
                .object([
                    ("data", .array(rows.map(orderJSON))), ("next_cursor", "LTE="),
                    ("limit", .int(rows.count)), ("count", .int(rows.count)),
                ]))
        case ("GET", "/data/trades"):
            let owned = Set(wallets(ownedBy: auth.eoa).map { addressKey($0.address) })
            let before = req.query("before").flatMap { Int64($0) }
            let after = req.query("after").flatMap { Int64($0) }
            let rows = trades.filter { t in
                (t.owner == auth.apiKey || owned.contains(addressKey(t.maker)))
                    && (req.query("id").map { $0 == t.id } ?? true)
                    && (req.query("market").map { addressKey($0) == addressKey(t.conditionID) } ?? true)
                    && (req.query("asset_id").map { $0 == t.tokenID } ?? true)
                    && (req.query("maker_address").map { addressKey($0) == addressKey(t.maker) } ?? true)
                    && (before.map { t.matchTimeMs / 1000 < $0 } ?? true)
                    && (after.map { t.matchTimeMs / 1000 > $0 } ?? true)
            }
            return .json(
                .object([
                    ("data", .array(rows.map { tradeJSON($0, now: now) })), ("next_cursor", "LTE="),
                    ("limit", .int(rows.count)), ("count", .int(rows.count)),
                ]))
        case ("GET", "/balance-allowance"), ("GET", "/balance-allowance/update"):
            return balanceAllowance(req, eoa: auth.eoa)
        default:
            let id = segments[2]
            guard let o = orders[id], o.owner == auth.apiKey else { return .error(404, "order not found") }
            if dropFilledOrders && o.status != "LIVE" { return .error(404, "order not found") }
            return .json(orderJSON(o))
        }
    }

    mutating func logOrder(
        _ req: PaperRequest, orderID: String?, response: PaperResponse, now: Int64, fault: String?,
        itemBody: String? = nil
    ) {
        orderLog.append(
            OrderLogEntry(
                seq: orderLog.count + 1, orderID: orderID, body: itemBody ?? req.bodyText, timeMs: now,
                httpStatus: response.status, response: response.body, fault: fault))
    }

    func priceQuery(_ req: PaperRequest, path: String) -> PaperResponse {
        guard let token = req.query("token_id"), let b = books[token] else { return .error(404, "market not found") }
        switch path {
        case "/midpoint":
            guard let bid = b.bids.first?.price, let ask = b.asks.first?.price else {
                return .error(404, "No orderbook exists for the requested token id")
            }
            return .json(.object([("mid", .string(Fixed6(micros: (bid.micros + ask.micros) / 2).plainText))]))
        case "/price":
            // BUY side = best bid, SELL side = best ask (the price you would sell / buy at).
            let side = req.query("side")?.uppercased() ?? "BUY"
            guard let p = (side == "BUY" ? b.bids.first : b.asks.first)?.price else {
                return .error(404, "No orderbook exists for the requested token id")
            }
            return .json(.object([("price", .string(p.plainText))]))
        case "/spread":
            guard let bid = b.bids.first?.price, let ask = b.asks.first?.price else {
                return .error(404, "No orderbook exists for the requested token id")
            }
            return .json(.object([("spread", .string((ask - bid).plainText))]))
        default:
            return .json(
                .object([
                    ("price", .string(b.lastTradePrice?.plainText ?? "")), ("side", .string(b.lastTradeSide ?? "")),
                ]))
        }
    }

    /// The batch forms: `POST /midpoints`, `/spreads` → {token: value}; `/prices` → {token: {side:
    /// price}}; `/last-trades-prices` → [{token_id, price, side}]. The body is `[{"token_id", "side"?}]`;
    /// tokens without an answer (unknown, one-sided book, no trade yet) are left out.
    func batchPriceQuery(_ req: PaperRequest, path: String) -> PaperResponse {
        guard let body = try? JSON.parse(req.body), let items = body.arrayValue else {
            return .error(400, "Invalid payload: expected [{\"token_id\": …}]")
        }
        var byToken: [(String, JSON)] = []
        var lastTrades: [JSON] = []
        for item in items {
            guard let token = item["token_id"]?.textValue, let b = books[token] else { continue }
            let bid = b.bids.first?.price
            let ask = b.asks.first?.price
            switch path {
            case "/midpoints":
                if let bid, let ask {
                    byToken.append((token, .string(Fixed6(micros: (bid.micros + ask.micros) / 2).plainText)))
                }
            case "/spreads":
                if let bid, let ask { byToken.append((token, .string((ask - bid).plainText))) }
            case "/prices":
                let side = item["side"]?.textValue?.uppercased() ?? "BUY"
                guard side == "BUY" || side == "SELL", let p = side == "BUY" ? bid : ask else { continue }
                if let i = byToken.firstIndex(where: { $0.0 == token }), case .object(var sides) = byToken[i].1 {
                    sides.append((side, .string(p.plainText)))
                    byToken[i].1 = .object(sides)
                } else {
                    byToken.append((token, .object([(side, .string(p.plainText))])))
                }
            default:
                guard let p = b.lastTradePrice, let side = b.lastTradeSide else { continue }
                lastTrades.append(
                    .object([("token_id", .string(token)), ("price", .string(p.plainText)), ("side", .string(side))]))
            }
        }
        return .json(path == "/last-trades-prices" ? .array(lastTrades) : .object(byToken))
    }

    /// The relayer's `GET /deployed?address=&type=`: a proxy (type PROXY), Safe (SAFE) or deposit
    /// wallet (WALLET) is deployed when the scenario has it as a wallet of that signature type.
    func deployed(_ req: PaperRequest) -> PaperResponse {
        guard let address = req.query("address") else { return .error(400, "missing address") }
        let types: Set<Int>
        switch req.query("type")?.uppercased() {
        case nil, "": types = [1, 2, 3]
        case "PROXY": types = [1]
        case "SAFE", "SAFE-CREATE": types = [2]
        case "WALLET", "WALLET-CREATE": types = [3]
        default: types = []
        }
        let known = wallets[addressKey(address)].map { types.contains($0.signatureType) } ?? false
        return .json(.object([("deployed", .bool(known))]))
    }

    func gammaMarkets(_ req: PaperRequest, keyset: Bool) -> PaperResponse {
        let cids = Set(req.queryList("condition_ids").map(addressKey))
        let tokens = Set(req.queryList("clob_token_ids"))
        let closed = req.query("closed").map { $0 == "true" }
        var rows: [JSON] = []
        for (i, id) in marketIDs.enumerated() {
            guard let m = markets[id] else { continue }
            if !cids.isEmpty && !cids.contains(id) { continue }
            if !tokens.isEmpty && !m.outcomes.contains(where: { tokens.contains($0.tokenID) }) { continue }
            if let closed, m.closed != closed { continue }
            rows.append(gammaMarketJSON(m, index: i))
        }
        if keyset { return .json(.object([("markets", .array(rows)), ("next_cursor", .null)])) }
        return .json(.array(rows))
    }

    func dataPositions(_ req: PaperRequest, v2: Bool) -> PaperResponse {
        guard let user = req.query("user") else { return .error(400, "missing user") }
        var rows = positions(user: user)
        let cids = Set((req.queryList(v2 ? "condition_id" : "market")).map(addressKey))
        if !cids.isEmpty { rows = rows.filter { cids.contains(addressKey($0.market.conditionID)) } }
        if let t = req.query("sizeThreshold").flatMap({ Fixed6($0) }) { rows = rows.filter { $0.size >= t } }
        if let r = req.query("redeemable") { rows = rows.filter { ($0.market.chainPayout != nil) == (r == "true") } }
        if v2, let status = req.query("status")?.uppercased() {
            rows = rows.filter { positionStatus($0) == status }
        }
        let offset = Int(req.query("offset") ?? "") ?? 0
        let limit = Int(req.query("limit") ?? "") ?? (v2 ? 1000 : 500)
        let page = Array(rows.dropFirst(offset).prefix(limit))
        if v2 {
            return .json(
                .object([
                    ("data", .array(page.map(v2PositionJSON))),
                    (
                        "pagination",
                        .object([("has_more", .bool(rows.count > offset + page.count)), ("next_cursor", .null)])
                    ),
                ]))
        }
        return .json(.array(page.map(classicPositionJSON)))
    }

    func balanceAllowance(_ req: PaperRequest, eoa: String) -> PaperResponse {
        let sigType = Int(req.query("signature_type") ?? "") ?? 0
        guard let wallet = wallets(ownedBy: eoa).first(where: { $0.signatureType == sigType }) else {
            return .json(.object([("balance", "0"), ("allowances", .object([]))]))
        }
        let assetType = req.query("asset_type")?.uppercased() ?? "COLLATERAL"
        let balance: Fixed6
        let allowance: Fixed6
        if assetType == "COLLATERAL" {
            balance = wallet.collateral
            allowance = wallet.allowance
        } else {
            guard let token = req.query("token_id") else { return .error(400, "token_id is required for CONDITIONAL") }
            balance = wallet.tokens[token] ?? .zero
            allowance = PaperScenario.unlimitedAllowance
        }
        let spenders = Contracts.allowanceSpenders
        let allowanceText =
            allowance >= PaperScenario.unlimitedAllowance
            ? "115792089237316195423570985008687907853269984665640564039457584007913129639935"
            : String(allowance.micros)
        return .json(
            .object([
                ("balance", .string(String(balance.micros))),
                ("allowances", .object(spenders.map { ($0, .string(allowanceText)) })),
            ]))
    }

    // MARK: L1 auth (API keys)

    mutating func auth(_ req: PaperRequest, path: String) -> PaperResponse {
        switch (req.method, path) {
        case ("GET", "/auth/derive-api-key"), ("POST", "/auth/api-key"):
            guard let address = req.headers["poly_address"], let signature = req.headers["poly_signature"],
                let timestamp = req.headers["poly_timestamp"]
            else { return .error(401, "Unauthorized: missing L1 headers") }
            let nonce = req.headers["poly_nonce"] ?? "0"
            guard
                let signer = Verify.l1Recover(
                    address: address, timestamp: timestamp, nonce: nonce, signature: signature,
                    chainID: scenario.chainID),
                addressKey(signer) == addressKey(address)
            else { return .error(401, "Unauthorized: invalid L1 signature") }
            let creds = credentials(eoa: address) ?? Verify.derivedCredentials(eoa: address, nonce: nonce)
            if credentials(eoa: address) == nil { extraCredentials[addressKey(address)] = creds }
            return .json(
                .object([
                    ("apiKey", .string(creds.apiKey)), ("secret", .string(creds.secret)),
                    ("passphrase", .string(creds.passphrase)),
                ]))
        case ("GET", "/auth/api-keys"):
            switch authenticate(req) {
            case .failure(let e): return e.response
            case .success(let a): return .json(.object([("apiKeys", .array([.string(a.apiKey)]))]))
            }
        case ("GET", "/auth/ban-status/closed-only"):
            // L2, like the venue's (protocol §6): the answer is about the authenticated account.
            switch authenticate(req) {
            case .failure(let e): return e.response
            case .success(let a):
                return .json(.object([("closed_only", .bool(closedOnlyAccounts.contains(addressKey(a.eoa))))]))
            }
        default:
            return .error(404, "not found: \(req.method) \(path)")
        }
    }
}

/// Polygon addresses the exchange and chain answer for (protocol §1, V2 era).
enum Contracts {
    static let exchange = "0xE111180000d2663C0091e4f400237545B87B996B"
    static let negRiskExchange = "0xe2222d279d744050d28e00520010520000310F59"
    static let negRiskAdapter = "0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296"
    static let collateral = "0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB"
    static let usdce = "0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174"
    static let ctf = "0x4D97DCd97eC945f40cF65F87097ACe5EA0476045"
    static let collateralAdapter = "0xAdA100Db00Ca00073811820692005400218FcE1f"
    static let negRiskCollateralAdapter = "0xadA2005600Dec949baf300f4C6120000bDB6eAab"
    static let proxyFactory = "0xaB45c5A4B0c941a2F231C04C3f49182e1A254052"
    static let multiSend = "0xA238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761"

    static let allowanceSpenders = [exchange, negRiskExchange, negRiskAdapter]
}
