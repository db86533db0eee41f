import Foundation

/// One `ft_orders` row as `execute` reads it (design §2, the input contract owned by FT).
///
/// Everything but the id is optional and the numbers are the database's decimal *text*: FT rows can
/// be malformed, and a malformed row must become a SKIPPED decision with a reason, never a crash or
/// a decoding error that stops the batch.
public struct FTSignalRow: Sendable, Hashable {
    public var orderId: String
    public var walletId: String?
    public var orderTime: Date?
    public var side: String?
    public var conditionId: String?
    public var tokenLabel: String?
    public var tokenId: String?
    public var entryPrice: String?
    public var size: String?
    public var traderWallet: String?
    public var marketTitle: String?
    public var marketSlug: String?

    public init(
        orderId: String, walletId: String? = nil, orderTime: Date? = nil, side: String? = nil,
        conditionId: String? = nil, tokenLabel: String? = nil, tokenId: String? = nil,
        entryPrice: String? = nil, size: String? = nil, traderWallet: String? = nil,
        marketTitle: String? = nil, marketSlug: String? = nil
    ) {
        self.orderId = orderId
        self.walletId = walletId
        self.orderTime = orderTime
        self.side = side
        self.conditionId = conditionId
        self.tokenLabel = tokenLabel
        self.tokenId = tokenId
        self.entryPrice = entryPrice
        self.size = size
        self.traderWallet = traderWallet
        self.marketTitle = marketTitle
        self.marketSlug = marketSlug
    }
}

/// A signal that passed validation: a BUY of `tokenLabel` in `conditionId` at `price` for
/// `sizeUsd` dollars, copied from FT order `orderId`.
public struct BuySignal: Sendable, Hashable {
    public let orderId: String
    public let walletId: String?
    public let signalTime: Date
    /// Lower-cased, trimmed.
    public let conditionId: String
    /// Trimmed; matched against the market's outcomes case-insensitively (`TokenResolution`).
    public let tokenLabel: String
    /// The FT row's token id when it is a decimal uint256; otherwise nil and resolved later.
    public let tokenId: String?
    /// Strictly inside (0, 1).
    public let price: Fixed6
    /// Positive.
    public let sizeUsd: Fixed6
    public let traderWallet: String?
    public let marketTitle: String?
    public let marketSlug: String?
}

/// FT row → BUY signal or a skip reason. Pure; checks run in a fixed order so a row with several
/// defects always gets the same reason: side, condition, outcome label, price, size, signal time.
public enum SignalValidation {
    public static func validate(_ row: FTSignalRow) -> Result<BuySignal, Skip> {
        let side = trimmed(row.side)?.uppercased()
        switch side {
        case "BUY": break
        case "SELL":
            // FT's SELL rows are its paper exits. Exits are mirrored by `check-exits` from the
            // leader's live positions (proportionally, per design §4), not by copying FT's exit rows.
            return .failure(Skip(.notAnEntry, "SELL signal: exits are mirrored by check-exits"))
        default:
            return .failure(Skip(.invalidSide, "side is \(describe(row.side))"))
        }
        guard let condition = trimmed(row.conditionId)?.lowercased() else {
            return .failure(Skip(.missingCondition, "condition_id is NULL or empty"))
        }
        guard let label = trimmed(row.tokenLabel) else {
            return .failure(Skip(.unknownOutcome, "token_label is NULL or empty"))
        }
        guard let priceText = trimmed(row.entryPrice),
            // Prices finer than a micro cannot be traded anyway; round rather than reject.
            let price = try? Fixed6(parsing: priceText, rounding: .halfEven)
        else {
            return .failure(Skip(.invalidPrice, "entry_price is \(describe(row.entryPrice))"))
        }
        guard price > .zero, price < .one else {
            return .failure(Skip(.invalidPrice, "entry_price \(price) is not strictly inside (0, 1)"))
        }
        guard let sizeText = trimmed(row.size),
            let size = try? Fixed6(parsing: sizeText, rounding: .down)
        else {
            return .failure(Skip(.invalidSize, "size is \(describe(row.size))"))
        }
        guard size > .zero else {
            return .failure(Skip(.invalidSize, "size \(size) is not positive"))
        }
        guard let time = row.orderTime else {
            return .failure(Skip(.missingSignalTime, "order_time is NULL"))
        }
        var tokenId: String? = nil
        if let t = trimmed(row.tokenId), t.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { tokenId = t }
        return .success(
            BuySignal(
                orderId: row.orderId, walletId: row.walletId, signalTime: time, conditionId: condition,
                tokenLabel: label, tokenId: tokenId, price: price, sizeUsd: size,
                traderWallet: trimmed(row.traderWallet), marketTitle: row.marketTitle,
                marketSlug: row.marketSlug))
    }

    static func trimmed(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    /// Quotes a raw value for a skip detail, bounded so a huge malformed field cannot flood a row.
    static func describe(_ s: String?) -> String {
        guard let s else { return "NULL" }
        return "'\(s.prefix(40))'"
    }
}

/// Staleness (design §4: skip stale BUYs older than `max_signal_age_seconds`). The clock is injected.
public enum Staleness {
    /// nil when the signal is fresh enough (or the strategy sets no limit). A signal time in the
    /// future (clock skew between FT and us) counts as age zero, not as an error.
    public static func check(signalTime: Date, now: Date, maxAgeSeconds: Int?) -> Skip? {
        guard let maxAgeSeconds else { return nil }
        let age = now.timeIntervalSince(signalTime)
        guard age > Double(maxAgeSeconds) else { return nil }
        return Skip(.staleSignal, "signal is \(Int(age))s old, limit \(maxAgeSeconds)s")
    }
}

/// Matching a signal's outcome label to one of the market's tokens (design §4: token resolution).
public enum TokenResolution {
    public struct MarketToken: Sendable, Hashable {
        public let tokenId: String
        public let outcome: String
        public init(tokenId: String, outcome: String) {
            self.tokenId = tokenId
            self.outcome = outcome
        }
    }

    /// The token whose outcome equals `label` ignoring case and surrounding whitespace. A label
    /// that names no token, or names two, is UNKNOWN_OUTCOME: guessing would buy the wrong side.
    public static func resolve(label: String, in tokens: [MarketToken]) -> Result<MarketToken, Skip> {
        let want = label.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let hits = tokens.filter {
            $0.outcome.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == want
        }
        guard hits.count == 1 else {
            let known = tokens.map(\.outcome).joined(separator: ", ")
            return .failure(Skip(.unknownOutcome, "label '\(label.prefix(40))' not among [\(known)]"))
        }
        return .success(hits[0])
    }
}
