import BigInt
import Foundation
import LTCore
import LTPolymarket

/// An order the exchange accepted (the venue's `/data/order` record).
struct OrderRecord: Sendable {
    var id: String
    var owner: String  // API key
    var maker: String
    var signer: String
    var tokenID: String
    var conditionID: String
    var outcome: String
    var side: Side
    var orderType: OrderType
    /// Limit price as the exact ratio of the signed amounts (micros).
    var makerAmount: Fixed6
    var takerAmount: Fixed6
    var price: Fixed6
    /// Shares: BUY takerAmount, SELL makerAmount.
    var originalSize: Fixed6
    var sizeMatched: Fixed6 = .zero
    /// Collateral paid (BUY) or received (SELL) so far.
    var collateralMatched: Fixed6 = .zero
    /// LIVE, MATCHED, CANCELED, CANCELED_MARKET_RESOLVED.
    var status: String
    var createdAtMs: Int64
    var expiration: String
    var tradeIDs: [String] = []

    var remaining: Fixed6 { originalSize - sizeMatched }

    /// What a resting order holds back from the wallet: collateral for a BUY (at its own limit
    /// price), shares for a SELL.
    var reservedCollateral: Fixed6 {
        guard status == "LIVE", side == .buy else { return .zero }
        return makerAmount - collateralMatched
    }

    var reservedShares: Fixed6 {
        guard status == "LIVE", side == .sell else { return .zero }
        return remaining
    }
}

struct TradeRecord: Sendable {
    var id: String
    var orderID: String
    var owner: String
    var maker: String
    var conditionID: String
    var tokenID: String
    var outcome: String
    var side: Side
    var size: Fixed6
    var price: Fixed6
    var collateral: Fixed6
    /// The fee charged on this fill (collateral; a BUY paid it on top, a SELL received it less).
    var fee: Fixed6 = .zero
    /// The fill's fee rate in basis points, exact decimal text ("0" when no fee).
    var feeRateBps: String = "0"
    /// TAKER (matched on arrival) or MAKER (a resting order filled by a book move).
    var traderSide: String
    var matchTimeMs: Int64
    var transactionHash: String
    /// Set by the control API; otherwise the status follows the clock.
    var forcedStatus: String?
}

struct OrderLogEntry: Sendable {
    var seq: Int
    var orderID: String?
    var body: String
    var timeMs: Int64
    var httpStatus: Int
    var response: String
    var fault: String?
}

/// A fault armed for matching requests (see docs/paper-exchange.md).
public struct PaperFault: Sendable {
    public var method: String?
    /// Exact path, or a prefix when it ends with `*`.
    public var path: String
    public var kind: String
    /// Requests left to affect; nil = every request until cleared.
    public var remaining: Int?
    public var retryAfterSeconds: Int
    public var latencyMs: Int
    public var status: Int
    /// Whether the request is still processed by the exchange.
    public var process: Bool
    /// `replace_body`: the answer's body, sent with status 200 after the exchange acted (a venue or
    /// proxy that mangles an answer).
    public var body: String? = nil

    public static let kinds = [
        "latency", "http_429", "http_500", "http_5xx", "malformed_json", "timeout", "drop_after_accept",
        "replace_body",
    ]

    func matches(method m: String, path p: String) -> Bool {
        if let method, method.uppercased() != m { return false }
        if path.hasSuffix("*") { return p.hasPrefix(String(path.dropLast())) }
        return path == p
    }
}

struct ChainReceipt: Sendable {
    var hash: String
    var from: String
    var to: String
    var nonce: Int64
    var blockNumber: Int64
    var status: Bool
    var gasUsed: Int64
    /// The logs the transaction emitted (real-shaped: topics and ABI-encoded data).
    var logs: [ReceiptLog] = []
    /// The call's 4-byte selector (hex), so tests can tell approvals from redemptions.
    var selector: String = ""
}

/// Everything the exchange knows; guarded by the `PaperExchange` lock.
struct ExchangeState: Sendable {
    var scenario: PaperScenario
    /// Scenario start (ms); event times are relative to it.
    var startMs: Int64
    /// nil = real time (+ offset); otherwise the frozen scenario time.
    var fixedNowMs: Int64?
    var offsetMs: Int64 = 0

    var marketIDs: [String] = []
    var markets: [String: PaperMarket] = [:]  // key: lower-cased condition id
    var tokenMarket: [String: String] = [:]  // token id → market key
    var books: [String: PaperBook] = [:]
    var walletIDs: [String] = []
    var wallets: [String: PaperWallet] = [:]  // key: lower-cased address
    /// Cost basis per wallet and token, for avgPrice in the Data API.
    var costs: [String: [String: Fixed6]] = [:]
    var extraCredentials: [String: PaperCredentials] = [:]  // eoa key → credentials made via L1
    var leaders: [String: [PaperLeaderPosition]] = [:]
    var leaderDisplay: [String: String] = [:]
    var pendingEvents: [PaperEvent] = []
    var eventErrors: [String] = []

    var orders: [String: OrderRecord] = [:]
    var orderIDs: [String] = []
    var trades: [TradeRecord] = []
    var orderLog: [OrderLogEntry] = []
    var faults: [PaperFault] = []
    /// Requests received outside `/_control`, per "METHOD path" (query left out): how many reads a
    /// job made is behaviour a test can assert.
    var requestCounts: [String: Int] = [:]
    var dropFilledOrders = false
    /// What `GET /version` answers (`/_control/flags` `"exchange_version"`; the venue's is 2).
    var exchangeVersion = 2
    /// Accounts (EOA, lower case) the venue has put in closed-only mode (`/_control/flags`
    /// `"closed_only": ["0x…"]`): `GET /auth/ban-status/closed-only` answers true for them.
    var closedOnlyAccounts: Set<String> = []

    var chainNonces: [String: Int64] = [:]
    var safeNonces: [String: Int64] = [:]
    var receipts: [String: ChainReceipt] = [:]
    var blockNumber: Int64 = 1000
    // Chain faults (`/_control/flags`): the next N transactions accepted then dropped from the pool
    // (never mined, nonce unused), or refused with a node's message; the gas balance every
    // `eth_getBalance` answers (wei, decimal; nil = 100 POL).
    var chainDropNext = 0
    /// `"require_approvals": true`: the collateral adapters redeem a holder's tokens only after the
    /// holder's `setApprovalForAll(adapter, true)` on the CTF, as on Polygon (default: assumed).
    var chainRequireApprovals = false
    /// "holder|operator" pairs approved on the CTF.
    var chainApprovals: Set<String> = []
    var chainRejectNext = 0
    /// The next N mined transactions revert (receipt status 0; only the nonce moves).
    var chainRevertNext = 0
    /// Logs emitted by the transaction being mined (moved into its receipt).
    var pendingLogs: [ReceiptLog] = []
    var chainRejectMessage = "replacement transaction underpriced"
    var gasBalanceWei: BigUInt?
    var droppedTransactions = 0
    /// The next N transactions wait in the pool (`pool`) until `"mine_pending": true`.
    var chainHoldNext = 0
    var pool: [String: PooledTransaction] = [:]

    init(scenario: PaperScenario, realNowMs: Int64) {
        self.scenario = scenario
        startMs = scenario.clockStartMs ?? realNowMs
        fixedNowMs = scenario.clockStartMs
        for m in scenario.markets {
            let k = addressKey(m.conditionID)
            marketIDs.append(k)
            markets[k] = m
            for o in m.outcomes { tokenMarket[o.tokenID] = k }
        }
        for m in scenario.markets {
            for o in m.outcomes {
                books[o.tokenID] = PaperBook(
                    tokenID: o.tokenID, bids: [], asks: [], lastTradePrice: nil, lastTradeSide: nil,
                    timestampMs: startMs)
            }
        }
        for var b in scenario.books {
            b.timestampMs = startMs
            books[b.tokenID] = b
        }
        for w in scenario.wallets {
            let k = addressKey(w.address)
            if wallets[k] == nil { walletIDs.append(k) }
            wallets[k] = w
            costs[k] = w.costs
        }
        leaders = scenario.leaders
        leaderDisplay = scenario.leaderDisplay
        pendingEvents = scenario.events
    }

    func nowMs(realNowMs: Int64) -> Int64 { (fixedNowMs ?? realNowMs) + offsetMs }

    func market(forToken token: String) -> PaperMarket? { tokenMarket[token].flatMap { markets[$0] } }

    func market(_ conditionID: String) -> PaperMarket? { markets[addressKey(conditionID)] }

    func outcome(ofToken token: String) -> String {
        market(forToken: token)?.outcomes.first(where: { $0.tokenID == token })?.outcome ?? ""
    }

    /// The credentials for an API key and the EOA they belong to.
    func credentials(apiKey: String) -> (PaperCredentials, String)? {
        for id in walletIDs {
            if let w = wallets[id], let c = w.credentials, c.apiKey == apiKey { return (c, w.owner) }
        }
        for (eoa, c) in extraCredentials where c.apiKey == apiKey { return (c, eoa) }
        return nil
    }

    func credentials(eoa: String) -> PaperCredentials? {
        for id in walletIDs {
            if let w = wallets[id], addressKey(w.owner) == addressKey(eoa), let c = w.credentials { return c }
        }
        return extraCredentials[addressKey(eoa)]
    }

    /// Wallets owned by an EOA (its own address, proxy, Safe, deposit wallet).
    func wallets(ownedBy eoa: String) -> [PaperWallet] {
        walletIDs.compactMap { wallets[$0] }.filter { addressKey($0.owner) == addressKey(eoa) }
    }

    func reservedCollateral(_ wallet: String) -> Fixed6 {
        var sum = Fixed6.zero
        for id in orderIDs {
            if let o = orders[id], addressKey(o.maker) == wallet { sum += o.reservedCollateral }
        }
        return sum
    }

    func reservedShares(_ wallet: String, token: String) -> Fixed6 {
        var sum = Fixed6.zero
        for id in orderIDs {
            if let o = orders[id], addressKey(o.maker) == wallet, o.tokenID == token { sum += o.reservedShares }
        }
        return sum
    }

    func tradeStatus(_ t: TradeRecord, nowMs: Int64) -> String {
        if let s = t.forcedStatus { return s }
        if nowMs >= t.matchTimeMs + scenario.confirmedAfterMs { return "CONFIRMED" }
        if nowMs >= t.matchTimeMs + scenario.minedAfterMs { return "MINED" }
        return "MATCHED"
    }

    /// Current price of a token for the Data API: 1/0 once resolved, else the midpoint (or the
    /// last trade, or the single side present).
    func currentPrice(token: String) -> Fixed6 {
        if let m = market(forToken: token), let paid = m.payoutPerShare(token) { return paid }
        if let m = market(forToken: token), let w = m.winnerTokenID { return w == token ? .one : .zero }
        guard let b = books[token] else { return .zero }
        if let bid = b.bids.first?.price, let ask = b.asks.first?.price {
            return Fixed6(micros: (bid.micros + ask.micros) / 2)
        }
        return b.lastTradePrice ?? b.bids.first?.price ?? b.asks.first?.price ?? .zero
    }

    mutating func nextTradeID() -> String {
        let n = trades.count + 1
        let hex = String(n, radix: 16)
        let tail = String(repeating: "0", count: 12 - hex.count) + hex
        return "00000000-0000-4000-8000-" + tail
    }

    mutating func adjustCost(wallet: String, token: String, by delta: Fixed6) {
        costs[wallet, default: [:]][token, default: .zero] += delta
    }
}
