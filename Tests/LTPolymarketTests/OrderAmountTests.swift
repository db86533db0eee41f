import LTCore
import Testing

@testable import LTPolymarket

/// order_amounts.json: every case's `unified` maker/taker amounts (the unified SDK's exact decimal
/// algorithm), with the venue's market-order decimal caps applied by rule (`MarketOrderCaps`, §5.8).
struct OrderAmountTests {
    nonisolated(unsafe) static let cases = Vectors.load("order_amounts.json")["cases"] as! [[String: Any]]
    static let ids = cases.map { $0["id"] as! String }

    @Test("order_amounts: unified algorithm", arguments: ids)
    func unifiedAmounts(id: String) throws {
        let c = Self.cases.first { $0["id"] as! String == id }!
        let side = Side(rawValue: c["side"] as! String)!
        let tick = try TickSize(parsing: c["tick"] as! String)
        let price = try ExactDecimal(parsing: c["price"] as! String)
        let amount = try ExactDecimal(parsing: c["amount"] as! String)
        let expected = c["unified"] as! [String: String]
        if c["kind"] as! String == "limit" {
            if c["on_grid"] as? Bool == false {
                #expect(throws: OrderValidationError.priceNotOnTick(price: price.description, tick: tick.rawValue)) {
                    try OrderAmounts.limit(side: side, price: price, size: amount, tick: tick)
                }
                return
            }
            let a = try OrderAmounts.limit(side: side, price: price, size: amount, tick: tick)
            #expect(String(a.makerAmount) == expected["makerAmount"])
            #expect(String(a.takerAmount) == expected["takerAmount"])
        } else {
            let venue = MarketOrderCaps.expected(
                kind: "market", makerAmount: expected["makerAmount"]!, takerAmount: expected["takerAmount"]!)
            if venue.taker == 0 {  // the SDK's taker was below 10⁻⁴: nothing the venue would accept
                #expect(throws: OrderValidationError.zeroAmount(makerAmount: venue.maker, takerAmount: 0)) {
                    try OrderAmounts.market(side: side, price: price, amount: amount, tick: tick)
                }
                return
            }
            let a = try OrderAmounts.market(side: side, price: price, amount: amount, tick: tick)
            #expect(a.makerAmount == venue.maker)
            #expect(a.takerAmount == venue.taker)
            // The cap never lowers a BUY's derived price below the price used (the SDK's rounding
            // already keeps it ≥; truncating shares only raises it).
            if side == .buy {
                let used = ExactDecimal(units: price.floorUnits(places: tick.priceDecimals), scale: tick.priceDecimals)
                #expect(Int128(a.makerAmount) * pow10(used.scale) >= Int128(a.takerAmount) * used.units)
            }
        }
    }

    @Test func fixed6OverloadsAgreeWithExactDecimals() throws {
        let a = try OrderAmounts.limit(
            side: .buy, price: Fixed6(parsing: "0.57"), size: Fixed6(parsing: "17.8"), tick: .hundredth)
        #expect(a.makerAmount == 10_146_000 && a.takerAmount == 17_800_000)
        let m = try OrderAmounts.market(side: .buy, price: Fixed6(parsing: "0.57"), amount: 15, tick: .hundredth)
        #expect(m.makerAmount == 15_000_000 && m.takerAmount == 26_315_700)
    }

    /// §5.8 on each fine tick, for both sides: the venue takes a market taker with ≤ 4 decimals.
    @Test(
        "market orders: taker truncated to 4 decimals on fine ticks",
        arguments: [
            // side, tick, price, amount, makerAmount, takerAmount (SDK value in the comment)
            (Side.buy, TickSize.thousandth, "0.533", "15", UInt64(15_000_000), UInt64(28_142_500)),  // 28142580
            (.buy, .tenThousandth, "0.4321", "15", 15_000_000, 34_714_100),  // 34714186
            (.buy, .fiveThousandths, "0.535", "15", 15_000_000, 28_037_300),  // 28037380
            (.buy, .twentyFiveTenThousandths, "0.3275", "3.45", 3_450_000, 10_534_300),  // 10534351
            (.sell, .twentyFiveTenThousandths, "0.4425", "180.719654", 180_710_000, 79_964_100),  // 79964175
            (.sell, .tenThousandth, "0.1402", "404.33", 404_330_000, 56_687_000),  // 56687066
            (.buy, .hundredth, "0.57", "15", 15_000_000, 26_315_700),  // unchanged: 4 decimals already
            (.buy, .tenth, "0.6", "15", 15_000_000, 25_000_000),  // unchanged
        ])
    func marketTakerCap(
        side: Side, tick: TickSize, price: String, amount: String, maker: UInt64, taker: UInt64
    ) throws {
        let a = try OrderAmounts.market(
            side: side, price: ExactDecimal(parsing: price), amount: ExactDecimal(parsing: amount), tick: tick)
        #expect(a.makerAmount == maker && a.takerAmount == taker)
        // Limit orders keep the tick's decimals (a 6-decimal counter-amount is fine for them).
        let l = try OrderAmounts.limit(side: .buy, price: "0.0123", size: "1000.01", tick: .tenThousandth)
        #expect(l.makerAmount == 12_300_123)
    }

    @Test func marketTakerBelowTheCapIsZero() {
        // 0.06 shares × 0.4325 = 0.02595 dollars: 0.0259 after the cap. 0.01 × 0.0001 → 0.
        #expect(throws: OrderValidationError.zeroAmount(makerAmount: 10_000, takerAmount: 0)) {
            try OrderAmounts.market(side: .sell, price: "0.0001", amount: "0.01", tick: .tenThousandth)
        }
        #expect(
            (try? OrderAmounts.market(side: .sell, price: "0.4325", amount: "0.06", tick: .twentyFiveTenThousandths))
                .map { [$0.makerAmount, $0.takerAmount] } == [60_000, 25_900])
    }

    @Test func validationErrorsAreTypedAndSpecific() throws {
        #expect(throws: OrderValidationError.unknownTickSize("0.02")) { try TickSize(parsing: "0.02") }
        #expect(try TickSize(parsing: "0.010") == .hundredth)
        #expect(throws: OrderValidationError.priceNotOnTick(price: "0.555", tick: "0.01")) {
            try OrderAmounts.limit(side: .buy, price: "0.555", size: "10", tick: .hundredth)
        }
        #expect(throws: OrderValidationError.priceOutOfRange(price: "0.995", min: "0.01", max: "0.99")) {
            try OrderAmounts.limit(side: .buy, price: "0.995", size: "10", tick: .hundredth)
        }
        #expect(throws: OrderValidationError.priceOutOfRange(price: "1", min: "0.01", max: "0.99")) {
            try OrderAmounts.market(side: .buy, price: "1", amount: "10", tick: .hundredth)
        }
        // A market price is truncated before the range check: 0.995 trades as 0.99, 0.009 as 0.
        let m = try OrderAmounts.market(side: .buy, price: "0.995", amount: "9.9", tick: .hundredth)
        #expect(m.makerAmount == 9_900_000 && m.takerAmount == 10_000_000)
        #expect(throws: OrderValidationError.priceOutOfRange(price: "0.009", min: "0.01", max: "0.99")) {
            try OrderAmounts.market(side: .sell, price: "0.009", amount: "10", tick: .hundredth)
        }
        #expect(throws: OrderValidationError.priceOutOfRange(price: "0", min: "0.1", max: "0.9")) {
            try OrderAmounts.limit(side: .sell, price: "0", size: "10", tick: .tenth)
        }
        #expect(throws: OrderValidationError.nonPositiveSize("0")) {
            try OrderAmounts.limit(side: .buy, price: "0.5", size: "0", tick: .tenth)
        }
        #expect(throws: OrderValidationError.nonPositiveSize("-1")) {
            try OrderAmounts.limit(side: .buy, price: "0.5", size: "-1", tick: .tenth)
        }
        #expect(throws: OrderValidationError.nonPositiveAmount("0")) {
            try OrderAmounts.market(side: .buy, price: "0.5", amount: "0", tick: .tenth)
        }
        // Below the venue's 2-decimal size precision: rounds to nothing.
        #expect(throws: OrderValidationError.zeroAmount(makerAmount: 0, takerAmount: 0)) {
            try OrderAmounts.limit(side: .buy, price: "0.5", size: "0.004", tick: .tenth)
        }
        #expect(throws: OrderValidationError.tooPrecise("0.1234567890123456789")) {
            try ExactDecimal(parsing: "0.1234567890123456789")
        }
        #expect(throws: OrderValidationError.invalidNumber("1e5")) { try ExactDecimal(parsing: "1e5") }
        #expect(throws: OrderValidationError.amountTooLarge("999999999999999")) {
            try OrderAmounts.limit(side: .buy, price: "0.5", size: "999999999999999", tick: .tenth)
        }
    }
}
