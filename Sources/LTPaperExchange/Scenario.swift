import Foundation
import LTCore

/// One outcome of a market: its label and its CLOB token id (ERC-1155 position id, decimal).
public struct PaperOutcome: Sendable, Equatable {
    public var outcome: String
    public var tokenID: String
}

public struct PaperMarket: Sendable {
    public var conditionID: String
    public var questionID: String
    public var question: String
    public var slug: String
    public var outcomes: [PaperOutcome]
    public var tickSize: Fixed6
    public var minOrderSize: Fixed6
    public var negRisk: Bool
    public var endDate: String
    public var closed: Bool
    /// Token id of the winning outcome once resolved.
    public var winnerTokenID: String?
    /// The V2 fee schedule served as `fd` (protocol §5.7); zero = no fee.
    public var fee: PaperFeeSchedule = .zero
    /// The payout vector reported to the CTF, one numerator per outcome (denominator = their sum):
    /// [1, 1] is a 50/50 market. nil with a winner: winner-takes-all.
    public var payoutNumerators: [Int]? = nil
    /// Closed and its winner shown on the CLOB, but the payout not reported on-chain yet
    /// (`payoutDenominator` 0): what a market looks like between the venue's close and the report.
    public var payoutPending: Bool = false
}

extension PaperMarket {
    /// The payout vector as the chain reports it: nil until reported.
    public var chainPayout: [Int]? {
        if payoutPending { return nil }
        if let v = payoutNumerators { return v }
        guard let w = winnerTokenID else { return nil }
        return outcomes.map { $0.tokenID == w ? 1 : 0 }
    }

    /// Resolved as far as the venue shows (CLOB `closed` with winners), paid out or not.
    public var isResolved: Bool { winnerTokenID != nil || payoutNumerators != nil }

    /// The CLOB's `tokens[].winner`: every outcome the vector pays (both sides of a 50/50).
    public func isWinner(_ tokenID: String) -> Bool {
        if let v = payoutNumerators, let i = outcomes.firstIndex(where: { $0.tokenID == tokenID }) { return v[i] > 0 }
        return winnerTokenID == tokenID
    }

    /// What one share of `tokenID` pays once reported: numerator / denominator (nil before).
    public func payoutPerShare(_ tokenID: String) -> Fixed6? {
        guard let v = chainPayout, let i = outcomes.firstIndex(where: { $0.tokenID == tokenID }) else { return nil }
        let den = v.reduce(0, +)
        return den > 0 ? Fixed6(micros: Int64(v[i]) * Fixed6.scale / Int64(den)) : nil
    }
}

/// A market's taker fee: per fill, `shares × rate × (p·(1−p))^exponent` in collateral, charged on
/// top of the signed amount. `takerOnly` (the venue's `to`) exempts resting orders filled as makers.
public struct PaperFeeSchedule: Sendable, Equatable {
    public var rate: Fixed6
    public var exponent: Int
    public var takerOnly: Bool

    public static let zero = PaperFeeSchedule(rate: .zero, exponent: 0, takerOnly: true)
}

public struct PaperLevel: Sendable, Equatable {
    public var price: Fixed6
    public var size: Fixed6
}

/// A token's book. Internally best-first on both sides (bids descending, asks ascending); the
/// venue's JSON lists them the other way round (best last).
public struct PaperBook: Sendable {
    public var tokenID: String
    public var bids: [PaperLevel]
    public var asks: [PaperLevel]
    public var lastTradePrice: Fixed6?
    /// The taker side of the last trade ("BUY"/"SELL"), as `/last-trade-price` reports it.
    public var lastTradeSide: String?
    public var timestampMs: Int64

    mutating func normalise() {
        bids = PaperBook.merge(bids).sorted { $0.price > $1.price }
        asks = PaperBook.merge(asks).sorted { $0.price < $1.price }
    }

    /// Adds up duplicate price levels and drops empty ones.
    static func merge(_ levels: [PaperLevel]) -> [PaperLevel] {
        var byPrice: [Fixed6: Fixed6] = [:]
        for l in levels { byPrice[l.price, default: .zero] += l.size }
        return byPrice.filter { $0.value.isPositive }.map { PaperLevel(price: $0.key, size: $0.value) }
    }
}

public struct PaperCredentials: Sendable, Equatable {
    public var apiKey: String
    public var secret: String
    public var passphrase: String
}

/// A trading wallet: the address that holds funds (the order's `maker`, the client's funder),
/// the EOA that owns it and signs, and its balances.
public struct PaperWallet: Sendable {
    public var address: String
    public var owner: String
    public var signatureType: Int
    public var credentials: PaperCredentials?
    public var collateral: Fixed6
    public var allowance: Fixed6
    /// token id → shares held.
    public var tokens: [String: Fixed6]
    /// token id → cost of the shares held (size × avg_price), for the Data API's avgPrice.
    public var costs: [String: Fixed6] = [:]
}

public struct PaperLeaderPosition: Sendable {
    public var tokenID: String
    public var size: Fixed6
    public var avgPrice: Fixed6
}

/// A timed change: `at` seconds after the scenario starts, the same body the control API takes.
public struct PaperEvent: Sendable {
    public var atMs: Int64
    public var kind: String
    public var body: JSON
}

/// The parsed scenario file (docs/paper-exchange.md documents the format).
public struct PaperScenario: Sendable {
    public var description: String
    /// Fixed start time (ms) for a deterministic clock; nil = real time.
    public var clockStartMs: Int64?
    public var minedAfterMs: Int64
    public var confirmedAfterMs: Int64
    public var chainID: Int64
    public var markets: [PaperMarket]
    public var books: [PaperBook]
    public var wallets: [PaperWallet]
    public var leaders: [String: [PaperLeaderPosition]]
    public var leaderDisplay: [String: String]
    public var events: [PaperEvent]
    public var source: JSON

    /// Effectively unlimited allowance (the venue reports uint256 max; Int64 micros is enough here).
    public static let unlimitedAllowance = Fixed6(micros: 1_000_000_000_000_000)

    public static func load(path: String) throws -> PaperScenario {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try parse(data)
    }

    public static func parse(_ data: Data) throws -> PaperScenario {
        let json: JSON
        do { json = try JSON.parse(data) } catch { throw PaperInputError("scenario: \(error)") }
        return try parse(json)
    }

    public static func parse(_ json: JSON) throws(PaperInputError) -> PaperScenario {
        let f = try Fields(json, "scenario")
        let clock = try f.object("clock")
        var s = PaperScenario(
            description: try f.optString("description") ?? "",
            clockStartMs: try clock?.optInt("start").map { $0 * 1000 },
            minedAfterMs: (try clock?.optInt("mined_after_seconds") ?? 2) * 1000,
            confirmedAfterMs: (try clock?.optInt("confirmed_after_seconds") ?? 5) * 1000,
            chainID: try f.optInt("chain_id") ?? 137,
            markets: [], books: [], wallets: [], leaders: [:], leaderDisplay: [:], events: [],
            source: json)
        for (i, m) in try f.array("markets").enumerated() {
            s.markets.append(try parseMarket(Fields(m, "markets[\(i)]")))
        }
        for (i, b) in try f.array("books").enumerated() {
            s.books.append(try parseBook(Fields(b, "books[\(i)]"), timestampMs: s.clockStartMs ?? 0))
        }
        for (i, w) in try f.array("wallets").enumerated() {
            s.wallets.append(try parseWallet(Fields(w, "wallets[\(i)]")))
        }
        for (i, l) in try f.array("leaders").enumerated() {
            let lf = try Fields(l, "leaders[\(i)]")
            let address = try lf.string("address")
            var positions: [PaperLeaderPosition] = []
            for (j, p) in try lf.array("positions").enumerated() {
                positions.append(try parseLeaderPosition(Fields(p, "leaders[\(i)].positions[\(j)]")))
            }
            s.leaders[addressKey(address)] = positions
            s.leaderDisplay[addressKey(address)] = address
        }
        for (i, e) in try f.array("events").enumerated() {
            let ef = try Fields(e, "events[\(i)]")
            let kind = try ef.string("kind")
            guard ["book", "leader_position", "resolve"].contains(kind) else {
                throw PaperInputError("events[\(i)]: unknown kind \"\(kind)\" (book, leader_position, resolve)")
            }
            let at = try ef.fixed("at")
            s.events.append(PaperEvent(atMs: at.micros / 1000, kind: kind, body: e))
        }
        s.events.sort { $0.atMs < $1.atMs }
        try s.validate()
        return s
    }

    func validate() throws(PaperInputError) {
        var tokens = Set<String>()
        for m in markets {
            for o in m.outcomes {
                guard tokens.insert(o.tokenID).inserted else {
                    throw PaperInputError("token id \(o.tokenID) appears in more than one market")
                }
            }
        }
        for b in books where !tokens.contains(b.tokenID) {
            throw PaperInputError("book for unknown token id \(b.tokenID)")
        }
    }

    static func parseMarket(_ f: Fields) throws(PaperInputError) -> PaperMarket {
        var outcomes: [PaperOutcome] = []
        for (i, o) in try f.array("outcomes").enumerated() {
            let of = try Fields(o, "\(f.context).outcomes[\(i)]")
            outcomes.append(PaperOutcome(outcome: try of.string("outcome"), tokenID: try of.string("token_id")))
        }
        guard outcomes.count >= 2 else { throw PaperInputError("\(f.context): a market needs at least 2 outcomes") }
        let tick = try f.optFixed("tick_size") ?? Fixed6(micros: 10_000)
        guard [100_000, 10_000, 1_000, 100, 5_000, 2_500].contains(tick.micros) else {
            throw PaperInputError("\(f.context): tick_size must be 0.1, 0.01, 0.001, 0.0001, 0.005 or 0.0025")
        }
        let cid = try f.string("condition_id")
        var fee = PaperFeeSchedule.zero
        if let ff = try f.object("fee_schedule") {
            let rate = try ff.optFixed("rate") ?? .zero
            let exponent = try ff.optInt("exponent") ?? 0
            // The exponent stays small so the exact fee arithmetic stays cheap; the venue's are 0–2.
            guard !rate.isNegative, rate <= Fixed6.one, (0...8).contains(exponent) else {
                throw PaperInputError("\(ff.context): rate must be in [0, 1] and exponent an integer in 0…8")
            }
            fee = PaperFeeSchedule(rate: rate, exponent: Int(exponent), takerOnly: try ff.optBool("taker_only") ?? true)
        }
        return PaperMarket(
            conditionID: cid,
            questionID: try f.optString("question_id") ?? cid,
            question: try f.optString("question") ?? "",
            slug: try f.optString("slug") ?? "",
            outcomes: outcomes,
            tickSize: tick,
            minOrderSize: try f.optFixed("min_order_size") ?? Fixed6(5),
            negRisk: try f.optBool("neg_risk") ?? false,
            endDate: try f.optString("end_date") ?? "2030-01-01T00:00:00Z",
            closed: try f.optBool("closed") ?? false,
            winnerTokenID: try f.optString("winner_token_id"),
            fee: fee,
            payoutNumerators: try parsePayoutNumerators(f, outcomes: outcomes.count),
            payoutPending: !(try f.optBool("payout_reported") ?? true))
    }

    /// `payout_numerators`: one non-negative integer per outcome, not all zero (nil when absent).
    static func parsePayoutNumerators(_ f: Fields, outcomes: Int) throws(PaperInputError) -> [Int]? {
        guard f.has("payout_numerators") else { return nil }
        let v = try f.array("payout_numerators").map { $0.int64Value }
        guard v.count == outcomes, v.allSatisfy({ ($0 ?? -1) >= 0 && ($0 ?? 0) < 1_000_000 }),
            v.contains(where: { ($0 ?? 0) > 0 })
        else {
            throw PaperInputError(
                "\(f.context): payout_numerators must hold one integer ≥ 0 per outcome (\(outcomes)), not all 0")
        }
        return v.map { Int($0 ?? 0) }
    }

    static func parseLevels(_ items: [JSON], _ context: String) throws(PaperInputError) -> [PaperLevel] {
        var out: [PaperLevel] = []
        for (i, l) in items.enumerated() {
            let lf = try Fields(l, "\(context)[\(i)]")
            let price = try lf.fixed("price")
            let size = try lf.fixed("size")
            guard price.isPositive, price < Fixed6.one, !size.isNegative else {
                throw PaperInputError("\(context)[\(i)]: price must be in (0,1) and size ≥ 0")
            }
            out.append(PaperLevel(price: price, size: size))
        }
        return out
    }

    static func parseBook(_ f: Fields, timestampMs: Int64) throws(PaperInputError) -> PaperBook {
        var b = PaperBook(
            tokenID: try f.string("token_id"),
            bids: try parseLevels(f.array("bids"), "\(f.context).bids"),
            asks: try parseLevels(f.array("asks"), "\(f.context).asks"),
            lastTradePrice: try f.optFixed("last_trade_price"),
            lastTradeSide: try f.optString("last_trade_side")?.uppercased(),
            timestampMs: timestampMs)
        if let side = b.lastTradeSide, side != "BUY" && side != "SELL" {
            throw PaperInputError("\(f.context): last_trade_side must be BUY or SELL")
        }
        b.normalise()
        return b
    }

    static func parseWallet(_ f: Fields) throws(PaperInputError) -> PaperWallet {
        let address = try f.string("address")
        var creds: PaperCredentials?
        if let c = try f.object("credentials") {
            creds = PaperCredentials(
                apiKey: try c.string("api_key"), secret: try c.string("secret"),
                passphrase: try c.string("passphrase"))
        }
        var tokens: [String: Fixed6] = [:]
        var costs: [String: Fixed6] = [:]
        for (i, p) in try f.array("positions").enumerated() {
            let pf = try Fields(p, "\(f.context).positions[\(i)]")
            let token = try pf.string("token_id")
            let size = try pf.fixed("size")
            tokens[token, default: .zero] += size
            costs[token, default: .zero] += size.multiplied(
                by: try pf.optFixed("avg_price") ?? .zero, rounding: .halfEven)
        }
        let sigType = Int(try f.optInt("signature_type") ?? 0)
        guard (0...3).contains(sigType) else { throw PaperInputError("\(f.context): signature_type must be 0…3") }
        return PaperWallet(
            address: address,
            owner: try f.optString("owner") ?? address,
            signatureType: sigType,
            credentials: creds,
            collateral: try f.optFixed("collateral") ?? .zero,
            allowance: try f.optFixed("allowance") ?? unlimitedAllowance,
            tokens: tokens, costs: costs)
    }

    static func parseLeaderPosition(_ f: Fields) throws(PaperInputError) -> PaperLeaderPosition {
        PaperLeaderPosition(
            tokenID: try f.string("token_id"), size: try f.fixed("size"),
            avgPrice: try f.optFixed("avg_price") ?? .zero)
    }
}
