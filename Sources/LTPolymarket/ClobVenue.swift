import BigInt
import Foundation
import LTChain
import LTCore
import LTHTTP

/// The exchange port (LTCore `TradingVenue`) over the CLOB client and V2 order signing.
///
/// Reads go through `ClobClient` with its retry policy (429 + Retry-After, 5xx); `post` sends once
/// and maps the classified answer, so an answer that proves nothing stays `.unknown` and is never
/// retried here. A wallet's key is loaded only to sign (or to derive API credentials that the
/// wallets file does not give); reconciliation reads need its address and credentials only.
/// Nothing here logs or describes a key, secret or passphrase.
public final class ClobVenue: TradingVenue {
    let clob: ClobClient
    let wallets: () throws(WalletConfigError) -> WalletsFile
    /// Milliseconds since the epoch for the V2 order `timestamp`.
    let nowMs: () -> UInt64
    var accounts: [String: Account] = [:]
    var feeSchedules: [String: FeeSchedule] = [:]
    /// Clients of their own for concurrent reads (`markets`, `books`), beside `clob`.
    var extraReaders: [ClobClient] = []

    /// A wallet as the venue knows it: its signing key, its configuration and its L2 credentials.
    struct Account {
        let key: PrivateKey
        let config: WalletConfig
        let credentials: ApiCredentials
    }

    public init(
        clob: ClobClient, wallets: @escaping () throws(WalletConfigError) -> WalletsFile,
        nowMs: @escaping () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.clob = clob
        self.wallets = wallets
        self.nowMs = nowMs
    }

    // MARK: Market data

    public func market(conditionID: String) throws(VenueError) -> VenueMarket? {
        try Self.market(conditionID, from: clob)
    }

    static func market(_ conditionID: String, from clob: ClobClient) throws(VenueError) -> VenueMarket? {
        do {
            return try clob.market(conditionID: conditionID).venueMarket
        } catch {
            if case .status(_, 404, _) = error { return nil }
            throw error.venueError
        }
    }

    /// Cached for the run: a market's schedule does not change between two signals of one run.
    public func feeSchedule(conditionID: String) throws(VenueError) -> FeeSchedule {
        if let cached = feeSchedules[conditionID] { return cached }
        let schedule = try Self.feeSchedule(conditionID, from: clob)
        feeSchedules[conditionID] = schedule
        return schedule
    }

    static func feeSchedule(_ conditionID: String, from clob: ClobClient) throws(VenueError) -> FeeSchedule {
        do {
            return try clob.clobMarket(conditionID: conditionID).feeSchedule
        } catch {
            // A market without a compact record charges what its trades say; expect none.
            if case .status(_, 404, _) = error { return .free }
            throw error.venueError
        }
    }

    /// Each market and (unless the run has it) its fee schedule, side by side on up to `concurrency`
    /// connections at once: the fee read does not wait for the market's answer, so a wave costs one
    /// round trip here, not two. A closed market's schedule is read for nothing — rare, and cheaper
    /// than the wait. The clients beyond the job's own are kept for the run, so a follower's passes
    /// reuse their keep-alive connections.
    public func markets(conditionIDs: [String], concurrency: Int) -> [String: Result<VenueMarket?, VenueError>] {
        let ids = Array(Set(conditionIDs)).sorted()
        let reads =
            ids.map { (cid: $0, fees: false) } + ids.filter { feeSchedules[$0] == nil }.map { (cid: $0, fees: true) }
        enum Answer {
            case market(Result<VenueMarket?, VenueError>)
            case fees(FeeSchedule?)
        }
        let answers = FanOut.map(reads, workers: readers(concurrency, for: reads.count)) {
            (client: ClobClient, read: (cid: String, fees: Bool)) -> Answer in
            // A failed fee read is left to `feeSchedule`, which the decision calls (and defers on).
            if read.fees { return .fees(try? Self.feeSchedule(read.cid, from: client)) }
            return .market(Result { () throws(VenueError) in try Self.market(read.cid, from: client) })
        }
        var out: [String: Result<VenueMarket?, VenueError>] = [:]
        for (read, answer) in zip(reads, answers) {
            switch answer {
            case .market(let m): out[read.cid] = m
            case .fees(let f?): feeSchedules[read.cid] = f
            case .fees(nil): break
            }
        }
        return out
    }

    /// Up to `concurrency` clients (at most one per item): the job's own first.
    func readers(_ concurrency: Int, for items: Int) -> [ClobClient] {
        let wanted = max(1, min(concurrency, items))
        while 1 + extraReaders.count < wanted {
            extraReaders.append(
                ClobClient(
                    baseURL: clob.baseURL, http: HTTPClient(configuration: clob.http.configuration),
                    readPolicy: clob.readPolicy, chainID: clob.chainID, now: clob.now))
        }
        return [clob] + extraReaders.prefix(wanted - 1)
    }

    /// Books without a tick or minimum size are left out (the token then counts as bookless).
    public func books(tokenIDs: [String]) throws(VenueError) -> [String: VenueBook] {
        try books(tokenIDs: tokenIDs, concurrency: 1)
    }

    /// Requests of at most `booksPerRequest` tokens, on up to `concurrency` connections at once; the
    /// first failure fails the whole read (its signals are deferred, as for one request).
    public func books(tokenIDs: [String], concurrency: Int) throws(VenueError) -> [String: VenueBook] {
        let chunks = stride(from: 0, to: tokenIDs.count, by: Self.booksPerRequest).map {
            Array(tokenIDs[$0..<min($0 + Self.booksPerRequest, tokenIDs.count)])
        }
        let read = FanOut.map(chunks, workers: readers(concurrency, for: chunks.count)) {
            (client: ClobClient, chunk: [String]) -> Result<[OrderBook], VenueError> in
            Result { () throws(VenueError) in
                do throws(HTTPError) { return try client.books(tokenIDs: chunk) } catch { throw error.venueError }
            }
        }
        var out: [String: VenueBook] = [:]
        for r in read {
            for b in try r.get() { if let v = b.venueBook { out[v.tokenID] = v } }
        }
        return out
    }

    /// Tokens per `POST /books`: the venue documents no limit; a body of this size is a few KB.
    static let booksPerRequest = 100

    // MARK: Orders

    public func sign(_ r: OrderRequest) throws(VenueError) -> SignedVenueOrder {
        let account = try account(named: r.wallet)
        do {
            let tick = try TickSize(r.tickSize)
            let amounts =
                r.isMarketOrder
                ? try OrderAmounts.market(side: r.side, price: r.limitPrice, amount: r.amount, tick: tick)
                : try OrderAmounts.limit(side: r.side, price: r.limitPrice, size: r.amount, tick: tick)
            guard let tokenID = BigUInt(r.tokenID, radix: 10) else {
                throw VenueError(.malformed, "token id is not a decimal uint256")
            }
            let maker = account.config.maker(eoa: account.key.address)
            // A deposit wallet (type 3) is maker and signer; otherwise the EOA signs (protocol §2).
            let orderSigner = account.config.signatureType == .poly1271 ? maker : account.key.address
            let order = OrderV2(
                salt: UInt64.random(in: 1..<(1 << 53)), maker: maker, signer: orderSigner, tokenID: tokenID,
                makerAmount: amounts.makerAmount, takerAmount: amounts.takerAmount, side: r.side,
                signatureType: account.config.signatureType, timestamp: nowMs(), builder: account.config.builderCode)
            let domain = ExchangeDomain.v2(negRisk: r.negRisk, chainID: clob.chainID)
            let signed = try SignedOrder.sign(order: order, key: account.key, domain: domain)
            return SignedVenueOrder(
                request: r, orderHash: order.orderID(domain: domain),
                makerAmount: Fixed6(micros: Int64(amounts.makerAmount)),
                takerAmount: Fixed6(micros: Int64(amounts.takerAmount)),
                payload: signed.postBody(owner: account.credentials.key, orderType: r.orderType))
        } catch let e as VenueError {
            throw e
        } catch {
            // Order-validation and signing errors describe amounts and ticks, never the key.
            throw VenueError(.configuration, "cannot build the order: \(error)")
        }
    }

    public func post(_ order: SignedVenueOrder) -> VenuePostResult {
        guard let account = accounts[order.request.wallet] else {
            return .rejected(reason: "wallet \(order.request.wallet) was not loaded")
        }
        // Sent once; LTHTTP gives every non-GET request a fresh connection, so libcurl cannot silently
        // re-send it on a dead keep-alive connection.
        return clob.postOrder(body: order.payload, credentials: account.credentials, address: account.key.address)
            .venuePostResult
    }

    public func detachedPost(_ order: SignedVenueOrder) -> @Sendable () -> VenuePostResult {
        guard let account = accounts[order.request.wallet] else {
            let refused = VenuePostResult.rejected(reason: "wallet \(order.request.wallet) was not loaded")
            return { refused }
        }
        let (baseURL, chainID, configuration) = (clob.baseURL, clob.chainID, clob.http.configuration)
        let (credentials, address, body) = (account.credentials, account.key.address, order.payload)
        return {
            // A client of its own: a libcurl handle serves one thread (LTHTTP), and a POST never
            // reuses a connection anyway.
            let client = ClobClient(baseURL: baseURL, http: HTTPClient(configuration: configuration), chainID: chainID)
            return client.postOrder(body: body, credentials: credentials, address: address).venuePostResult
        }
    }

    public func order(hash: String, wallet: String) throws(VenueError) -> VenueOrder? {
        let account = try account(named: wallet)
        do {
            return try clob.order(id: hash, credentials: account.credentials, address: account.key.address)?
                .venueOrder
        } catch {
            throw error.venueError
        }
    }

    public func trades(orderHash hash: String, market conditionID: String?, wallet: String) throws(VenueError)
        -> [VenueTrade]
    {
        let account = try account(named: wallet)
        let trades: [Trade]
        do {
            trades = try clob.trades(
                TradeQuery(market: conditionID), credentials: account.credentials, address: account.key.address)
        } catch {
            throw error.venueError
        }
        return trades.compactMap { $0.venueTrade(forOrder: hash) }
    }

    /// One paging `GET /data/trades` for the wallet (from `after` when given), matched against
    /// every order asked about in one pass.
    public func trades(wallet: String, orderHashes: Set<String>, after: Date?) throws(VenueError)
        -> [String: [VenueTrade]]
    {
        if orderHashes.isEmpty { return [:] }
        let account = try account(named: wallet)
        let wanted = Set(orderHashes.map { $0.lowercased() })
        let since = after.map { String(max(0, Int64($0.timeIntervalSince1970))) }
        let trades: [Trade]
        do {
            trades = try clob.trades(
                TradeQuery(after: since), credentials: account.credentials, address: account.key.address)
        } catch {
            throw error.venueError
        }
        var out: [String: [VenueTrade]] = [:]
        for t in trades {
            let named = Set([t.takerOrderID.lowercased()] + t.makerOrders.map { $0.orderID.lowercased() })
            for hash in named.intersection(wanted) {
                if let v = t.venueTrade(forOrder: hash) { out[hash, default: []].append(v) }
            }
        }
        return out
    }

    public func cancel(orderHash hash: String, wallet: String) throws(VenueError) -> Bool {
        let account = try account(named: wallet)
        do {
            let r = try clob.cancel(orderID: hash, credentials: account.credentials, address: account.key.address)
            return r.canceled.contains { $0.caseInsensitiveCompare(hash) == .orderedSame }
        } catch {
            throw error.venueError
        }
    }

    public func balance(wallet: String, tokenID: String?) throws(VenueError) -> Fixed6 {
        let account = try account(named: wallet)
        do {
            return try clob.balance(
                tokenID: tokenID, signatureType: account.config.signatureType, credentials: account.credentials,
                address: account.key.address)
        } catch {
            throw error.venueError
        }
    }

    // MARK: Wallets

    /// The wallet's key, configuration and API credentials — configured, or derived once (L1) and
    /// kept for the run.
    func account(named name: String) throws(VenueError) -> Account {
        if let a = accounts[name] { return a }
        do {
            let config = try wallets().wallet(named: name)
            let key = try config.loadKey()
            let credentials: ApiCredentials
            if let c = config.apiCredentials {
                credentials = c
            } else {
                do { credentials = try clob.deriveApiKey(key: key) } catch {
                    throw VenueError(.unavailable, "cannot derive API credentials for wallet \(name): \(error)")
                }
            }
            let a = Account(key: key, config: config, credentials: credentials)
            accounts[name] = a
            return a
        } catch let e as VenueError {
            throw e
        } catch {
            throw VenueError(.configuration, "\(error)")
        }
    }
}
