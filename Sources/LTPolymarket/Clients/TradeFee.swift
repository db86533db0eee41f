import BigInt
import LTCore

/// The fee a trade charged, from what the venue reports: its `fee_rate_bps` (an exact decimal
/// string such as "50" or "49.92") and the shares of the fill. The venue's trade object carries
/// no fee amount, so lt computes it as `shares × fee_rate_bps / 10⁴`, rounded up to the
/// micro-unit (docs/paper-exchange.md "Fees": the venue does not publish its rounding; rounding up
/// never books less than was charged).
public enum TradeFee {
    /// nil when the rate is missing or not a non-negative decimal number.
    public static func fee(shares: Fixed6, rateBps text: String?) -> Fixed6? {
        guard let text, let (units, scale) = decimal(text), !shares.isNegative else { return nil }
        if units.isZero || shares.isZero { return .zero }
        // fee micros = shares micros × units / (10^scale × 10^4), rounded up.
        let numerator = BigUInt(shares.micros) * units
        let denominator = BigUInt(10).power(scale + 4)
        let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator)
        let micros = r.isZero ? q : q + 1
        guard micros <= BigUInt(Int64.max) else { return nil }
        return Fixed6(micros: Int64(micros))
    }

    /// A plain non-negative decimal ("49.92", "50", "0.5") as digits and their scale.
    static func decimal(_ text: String) -> (BigUInt, Int)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !t.isEmpty else { return nil }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty),
            (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        guard let units = BigUInt(String(whole + fraction).isEmpty ? "0" : String(whole + fraction), radix: 10)
        else { return nil }
        return (units, fraction.count)
    }
}
