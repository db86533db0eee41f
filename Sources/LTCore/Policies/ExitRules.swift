import Foundation

/// The decisions of `lt check-exits` (design §4, issue 12), as pure functions the table tests drive.
public enum ExitRules {
    /// Shares trade in hundredths on every tick size (polymarket-protocol.md §5.2: the size is
    /// truncated to 2 decimals); a SELL asks for a multiple of this.
    public static let shareStep = Fixed6(micros: 10_000)

    // MARK: Leader mirroring (issue 12 §2, §3)

    /// What one observation of the leader's size does to a position.
    public enum Mirror: Sendable, Hashable {
        /// Nothing changes: the leader holds what the baseline says, or dropped by no more than the
        /// threshold (small drops add up against the unchanged baseline until one exceeds it).
        case none
        /// First observation, or the leader added: the baseline becomes `baseline`; nothing is sold.
        case setBaseline(Fixed6)
        /// The leader dropped by more than the threshold: sell `fraction` (0 < f ≤ 1) of our shares;
        /// the baseline moves to `baseline` with the decision. `full`: the leader is flat.
        case sell(fraction: Fixed6, full: Bool, baseline: Fixed6)
    }

    /// - Parameters:
    ///   - baseline: the last leader size observed for the position (nil: never observed).
    ///   - leaderSize: the leader's size now (0 when the Data API lists no position).
    ///   - thresholdPct: `exit_threshold_pct`, in percent.
    public static func mirror(baseline: Fixed6?, leaderSize: Fixed6, thresholdPct: Fixed6) -> Mirror {
        let size = leaderSize.isNegative ? .zero : leaderSize
        // Flat: exited in full, whether or not we ever saw the position (a leader found flat before
        // any observation sold before we looked).
        if size.isZero {
            if let baseline, baseline.isZero { return .none }
            return .sell(fraction: .one, full: true, baseline: .zero)
        }
        guard let baseline, baseline.isPositive else { return .setBaseline(size) }
        if size > baseline { return .setBaseline(size) }
        if size == baseline { return .none }
        let drop = baseline - size
        // drop / baseline > threshold / 100  ⇔  drop × 100 > threshold × baseline (exact).
        let lhs = drop.times(100)
        let rhs = thresholdPct.multiplied(by: baseline, rounding: .halfEven)
        guard lhs > rhs else { return .none }
        let fraction = drop.divided(by: baseline, rounding: .halfEven)
        return .sell(fraction: Swift.min(fraction, .one), full: false, baseline: size)
    }

    // MARK: Price and time exits (issue 12 §4)

    /// Stop-loss, take-profit, then max hold, against the best bid and the position's cost per share
    /// (fees included). nil: none applies (or no bid for the price rules).
    public static func priceExit(
        bestBid: Fixed6?, costPerShare: Fixed6, stopLossPct: Fixed6?, takeProfitPct: Fixed6?, heldSeconds: Double,
        maxHoldHours: Int?
    ) -> ExitReason? {
        if let bid = bestBid, costPerShare.isPositive {
            if let sl = stopLossPct, sl.isPositive {
                // bid ≤ cost × (1 − sl/100)  ⇔  bid × 100 ≤ cost × (100 − sl)
                if bid.times(100) <= costPerShare.multiplied(by: Fixed6(100) - sl, rounding: .halfEven) {
                    return .stopLoss
                }
            }
            if let tp = takeProfitPct, tp.isPositive {
                if bid.times(100) >= costPerShare.multiplied(by: Fixed6(100) + tp, rounding: .halfEven) {
                    return .takeProfit
                }
            }
        }
        if let h = maxHoldHours, h > 0, heldSeconds >= Double(h) * 3600 { return .timeExit }
        return nil
    }

    // MARK: How much to sell

    public enum SellSize: Sendable, Hashable {
        case sell(Fixed6)
        /// Below the venue minimum: held to resolution (the row says so).
        case belowMinimum(Fixed6)
        case nothing
    }

    /// `wanted` shares out of `held`, on the share grid; a sale that would leave less than the
    /// minimum behind sells everything sellable instead; one below the minimum is not placed.
    public static func sellSize(wanted: Fixed6, held: Fixed6, minOrderSize: Fixed6) -> SellSize {
        let sellable = held.rounded(toMultipleOf: shareStep, .floor)
        var s = Swift.min(wanted, held).rounded(toMultipleOf: shareStep, .floor)
        if (held - s) < minOrderSize { s = sellable }
        if !s.isPositive { return held.isPositive ? .belowMinimum(held) : .nothing }
        if s < minOrderSize { return .belowMinimum(s) }
        return .sell(s)
    }

    /// The shares a fraction of `held` is: rounded up to the share grid, so that a proportional exit
    /// never leaves more than the leader kept (capped at `held`).
    public static func shares(fraction: Fixed6, of held: Fixed6) -> Fixed6 {
        if fraction >= .one { return held }
        let raw = held.multiplied(by: fraction, rounding: .ceiling).rounded(toMultipleOf: shareStep, .ceiling)
        return Swift.min(raw, held)
    }

    // MARK: Retries (issue 12 §7)

    /// A position's earlier SELL rows as check-exits needs them, oldest first.
    public struct PastExit: Sendable, Hashable {
        public var status: OrderStatus
        public var requestedShares: Fixed6
        public var executedShares: Fixed6
        public var exitReason: ExitReason?
        public var skipReason: String?

        public init(
            status: OrderStatus, requestedShares: Fixed6, executedShares: Fixed6, exitReason: ExitReason?,
            skipReason: String? = nil
        ) {
            self.status = status
            self.requestedShares = requestedShares
            self.executedShares = executedShares
            self.exitReason = exitReason
            self.skipReason = skipReason
        }
    }

    public enum Carry: Sendable, Hashable {
        /// No exit in flight, nothing owed.
        case none
        /// A SELL is not final yet (INTENT, SUBMITTED, UNKNOWN, PARTIAL): no new exit until it is,
        /// so the position is never sold twice.
        case pending
        /// The last exit sold less than it asked for (rejected, unfilled, a FAK's remainder): these
        /// shares are still owed, with that exit's reason; `failures` in a row so far.
        case owed(shares: Fixed6, reason: ExitReason, failures: Int)
    }

    /// What the position's exit history still owes. There is no give-up counter: an exit is
    /// retried every run until the position is flat.
    public static func carry(_ exits: [PastExit]) -> Carry {
        guard let last = exits.last else { return .none }
        switch last.status {
        case .intent, .submitted, .unknown, .partial: return .pending
        case .skipped: return .none  // held below the minimum: resolution takes it
        default: break
        }
        let owed = last.requestedShares - last.executedShares
        guard owed.isPositive else { return .none }
        var failures = 0
        for e in exits.reversed() {
            if e.status == .skipped || e.executedShares >= e.requestedShares { break }
            failures += 1
        }
        return .owed(shares: owed, reason: last.exitReason ?? .manual, failures: failures)
    }

    /// Settlement gate (issue 12 §5): shares of a BUY whose settlement is not CONFIRMED are not sold
    /// yet — the wallet may not hold them, and a reverted trade would leave a SELL of shares that
    /// never existed. Shadow rows never settle (NULL) and are always sellable; a live row with no
    /// settlement recorded is treated as unsettled.
    public static func isSellable(settlement: Settlement?, isShadow: Bool) -> Bool {
        if isShadow { return settlement == nil || settlement == .confirmed }
        return settlement == .confirmed
    }

    // MARK: The order (issue 12 §5)

    public struct SellPlan: Sendable, Hashable {
        public var orderType: OrderType
        public var limitPrice: Fixed6
        public var shares: Fixed6
        /// The book walk at the limit: what a shadow exit books, and the expected proceeds.
        public var expectedFill: BookFill
    }

    public enum SellProblem: Error, Sendable, Hashable {
        case noBids
        /// Less than the minimum fills at the limit.
        case thinBook(Fixed6)
    }

    /// A marketable SELL of `shares` at the best bid within `maxSlippageBps`: FOK when the book
    /// holds them all at the limit, else FAK for what it holds (the rest is owed and retried).
    public static func plan(
        shares: Fixed6, bids: [BookLevel], maxSlippageBps: Int?, tickSize: Fixed6, minOrderSize: Fixed6
    ) -> Result<SellPlan, SellProblem> {
        let sorted = bids.filter { $0.price.isPositive && $0.size.isPositive }.sorted { $0.price > $1.price }
        guard let best = sorted.first?.price else { return .failure(.noBids) }
        let bps = Fixed6(Swift.max(0, maxSlippageBps ?? 300))
        // best × (1 − bps/10000), rounded UP to the tick: the floor never sells below the allowance.
        var limit = best.multiplied(by: Fixed6(10_000) - bps, rounding: .ceiling).divided(
            by: Fixed6(10_000), rounding: .ceiling)
        limit = limit.rounded(toMultipleOf: tickSize, .ceiling)
        if limit > best { limit = best }
        if !limit.isPositive { limit = tickSize }
        let fill = walk(bids: sorted, limit: limit, shares: shares)
        if fill.shares >= shares {
            return .success(SellPlan(orderType: .fok, limitPrice: limit, shares: shares, expectedFill: fill))
        }
        let part = fill.shares.rounded(toMultipleOf: shareStep, .floor)
        guard part >= minOrderSize, part.isPositive else { return .failure(.thinBook(fill.shares)) }
        return .success(
            SellPlan(
                orderType: .fak, limitPrice: limit, shares: shares,
                expectedFill: walk(bids: sorted, limit: limit, shares: part)))
    }

    /// Sells up to `shares` into `bids` (best first) at or above `limit`.
    public static func walk(bids: [BookLevel], limit: Fixed6, shares: Fixed6) -> BookFill {
        var left = shares
        var usd = Fixed6.zero
        var sold = Fixed6.zero
        for level in bids.sorted(by: { $0.price > $1.price }) where level.price >= limit {
            if !left.isPositive { break }
            let n = Swift.min(left, level.size)
            // The seller receives the floor of shares × price (the venue rounds against the taker).
            usd += n.multiplied(by: level.price, rounding: .floor)
            sold += n
            left -= n
        }
        guard sold.isPositive else { return .empty }
        return BookFill(shares: sold, usd: usd, vwap: usd.divided(by: sold, rounding: .halfEven))
    }

    /// The best bid (highest price with size), for the price rules and marking to market.
    public static func bestBid(_ bids: [BookLevel]) -> Fixed6? {
        bids.filter { $0.size.isPositive && $0.price.isPositive }.map(\.price).max()
    }
}

/// How a SELL's POST answer is booked (check-exits): the row's new status and columns, and the
/// shares and net proceeds a fill takes out of the position (the ledger turns them into the
/// `sellFilled` event on fresh rows). Pure, like `AnswerBooking` for BUYs. A SELL locks no cash, so
/// an answer that is not a believable fill moves nothing.
public enum SellAnswerBooking {
    public struct Booking: Sendable, Hashable {
        public var status: OrderStatus
        public var fields: OrderFields
        /// Shares sold and proceeds net of the fee (the fee comes out of the proceeds).
        public var sold: (shares: Fixed6, netProceeds: Fixed6)? {
            guard let s = fields.executedShares, s.isPositive, let usd = fields.executedUSD else { return nil }
            let fee = fields.expectedFeeUSD ?? .zero
            return (s, usd > fee ? usd - fee : .zero)
        }
        public var unverified: String?
    }

    public static func book(
        _ answer: VenuePostResult, signed: SignedVenueOrder, fees: FeeSchedule, latencyMs: Int64?, at: Date
    ) -> Booking {
        var fields = OrderFields(executionLatencyMs: latencyMs, submittedAt: at)
        switch answer {
        case .accepted(let venueID, let matched, let making, let taking, let tradeIDs):
            fields.tradeIDs = tradeIDs.isEmpty ? nil : tradeIDs
            if venueID.lowercased() != signed.orderHash.lowercased() { fields.venueOrderID = venueID }
            guard matched else { return Booking(status: .submitted, fields: fields, unverified: nil) }
            let request = FillSanity.Request(
                side: .sell, limitPrice: signed.request.limitPrice, tickSize: signed.request.tickSize,
                amountUSD: signed.takerAmount, shares: signed.makerAmount)
            switch FillSanity.check(making: making, taking: taking, request: request) {
            case .failure(let why):
                fields.error = "matched answer not believable (\(why)): left SUBMITTED for sync to settle from trades"
                return Booking(status: .submitted, fields: fields, unverified: why.description)
            case .success(let fill):
                let fee = fees.fee(shares: fill.shares, price: fill.price) ?? .zero
                fields.executedUSD = fill.usd
                fields.executedShares = fill.shares
                fields.executedPrice = fill.price
                fields.expectedFeeUSD = Swift.min(fee, fill.usd)
                fields.settlement = .matched
                fields.filledAt = at
                if fill.shares < signed.makerAmount {
                    fields.error = "sold \(fill.shares) of \(signed.makerAmount): the rest is retried next run"
                }
                return Booking(status: .filled, fields: fields, unverified: nil)
            }
        case .unfilled(let reason):
            fields.error = reason + ": retried next run"
            return Booking(status: .unfilled, fields: fields, unverified: nil)
        case .rejected(let reason):
            // "not enough balance" right after a buy: the shares are not settled in the wallet yet.
            // Like every failed exit it is retried next run, never given up.
            fields.error = reason + ": retried next run"
            return Booking(status: .rejected, fields: fields, unverified: nil)
        case .notPlaced(let reason):
            fields.error = "provably not placed: \(reason); retried next run"
            fields.countAttempt = true
            return Booking(status: .notPlaced, fields: fields, unverified: nil)
        case .unknown(let reason):
            fields.error = reason
            return Booking(status: .unknown, fields: fields, unverified: nil)
        }
    }
}
