import Foundation

/// One `ft_orders` row as `execute` reads it (design §2, the input contract owned by FT).
///
/// Everything but the id is optional and the numbers are the database's decimal *text*: FT rows can
/// be malformed, and a malformed row must become a SKIPPED decision with a reason, never a crash or
/// a decoding error that stops the batch.
public struct FTSignalRow: Sendable, Hashable {
    public var orderID: String
    public var walletID: String?
    public var orderTime: Date?
    /// The database's text of an `order_time` that is not a usable instant (`infinity`, a year past
    /// 9999); `orderTime` is then nil. Nil when the time is NULL or usable (the initializer drops
    /// the text when `orderTime` is given, so a reader may pass both).
    public var unusableOrderTime: String?
    public var side: String?
    public var conditionID: String?
    public var tokenLabel: String?
    public var tokenID: String?
    public var entryPrice: String?
    public var size: String?
    public var traderWallet: String?
    public var marketTitle: String?
    public var marketSlug: String?

    public init(
        orderID: String, walletID: String? = nil, orderTime: Date? = nil, unusableOrderTime: String? = nil,
        side: String? = nil,
        conditionID: String? = nil, tokenLabel: String? = nil, tokenID: String? = nil,
        entryPrice: String? = nil, size: String? = nil, traderWallet: String? = nil,
        marketTitle: String? = nil, marketSlug: String? = nil
    ) {
        self.orderID = orderID
        self.walletID = walletID
        self.orderTime = orderTime
        self.unusableOrderTime = orderTime == nil ? unusableOrderTime : nil
        self.side = side
        self.conditionID = conditionID
        self.tokenLabel = tokenLabel
        self.tokenID = tokenID
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
    public let orderID: String
    public let walletID: String?
    public let signalTime: Date
    /// Lower-cased, trimmed.
    public let conditionID: String
    /// Trimmed; matched against the market's outcomes case-insensitively (`TokenResolution`).
    public let tokenLabel: String
    /// The FT row's token id when it is a decimal uint256; otherwise nil and resolved later.
    public let tokenID: String?
    /// Strictly inside (0, 1).
    public let price: Fixed6
    /// Positive.
    public let sizeUSD: Fixed6
    public let traderWallet: String?
    public let marketTitle: String?
    public let marketSlug: String?
}

/// FT row → BUY signal or a skip reason. Pure; checks run in a fixed order so a row with several
/// defects always gets the same reason: field lengths, side, condition, outcome label, price, size,
/// signal time.
public enum SignalValidation {
    /// The text fields lt copies from an FT row into `lt_orders`, with the longest value it accepts
    /// (UTF-8 bytes). Ids get a small bound (the longest legitimate one, a uint256 token id, is 78
    /// digits); free text a larger one. Every bound is far below what a B-tree index row can hold
    /// (about 2.7 kB), so an over-long value is a SKIPPED row instead of a failed insert that would
    /// stop the run.
    public enum Field: String, Sendable, CaseIterable {
        case orderID = "order_id"
        case walletID = "wallet_id"
        case conditionID = "condition_id"
        case tokenID = "token_id"
        case traderWallet = "trader_wallet"
        case tokenLabel = "token_label"
        case marketSlug = "market_slug"
        case marketTitle = "market_title"

        public var maxLength: Int {
            switch self {
            case .orderID, .walletID, .conditionID, .tokenID, .traderWallet: return 128
            case .tokenLabel, .marketSlug: return 256
            case .marketTitle: return 1024
            }
        }

        func value(in row: FTSignalRow) -> String? {
            switch self {
            case .orderID: return row.orderID
            case .walletID: return row.walletID
            case .conditionID: return row.conditionID
            case .tokenID: return row.tokenID
            case .traderWallet: return row.traderWallet
            case .tokenLabel: return row.tokenLabel
            case .marketSlug: return row.marketSlug
            case .marketTitle: return row.marketTitle
            }
        }
    }

    /// The first field of `row` longer than its bound, as a FIELD_TOO_LONG skip.
    public static func oversizedField(_ row: FTSignalRow) -> Skip? {
        for field in Field.allCases {
            guard let v = field.value(in: row) else { continue }
            let length = v.utf8.count
            if length > field.maxLength {
                return Skip(
                    .fieldTooLong,
                    "\(field.rawValue) is \(length) bytes long (at most \(field.maxLength)); stored truncated")
            }
        }
        return nil
    }

    /// `value` cut to at most `field.maxLength` UTF-8 bytes on a character boundary: what a row
    /// can store of an over-long field (its skip detail says it was cut).
    public static func truncated(_ value: String, to field: Field) -> String {
        guard value.utf8.count > field.maxLength else { return value }
        var out = ""
        var bytes = 0
        for c in value {
            let n = c.utf8.count
            if bytes + n > field.maxLength { break }
            out.append(c)
            bytes += n
        }
        return out
    }

    /// True for `0x` followed by exactly 64 hex digits (a bytes32 condition id), either case.
    public static func isConditionID(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 66, u[0] == UInt8(ascii: "0"), u[1] | 0x20 == UInt8(ascii: "x") else { return false }
        return u.dropFirst(2).allSatisfy { c in
            (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f"))
        }
    }

    public static func validate(_ row: FTSignalRow) -> Result<BuySignal, Skip> {
        // First: every later detail quotes fields, and the row is stored whatever the outcome.
        if let skip = oversizedField(row) { return .failure(skip) }
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
        guard let condition = trimmed(row.conditionID)?.lowercased() else {
            return .failure(Skip(.missingCondition, "condition_id is NULL or empty"))
        }
        // Checked here, so a malformed id costs no venue call and reads as what it is.
        guard isConditionID(condition) else {
            return .failure(
                Skip(
                    .invalidCondition,
                    "condition_id \(describe(row.conditionID)) (\(condition.utf8.count) characters) is not 0x and 64 hex digits"
                ))
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
        if price.isZero, let away = try? Fixed6(parsing: priceText, rounding: .up), away.isPositive {
            // Not "entry_price 0": the operator should see the value FT wrote.
            return .failure(
                Skip(
                    .invalidPrice,
                    "entry_price \(describe(priceText)) is below the smallest price unit \(Fixed6(micros: 1))"))
        }
        guard price > .zero, price < .one else {
            let shown = price.isZero ? describe(priceText) : "\(price)"
            return .failure(Skip(.invalidPrice, "entry_price \(shown) is not strictly inside (0, 1)"))
        }
        guard let sizeText = trimmed(row.size) else {
            return .failure(Skip(.invalidSize, "size is \(describe(row.size))"))
        }
        let size: Fixed6
        do { size = try Fixed6(parsing: sizeText, rounding: .down) } catch Fixed6Error.overflow {
            return .failure(
                Skip(.sizeOutOfRange, "size \(describe(sizeText)) is too large (at most \(Fixed6.max.plainText))"))
        } catch {
            return .failure(Skip(.invalidSize, "size is \(describe(row.size))"))
        }
        guard size > .zero else {
            return .failure(Skip(.invalidSize, "size \(size) is not positive"))
        }
        guard let time = row.orderTime else {
            if let raw = row.unusableOrderTime {
                // Read only because it is at or after the window's start: later than any clock.
                return .failure(Skip(.futureSignal, "order_time \(describe(raw)) is not a usable time"))
            }
            return .failure(Skip(.missingSignalTime, "order_time is NULL"))
        }
        var tokenID: String? = nil
        if let t = trimmed(row.tokenID), t.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { tokenID = t }
        return .success(
            BuySignal(
                orderID: row.orderID, walletID: row.walletID, signalTime: time, conditionID: condition,
                tokenLabel: label, tokenID: tokenID, price: price, sizeUSD: size,
                traderWallet: trimmed(row.traderWallet), marketTitle: row.marketTitle,
                marketSlug: row.marketSlug))
    }

    static func trimmed(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    /// Quotes a raw value for a skip detail, bounded so a huge malformed field cannot flood a row,
    /// with control characters escaped so it cannot break a log line or a terminal.
    static func describe(_ s: String?) -> String {
        guard let s else { return "NULL" }
        return "'\(TextEscaping.controls(String(s.prefix(40))))'"
    }

    /// A label for a skip detail: quoted, control characters escaped and, when it holds anything
    /// but printable ASCII, followed by its code points, so a homoglyph ("Yеs" with a Cyrillic е)
    /// does not read as the valid label it imitates.
    public static func describeLabel(_ label: String) -> String {
        let shown = String(label.prefix(40))
        let quoted = "\"" + TextEscaping.controls(shown) + "\""
        guard shown.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value > 0x7e }) else { return quoted }
        let points = shown.unicodeScalars.map { scalar -> String in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: Swift.max(0, 4 - hex.count)) + hex
        }
        return quoted + " (" + points.joined(separator: " ") + ")"
    }
}

/// Staleness (design §4: skip stale BUYs older than `max_signal_age_seconds`). The clock is injected.
public enum Staleness {
    /// How far in the future a signal may be dated: the clock skew tolerated between FT's host and
    /// ours. A signal dated later than this is not "fresh", it is wrong (FUTURE_SIGNAL): counting it
    /// as age zero would place a signal whose time nobody can vouch for.
    public static let maxClockSkewSeconds = 60

    /// nil when the signal is fresh enough (or the strategy sets no age limit) and not dated beyond
    /// the clock-skew allowance; a future date up to the allowance counts as age zero.
    public static func check(signalTime: Date, now: Date, maxAgeSeconds: Int?) -> Skip? {
        let ahead = signalTime.timeIntervalSince(now)
        if ahead > Double(maxClockSkewSeconds) {
            return Skip(
                .futureSignal,
                "signal is dated \(Int(ahead.rounded(.down)))s in the future (clock-skew allowance \(maxClockSkewSeconds)s)"
            )
        }
        guard let maxAgeSeconds else { return nil }
        let age = now.timeIntervalSince(signalTime)
        guard age > Double(maxAgeSeconds) else { return nil }
        return Skip(.staleSignal, "signal is \(Int(age))s old, limit \(maxAgeSeconds)s")
    }
}

/// Matching a signal's outcome label to one of the market's tokens (design §4: token resolution).
public enum TokenResolution {
    public struct MarketToken: Sendable, Hashable {
        public let tokenID: String
        public let outcome: String
        public init(tokenID: String, outcome: String) {
            self.tokenID = tokenID
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
            let known = tokens.map { TextEscaping.controls(String($0.outcome.prefix(40))) }
                .joined(separator: ", ")
            let which =
                hits.isEmpty ? "is not an outcome of the market" : "names \(hits.count) of the market's outcomes"
            return .failure(
                Skip(.unknownOutcome, "label \(SignalValidation.describeLabel(label)) \(which) [\(known)]"))
        }
        return .success(hits[0])
    }
}
