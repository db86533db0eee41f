/// Why a signal was decided against. The raw value is what `lt_orders.skip_reason` stores, so these
/// strings are a stable contract with operators' queries and dashboards: add cases, never rename.
///
/// The cases are listed in pipeline order (design §4): validation, staleness, sizing, risk (in the
/// design's order), market/token resolution, book and venue rules.
public enum SkipReason: String, Sendable, Hashable, Codable, CaseIterable {
    // Validation of the FT row (design §2: malformed rows become SKIPPED, never a crash).
    /// `side` is neither BUY nor SELL.
    case invalidSide = "INVALID_SIDE"
    /// A SELL row: FT's exits are not entries. Exits are mirrored by `check-exits` from the leader's
    /// positions, so `execute` records the row once (keeping the anti-join small) and moves on.
    case notAnEntry = "NOT_AN_ENTRY"
    /// `entry_price` missing, unparseable, or not strictly inside (0, 1).
    case invalidPrice = "INVALID_PRICE"
    /// `size` missing, unparseable, or not positive.
    case invalidSize = "INVALID_SIZE"
    /// `token_label` missing, or not one of the market's outcomes.
    case unknownOutcome = "UNKNOWN_OUTCOME"
    /// `condition_id` missing (NULL or empty).
    case missingCondition = "MISSING_CONDITION"
    /// `condition_id` present but not `0x` + 64 hex digits: refused locally, before any venue call.
    case invalidCondition = "INVALID_CONDITION"
    /// A text field longer than lt stores (`SignalValidation.maxLength`): the detail names the field
    /// and its length. Checked before anything is written, so an oversized value never reaches an
    /// index (whose row size it could exceed).
    case fieldTooLong = "FIELD_TOO_LONG"
    /// A number from the signal or the strategy (size, multiplier, capital) too large to compute
    /// with: the detail says "too large". Never a trap (design §2).
    case sizeOutOfRange = "SIZE_OUT_OF_RANGE"
    /// `order_time` missing.
    case missingSignalTime = "MISSING_SIGNAL_TIME"
    /// Older than the strategy's `max_signal_age_seconds`.
    case staleSignal = "STALE_SIGNAL"
    /// Dated further in the future than the clock-skew allowance (`Staleness.maxClockSkewSeconds`),
    /// or at a time no clock reaches (`infinity`, a year past 9999).
    case futureSignal = "FUTURE_SIGNAL"

    // Sizing.
    /// The strategy's sizing configuration cannot produce a size (e.g. FIXED without a size).
    case invalidConfig = "INVALID_CONFIG"
    /// The sized order is below `min_order_usd` (or below one cent).
    case belowMinimum = "BELOW_MINIMUM"

    // Risk checks, in the design's order.
    case insufficientCash = "INSUFFICIENT_CASH"
    case positionLimit = "POSITION_LIMIT"
    case exposureLimit = "EXPOSURE_LIMIT"
    case dailyBudget = "DAILY_BUDGET"
    case dailyLossLimit = "DAILY_LOSS_LIMIT"
    case circuitBreaker = "CIRCUIT_BREAKER"
    case halted = "HALTED"
    case reduceOnly = "REDUCE_ONLY"

    // Market and token resolution.
    /// The venue does not know the market, or the market does not accept orders (closed).
    case marketUnavailable = "MARKET_UNAVAILABLE"
    /// FT's token id is not the market's token for the row's outcome label (another market's token,
    /// or the other outcome's): trusting it would buy the wrong thing.
    case tokenMismatch = "TOKEN_MISMATCH"

    // Order book and venue rules.
    /// No asks at all.
    case emptyBook = "EMPTY_BOOK"
    /// The best ask is above the protected limit price (signal price + `max_slippage_bps`).
    case priceMoved = "PRICE_MOVED"
    /// FOK: the asks at or below the limit price cannot fill the whole amount.
    case insufficientDepth = "INSUFFICIENT_DEPTH"
    /// The limit price falls outside the venue's range [tick, 1 − tick].
    case priceOutOfRange = "PRICE_OUT_OF_RANGE"
    /// The order buys fewer shares than the market's minimum order size.
    case belowMinSize = "BELOW_MIN_SIZE"
}

/// A decision against a signal: the stable reason plus a human detail for the row's `error` column
/// and the log line (never containing secrets: only numbers and labels from the signal/strategy).
public struct Skip: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: SkipReason
    public let detail: String

    public init(_ reason: SkipReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
