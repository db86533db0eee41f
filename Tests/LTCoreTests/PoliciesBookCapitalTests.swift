import Testing

@testable import LTCore

@Suite struct PoliciesOrderBookTests {
    static func book(_ levels: [(String, String)]) -> [BookLevel] {
        levels.map { BookLevel(price: fx($0.0), size: fx($0.1)) }
    }

    @Test(
        arguments: [
            // signal, bps, tick, expected limit
            ("0.55", 0, "0.01", "0.55"),
            ("0.55", 100, "0.01", "0.55"),  // 0.5555 rounds DOWN to the tick
            ("0.55", 200, "0.01", "0.56"),  // 0.561
            ("0.555", 0, "0.01", "0.55"),  // off-grid signal: never above it
            ("0.555", 0, "0.001", "0.555"),
            ("0.98", 500, "0.01", "0.99"),  // 1.029 capped at 1 − tick
            ("0.9", 2000, "0.1", "0.9"),  // 1.08 capped at 0.9
            ("0.42", 50, "0.0025", "0.4200"),  // 0.4221 → 0.42 on a 0.0025 grid
            ("0.42", 100, "0.005", "0.42"),  // 0.4242 → 0.420
            ("0.42", 150, "0.005", "0.425"),  // 0.4263 → 0.425
        ] as [(String, Int, String, String)])
    func limitPrice(signal: String, bps: Int, tick: String, expected: String) {
        let limit = PriceProtection.limitPrice(signalPrice: fx(signal), maxSlippageBps: bps, tickSize: fx(tick))
        #expect(limit == fx(expected))
    }

    static let rules = VenueRules(tickSize: fx("0.01"), minOrderSize: fx("5"))

    @Test func bookWalkIsExactAndStopsAtTheLimit() {
        // Given worst-first as the venue sends it; the policy sorts.
        let asks = Self.book([("0.60", "100"), ("0.52", "10"), ("0.50", "10")])
        // $10 fills 10 @0.50 ($5) + 9.615384 @0.52 ($5.000000 rounded up from 4.99999968).
        let f = BookWalk.buy(asks: asks, limitPrice: fx("0.55"), maxUSD: fx("10"))
        #expect(f.shares == fx("19.615384"))
        #expect(f.usd == fx("10"))
        #expect(f.vwap == fx("0.509804"))
        // The 0.60 level is beyond the limit: the walk stops at $10.20 of depth.
        let g = BookWalk.buy(asks: asks, limitPrice: fx("0.55"), maxUSD: fx("100"))
        #expect(g.shares == fx("20"))
        #expect(g.usd == fx("10.2"))
        #expect(g.vwap == fx("0.51"))
        #expect(BookWalk.depthUSD(asks: asks, limitPrice: fx("0.55")) == fx("10.2"))
        #expect(BookWalk.buy(asks: asks, limitPrice: fx("0.49"), maxUSD: fx("10")) == .empty)
        #expect(BookWalk.buy(asks: [], limitPrice: fx("0.99"), maxUSD: fx("10")) == .empty)
    }

    @Test func bookWalkNeverSpendsMoreThanTheBudget() {
        let asks = Self.book([("0.33", "1000"), ("0.37", "1000")])
        for cents in [1, 7, 33, 100, 1234, 33_000, 60_000] {
            let budget = Fixed6(micros: Int64(cents) * 10_000)
            let f = BookWalk.buy(asks: asks, limitPrice: fx("0.37"), maxUSD: budget)
            #expect(f.usd <= budget)
            // Within one micro-share's cost of the budget whenever depth allows.
            #expect(budget - f.usd < fx("0.000001").multiplied(by: fx("0.37"), rounding: .ceiling) + fx("0.000001"))
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let asks: [BookLevel]
        let signal: String
        let bps: Int?
        let amount: String
        let type: OrderType
        var rules: VenueRules = PoliciesOrderBookTests.rules
        let reason: SkipReason?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "fills at signal price", asks: book([("0.55", "100")]), signal: "0.55", bps: 0, amount: "15",
            type: .fok, reason: nil),
        Case(
            name: "slippage guard: best ask above signal", asks: book([("0.56", "100")]), signal: "0.55", bps: 0,
            amount: "15", type: .fok, reason: .priceMoved),
        Case(
            name: "slippage allowance admits the ask", asks: book([("0.56", "100")]), signal: "0.55", bps: 200,
            amount: "15", type: .fok, reason: nil),
        Case(
            name: "no slippage setting means zero", asks: book([("0.56", "100")]), signal: "0.55", bps: nil,
            amount: "15", type: .fok, reason: .priceMoved),
        Case(name: "empty book", asks: [], signal: "0.55", bps: 100, amount: "15", type: .fok, reason: .emptyBook),
        Case(
            name: "only empty levels", asks: book([("0.5", "0")]), signal: "0.55", bps: 100, amount: "15",
            type: .fok, reason: .emptyBook),
        Case(
            name: "FOK needs full depth at ≤ limit", asks: book([("0.55", "20"), ("0.70", "1000")]),
            signal: "0.55", bps: 0, amount: "15", type: .fok, reason: .insufficientDepth),
        Case(
            name: "FAK takes partial depth", asks: book([("0.55", "20"), ("0.70", "1000")]),
            signal: "0.55", bps: 0, amount: "150", type: .fak, reason: nil),
        // The venue's minimum is $1 of collateral for market orders (§5.8), whatever min_order_size
        // says: a $2 FOK at 0.50 buys 4 shares on a market whose limit-order minimum is 5.
        Case(
            name: "$2 FOK below min_order_size shares is placed", asks: book([("0.50", "100")]), signal: "0.50",
            bps: 0, amount: "2", type: .fok, reason: nil),
        Case(
            name: "$1 FAK for 1.8181 shares is placed", asks: book([("0.55", "100")]), signal: "0.55", bps: 0,
            amount: "1", type: .fak, reason: nil),
        Case(
            name: "FOK below $1 is skipped", asks: book([("0.50", "100")]), signal: "0.50", bps: 0,
            amount: "0.99", type: .fok, reason: .belowMinSize),
        Case(
            name: "FAK below $1 is skipped", asks: book([("0.05", "1000")]), signal: "0.05", bps: 0,
            amount: "0.999", type: .fak, reason: .belowMinSize),
        Case(
            name: "GTC below min_order_size shares is skipped", asks: book([("0.50", "100")]), signal: "0.50",
            bps: 0, amount: "2", type: .gtc, reason: .belowMinSize),
        Case(
            name: "GTC at min_order_size shares is placed", asks: book([("0.50", "100")]), signal: "0.50", bps: 0,
            amount: "2.5", type: .gtc, reason: nil),
        Case(
            name: "FOK needs collateral depth, not share depth", asks: book([("0.50", "29.5")]), signal: "0.50",
            bps: 300, amount: "15", type: .fok, reason: .insufficientDepth),
        Case(
            name: "FOK with exactly the collateral at ≤ limit", asks: book([("0.50", "20"), ("0.51", "9.803922")]),
            signal: "0.50", bps: 200, amount: "15", type: .fok, reason: nil),
        Case(
            name: "signal below the tick", asks: book([("0.01", "1000")]), signal: "0.004", bps: 0,
            amount: "5", type: .fok, reason: .priceOutOfRange),
    ]

    @Test(arguments: cases)
    func protection(c: Case) {
        let r = PriceProtection.protect(
            asks: c.asks, signalPrice: fx(c.signal), maxSlippageBps: c.bps, rules: c.rules, amountUSD: fx(c.amount),
            orderType: c.type)
        switch r {
        case .success(let p):
            #expect(c.reason == nil)
            #expect(p.limitPrice.isMultiple(of: c.rules.tickSize))
            #expect(p.bestAsk <= p.limitPrice)
            #expect(p.expectedFill.usd <= p.amountUSD)
            if PriceProtection.isMarketOrder(c.type) {
                #expect(p.amountUSD >= PriceProtection.marketOrderMinimumUSD)
            } else {
                #expect(p.shares >= c.rules.minOrderSize)
            }
            // A FOK spends its whole amount and gets at least the shares it asked for.
            if c.type == .fok {
                #expect(p.expectedFill.usd == p.amountUSD)
                #expect(p.expectedFill.shares >= p.shares)
            }
        case .failure(let skip):
            #expect(skip.reason == c.reason, "\(skip)")
        }
    }

    @Test func fakPartialDepthReportsWhatTheBookOffers() throws {
        let p = try PriceProtection.protect(
            asks: Self.book([("0.55", "20"), ("0.70", "1000")]), signalPrice: fx("0.55"), maxSlippageBps: 0,
            rules: Self.rules, amountUSD: fx("150"), orderType: .fak
        ).get()
        #expect(p.depthUSD == fx("11"))
        #expect(p.expectedFill == BookFill(shares: fx("20"), usd: fx("11"), vwap: fx("0.55")))
        #expect(p.shares == fx("272.7272"))  // 150 / 0.55 down to 4 decimals (tick 0.01)
    }

    /// §5.8: the venue fills a marketable BUY by collateral; price improvement is extra shares.
    @Test func fokPriceImprovementComesBackAsShares() throws {
        // The example: a $40 FOK at limit 0.51 against asks at 0.50 spends $40 for 80 shares
        // (not $39.22 for the 78.4313 shares it asked for).
        let p = try PriceProtection.protect(
            asks: Self.book([("0.50", "1000")]), signalPrice: fx("0.50"), maxSlippageBps: 200, rules: Self.rules,
            amountUSD: fx("40"), orderType: .fok
        ).get()
        #expect(p.limitPrice == fx("0.51"))
        #expect(p.shares == fx("78.4313"))
        #expect(p.expectedFill == BookFill(shares: fx("80"), usd: fx("40"), vwap: fx("0.5")))
        // $15 at 0.51 asks for 29.4117 shares and gets 30 at 0.50.
        let q = try PriceProtection.protect(
            asks: Self.book([("0.50", "100")]), signalPrice: fx("0.50"), maxSlippageBps: 300, rules: Self.rules,
            amountUSD: fx("15"), orderType: .fok
        ).get()
        #expect(q.shares == fx("29.4117"))
        #expect(q.expectedFill == BookFill(shares: fx("30"), usd: fx("15"), vwap: fx("0.5")))
    }

    /// The shadow fill walks the book level by level: whole levels at their cost, then the rest of
    /// the money at the next price, rounded down to a micro-share.
    @Test(
        arguments: [
            // asks, limit, amount, type, shares, usd
            ([("0.50", "10"), ("0.52", "100")], "0.55", "15", OrderType.fok, "29.230769", "15"),
            ([("0.50", "10"), ("0.52", "100")], "0.51", "15", .fak, "10", "5"),  // FAK: what ≤ limit allows
            ([("0.33", "1000")], "0.34", "10", .fok, "30.30303", "10"),
            ([("0.0625", "1000")], "0.07", "1", .fok, "16", "1"),
        ] as [([(String, String)], String, String, OrderType, String, String)])
    func shadowFillSpendsTheAmount(
        asks: [(String, String)], limit: String, amount: String, type: OrderType, shares: String, usd: String
    ) throws {
        let p = try PriceProtection.protect(
            asks: Self.book(asks), signalPrice: fx(limit), maxSlippageBps: 0,
            rules: Self.rules, amountUSD: fx(amount), orderType: type
        ).get()
        #expect(p.expectedFill.shares == fx(shares))
        #expect(p.expectedFill.usd == fx(usd))
    }

    @Test func marketTakerDecimalsAreCappedAtFour() {
        #expect(
            PriceProtection.shares(amountUSD: fx("15"), limitPrice: fx("0.533"), tick: fx("0.001")) == fx("28.1425"))
        #expect(
            PriceProtection.shares(amountUSD: fx("15"), limitPrice: fx("0.4321"), tick: fx("0.0001")) == fx("34.7141"))
        #expect(PriceProtection.shares(amountUSD: fx("15"), limitPrice: fx("0.6"), tick: fx("0.1")) == fx("25"))
        #expect(PriceProtection.shares(amountUSD: fx("10"), limitPrice: fx("0.3"), tick: fx("0.1")) == fx("33.333"))
    }

    @Test(
        arguments: [
            ("99.99", nil, OrderType.fok), ("100", nil, .fok), ("100.01", nil, .fak),
            ("20", "25", .fok), ("25.01", "25", .fak), ("0.01", "0", .fak),
        ] as [(String, String?, OrderType)])
    func orderType(amount: String, threshold: String?, expected: OrderType) {
        #expect(OrderTypePolicy.choose(amountUSD: fx(amount), fakThresholdUSD: threshold.map(fx)) == expected)
    }
}

@Suite struct PoliciesCapitalTests {
    static let start = try! CashBuckets(initial: fx("1000"))

    @Test func fullLifecyclePreservesTheInvariant() throws {
        var b = Self.start
        b = try b.applying(.lockForBuy(fx("15")))
        #expect((b.available, b.locked) == (fx("985"), fx("15")))
        // FAK filled $11 of $15: $4 back, $11 stays locked as cost basis.
        b = try b.applying(.releaseUnused(fx("4")))
        #expect((b.available, b.locked) == (fx("989"), fx("11")))
        // Won: 20 shares pay $20, cost $11.
        b = try b.applying(.resolvedWon(costBasis: fx("11"), payout: fx("20")))
        #expect((b.locked, b.cooldown, b.realizedPnl) == (.zero, fx("20"), fx("9")))
        b = try b.applying(.cooldownMatured(fx("20")))
        #expect((b.available, b.cooldown) == (fx("1009"), .zero))
        // Another: lock, fill fully, lose.
        b = try b.applying(.lockForBuy(fx("30")))
        b = try b.applying(.resolvedLost(costBasis: fx("30")))
        #expect((b.available, b.locked, b.realizedPnl) == (fx("979"), .zero, fx("-21")))
        // Another: lock, sell half at a profit.
        b = try b.applying(.lockForBuy(fx("40")))
        b = try b.applying(.sellFilled(costBasisSold: fx("20"), netProceeds: fx("26.5")))
        #expect((b.locked, b.cooldown, b.realizedPnl) == (fx("20"), fx("26.5"), fx("-14.5")))
        #expect(b.invariantHolds)
        #expect(b.available + b.locked + b.cooldown == b.initial + b.realizedPnl)
    }

    @Test(
        arguments: [
            (CapitalEvent.lockForBuy(fx("1000.000001")), CapitalError.negativeBucket(.available)),
            (.lockForBuy(.zero), .nonPositiveAmount),
            (.lockForBuy(fx("-1")), .nonPositiveAmount),
            (.releaseUnused(fx("0.01")), .negativeBucket(.locked)),
            (.feeSettled(expected: fx("-1"), actual: fx("1")), .nonPositiveAmount),
            (.settlementFailed(revertedCost: fx("0.01")), .negativeBucket(.locked)),
            (.resolvedLost(costBasis: fx("1")), .negativeBucket(.locked)),
            (.sellFilled(costBasisSold: fx("1"), netProceeds: fx("2")), .negativeBucket(.locked)),
            (.cooldownMatured(fx("1")), .negativeBucket(.cooldown)),
        ] as [(CapitalEvent, CapitalError)])
    func refusedTransitionsLeaveNoChange(event: CapitalEvent, error: CapitalError) {
        #expect(throws: error) { try Self.start.applying(event) }
    }

    @Test func constructionChecksTheInvariant() {
        #expect(throws: CapitalError.invariantBroken) {
            try CashBuckets(
                available: fx("10"), locked: fx("1"), cooldown: .zero, realizedPnl: .zero, initial: fx("10"))
        }
        #expect(throws: CapitalError.negativeBucket(.cooldown)) {
            try CashBuckets(
                available: fx("11"), locked: .zero, cooldown: fx("-1"), realizedPnl: .zero, initial: fx("10"))
        }
    }

    @Test func deltasMatchTheDesignTable() {
        #expect(CapitalEvent.lockForBuy(fx("5")).delta == CashDelta(available: fx("-5"), locked: fx("5")))
        #expect(CapitalEvent.releaseUnused(.zero).delta == CashDelta())
        #expect(
            CapitalEvent.feeSettled(expected: fx("0.30"), actual: fx("0.25")).delta
                == CashDelta(available: fx("0.05"), locked: fx("-0.05")))
        #expect(
            CapitalEvent.feeSettled(expected: fx("0.25"), actual: fx("0.30")).delta
                == CashDelta(available: fx("-0.05"), locked: fx("0.05")))
        #expect(
            CapitalEvent.resolvedWon(costBasis: fx("3"), payout: fx("5")).delta
                == CashDelta(locked: fx("-3"), cooldown: fx("5"), realizedPnl: fx("2")))
    }
}
