/// One entry of `lt_strategies.multiplier_tiers` (JSONB `[{min,max,multiplier}]`): signals whose
/// USD size is in `[min, max)` are multiplied by `multiplier`. A missing bound is open.
public struct MultiplierTier: Sendable, Hashable, Codable {
    public var min: Fixed6?
    public var max: Fixed6?
    public var multiplier: Fixed6

    public init(min: Fixed6?, max: Fixed6?, multiplier: Fixed6) {
        self.min = min
        self.max = max
        self.multiplier = multiplier
    }

    /// Half-open `[min, max)`, so adjacent tiers (`max` of one = `min` of the next) never overlap.
    public func contains(_ size: Fixed6) -> Bool {
        if let min, size < min { return false }
        if let max, size >= max { return false }
        return true
    }
}

/// The sizing columns of a strategy (design §2), independent of the full row type.
public struct SizingConfig: Sendable, Hashable {
    public var mode: SizingMode
    /// SIGNAL: the multiplier when no tier matches.
    public var sizeMultiplier: Fixed6
    public var multiplierTiers: [MultiplierTier]
    /// FIXED: dollars per order.
    public var fixedSizeUSD: Fixed6?
    /// PERCENT: a percentage in (0, 100] of *available* cash (5 means 5 %, like the other `_pct`
    /// columns), never of equity.
    public var percentOfCash: Fixed6?
    public var minOrderUSD: Fixed6?
    public var maxPositionSizeUSD: Fixed6?

    public init(
        mode: SizingMode, sizeMultiplier: Fixed6 = .one, multiplierTiers: [MultiplierTier] = [],
        fixedSizeUSD: Fixed6? = nil, percentOfCash: Fixed6? = nil, minOrderUSD: Fixed6? = nil,
        maxPositionSizeUSD: Fixed6? = nil
    ) {
        self.mode = mode
        self.sizeMultiplier = sizeMultiplier
        self.multiplierTiers = multiplierTiers
        self.fixedSizeUSD = fixedSizeUSD
        self.percentOfCash = percentOfCash
        self.minOrderUSD = minOrderUSD
        self.maxPositionSizeUSD = maxPositionSizeUSD
    }
}

/// The USD amount to spend on one BUY, and how it was reached (for the log line and the row).
public struct SizingDecision: Sendable, Hashable {
    public enum Cap: String, Sendable, Hashable {
        case maxPositionSize = "max_position_size_usd"
        case availableCash = "99%_of_available_cash"
    }

    /// Whole cents, positive, ≥ the minimum, ≤ 99 % of available cash.
    public let amountUSD: Fixed6
    /// The multiplier applied (SIGNAL mode only).
    public let multiplier: Fixed6?
    /// The last cap that reduced the raw size, if any.
    public let cappedBy: Cap?
}

/// Sizing (design §4): SIGNAL × multiplier tiers, FIXED, PERCENT of available cash; then the
/// per-order cap `max_position_size_usd`, at most 99 % of available cash, and `min_order_usd`.
///
/// Rounding: the result is rounded DOWN to whole cents. A market BUY's maker amount is USD with two
/// decimals on the venue (polymarket-protocol.md §5.4, `round_down(amount, 2)`), so the amount
/// locked is exactly the amount the signed order can spend, and rounding never spends more than
/// decided. Intermediate products round down too, for the same reason.
public enum Sizing {
    public static let cent = Fixed6(micros: 10_000)
    /// The share of available cash one order may take: 99 %, so rounding and fees never overdraw.
    public static let maxCashFraction = Fixed6(micros: 990_000)

    public static func size(
        signalUSD: Fixed6, availableCash: Fixed6, config c: SizingConfig
    ) -> Result<SizingDecision, Skip> {
        var raw: Fixed6
        var multiplier: Fixed6? = nil
        switch c.mode {
        case .signal:
            let m = c.multiplierTiers.first(where: { $0.contains(signalUSD) })?.multiplier ?? c.sizeMultiplier
            guard m > .zero else { return .failure(Skip(.invalidConfig, "multiplier \(m) is not positive")) }
            multiplier = m
            // Both factors are input (FT's size, the strategy's multiplier): checked, never a trap.
            do { raw = try signalUSD.checkedMultiplied(by: m, rounding: .down) } catch {
                return .failure(
                    Skip(.sizeOutOfRange, "signal size \(signalUSD) × multiplier \(m) is too large (\(error))"))
            }
        case .fixed:
            guard let f = c.fixedSizeUSD, f > .zero else {
                return .failure(Skip(.invalidConfig, "FIXED sizing without a positive fixed_size_usd"))
            }
            raw = f
        case .percent:
            guard let p = c.percentOfCash, p > .zero, p <= Fixed6(100) else {
                return .failure(Skip(.invalidConfig, "PERCENT sizing needs percent_of_cash in (0, 100]"))
            }
            // One 128-bit product and one rounding: no intermediate overflow for any balance.
            do { raw = try availableCash.scaled(by: p, per: Fixed6(100), rounding: .down) } catch {
                return .failure(
                    Skip(.sizeOutOfRange, "\(p)% of available cash \(availableCash) is too large (\(error))"))
            }
        }

        var cappedBy: SizingDecision.Cap? = nil
        if let maxPos = c.maxPositionSizeUSD, raw > maxPos {
            raw = maxPos
            cappedBy = .maxPositionSize
        }
        let cashCap = availableCash.multiplied(by: maxCashFraction, rounding: .down)
        if raw > cashCap {
            raw = cashCap
            cappedBy = .availableCash
        }
        let amount = raw.rounded(toMultipleOf: cent, .floor)

        let minimum = Swift.max(c.minOrderUSD ?? .zero, cent)
        guard amount >= minimum else {
            if cappedBy == .availableCash {
                return .failure(
                    Skip(.insufficientCash, "available cash \(availableCash) allows \(amount) < minimum \(minimum)"))
            }
            return .failure(Skip(.belowMinimum, "sized \(amount) < minimum \(minimum)"))
        }
        return .success(SizingDecision(amountUSD: amount, multiplier: multiplier, cappedBy: cappedBy))
    }
}
