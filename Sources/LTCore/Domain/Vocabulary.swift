/// The shared vocabulary of the schema (design §2) and the venue. Raw values are exactly the
/// strings stored in Postgres and sent on the wire, so a value round-trips without mapping tables.

/// BUY or SELL, as the venue's JSON spells it. (The signed V2 struct uses 0/1: `signedValue`.)
public enum Side: String, Sendable, Hashable, Codable, CaseIterable {
    case buy = "BUY"
    case sell = "SELL"

    /// The `uint8 side` of the EIP-712 order struct.
    public var signedValue: UInt8 { self == .buy ? 0 : 1 }
}

/// CLOB time-in-force. FOK fills completely or is killed; FAK fills what it can and kills the rest;
/// GTC rests on the book; GTD rests until its expiration.
public enum OrderType: String, Sendable, Hashable, Codable, CaseIterable {
    case fok = "FOK"
    case fak = "FAK"
    case gtc = "GTC"
    case gtd = "GTD"
}

/// Lifecycle of an `lt_orders` row.
public enum OrderStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Decided and cash locked, order hash computed, not yet known to be posted.
    case intent = "INTENT"
    /// Posted and acknowledged by the venue, fills not final.
    case submitted = "SUBMITTED"
    case filled = "FILLED"
    case partial = "PARTIAL"
    case unfilled = "UNFILLED"
    case rejected = "REJECTED"
    case failed = "FAILED"
    /// The signal was decided against (`skip_reason` says why).
    case skipped = "SKIPPED"
    /// The post's outcome is unproven (timeout, 5xx, dropped connection): reconcile, never re-post.
    case unknown = "UNKNOWN"
    /// The order provably never reached the matching engine (connection refused before sending,
    /// 429/425): its cash is released and the signal is decided again by the next run (staleness
    /// still applies); `attempts` and `error` keep the audit trail.
    case notPlaced = "NOT_PLACED"

    /// No further change can happen to the order itself.
    public var isFinal: Bool {
        switch self {
        case .filled, .unfilled, .rejected, .failed, .skipped, .notPlaced: return true
        case .intent, .submitted, .partial, .unknown: return false
        }
    }
}

public enum StrategyMode: String, Sendable, Hashable, Codable, CaseIterable {
    case shadow
    case live
}

public enum TradingState: String, Sendable, Hashable, Codable, CaseIterable {
    case active = "ACTIVE"
    case reduceOnly = "REDUCE_ONLY"
    case halted = "HALTED"
}

public enum SizingMode: String, Sendable, Hashable, Codable, CaseIterable {
    case signal = "SIGNAL"
    case fixed = "FIXED"
    case percent = "PERCENT"
}

public enum ExitReason: String, Sendable, Hashable, Codable, CaseIterable {
    case traderExit = "TRADER_EXIT"
    case traderPartial = "TRADER_PARTIAL"
    case stopLoss = "STOP_LOSS"
    case takeProfit = "TAKE_PROFIT"
    case timeExit = "TIME_EXIT"
    case manual = "MANUAL"
}

public enum PositionOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case open = "OPEN"
    case won = "WON"
    case lost = "LOST"
    case closed = "CLOSED"
}

public enum RedemptionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case none = "NONE"
    case pending = "PENDING"
    case submitted = "SUBMITTED"
    case redeemed = "REDEEMED"
    case lossConfirmed = "LOSS_CONFIRMED"
    case failed = "FAILED"
}

/// On-chain settlement of a fill (the trade's status on the venue). CONFIRMED and FAILED are final;
/// a FAILED settlement reverses the fill (design §3).
public enum Settlement: String, Sendable, Hashable, Codable, CaseIterable {
    case matched = "MATCHED"
    case mined = "MINED"
    case confirmed = "CONFIRMED"
    case retrying = "RETRYING"
    case failed = "FAILED"

    public var isFinal: Bool { self == .confirmed || self == .failed }

    /// The venue's trade status (`MATCHED`, `TRADE_STATUS_MINED`, `MATCHED_NOT_BROADCASTED`, …).
    public init?(venueStatus: String) {
        var s = venueStatus.uppercased()
        if s.hasPrefix("TRADE_STATUS_") { s.removeFirst("TRADE_STATUS_".count) }
        if s == "MATCHED_NOT_BROADCASTED" { s = "MATCHED" }
        self.init(rawValue: s)
    }
}
