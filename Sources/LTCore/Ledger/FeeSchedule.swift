/// A market's taker fee schedule, the `fd` object of `GET /clob-markets/{condition_id}`
/// (polymarket-protocol.md §5.7): per share, `rate × (p × (1 − p))^exponent` at the fill price p.
/// V2 charges it on top of the signed maker amount, so a BUY must lock amount + fee (design §3).
public struct FeeSchedule: Sendable, Hashable, Codable {
    public var rate: Fixed6
    public var exponent: Int
    /// `to`: charged to takers only. lt's market orders are always takers.
    public var takerOnly: Bool

    public static let free = FeeSchedule(rate: .zero, exponent: 0, takerOnly: true)

    public init(rate: Fixed6, exponent: Int, takerOnly: Bool = true) {
        self.rate = rate
        self.exponent = exponent
        self.takerOnly = takerOnly
    }

    public var isFree: Bool { rate == .zero }

    /// The fee for `shares` bought or sold at `price`, rounded UP to the micro-unit so that the
    /// cash locked for it is never short. Exact: `p(1−p)` has at most 12 decimals, carried at
    /// 10⁻¹⁸ in 128-bit integers; nil when the result is beyond `Fixed6`'s range.
    public func fee(shares: Fixed6, price: Fixed6) -> Fixed6? {
        guard rate.isPositive, shares.isPositive, price.isPositive, price < .one, exponent >= 0, exponent <= 8
        else { return .zero }
        let p = Int128(price.micros)
        let q12 = p * (1_000_000 - p)  // p(1−p) at 10⁻¹²
        var f18 = Int128(rate.micros) * 1_000_000_000_000  // rate at 10⁻¹⁸
        for _ in 0..<exponent {
            // Rounded up at 10⁻¹⁸: a fee a hair too high is locked, never one too low.
            f18 = (f18 * q12 + 999_999_999_999) / 1_000_000_000_000
        }
        let product = Int128(shares.micros).multipliedReportingOverflow(by: f18)
        guard !product.overflow else { return nil }
        let micros = (product.partialValue + 999_999_999_999_999_999) / 1_000_000_000_000_000_000
        guard micros <= Int128(Int64.max) else { return nil }
        return Fixed6(micros: Int64(micros))
    }

    /// The expected fee of a simulated fill: its shares at its volume-weighted price. (The venue
    /// charges each trade separately; the fee of record comes from the trades, issue 8 sync.)
    public func fee(of fill: BookFill) -> Fixed6? {
        guard let vwap = fill.vwap else { return .zero }
        return fee(shares: fill.shares, price: vwap)
    }
}
