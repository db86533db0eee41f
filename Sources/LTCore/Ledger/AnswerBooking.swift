import Foundation

/// How a BUY's POST answer is booked (execute step 15): the row's new status and columns, and the
/// cash the ledger moves with them. Pure; the table tests drive it directly.
///
/// The lock was `amount + expectedFee`. A believable fill keeps its cost and the fee expected on it
/// locked (its cost basis until the trades give the fee of record) and releases the rest; an
/// answer that is not believable books nothing (SUBMITTED, for sync to settle from the trades);
/// a killed or refused order releases everything; an unproven one keeps everything locked.
public enum AnswerBooking {
    public struct Booking: Sendable, Hashable {
        public var status: OrderStatus
        public var fields: OrderFields
        public var events: [CapitalEvent]
        /// Why a matched answer was not booked as a fill.
        public var unverified: String?
    }

    public static func book(
        _ answer: VenuePostResult, signed: SignedVenueOrder, expectedFee: Fixed6, latencyMs: Int64?, at: Date
    ) -> Booking {
        let amount = signed.request.amount
        let lock = amount + expectedFee
        var fields = OrderFields(executionLatencyMs: latencyMs, submittedAt: at)
        let releaseAll: [CapitalEvent] = lock.isPositive ? [.releaseUnused(lock)] : []
        switch answer {
        case .accepted(let venueID, let matched, let making, let taking, let tradeIDs):
            fields.tradeIDs = tradeIDs.isEmpty ? nil : tradeIDs
            if venueID.lowercased() != signed.orderHash.lowercased() { fields.venueOrderID = venueID }
            guard matched else { return Booking(status: .submitted, fields: fields, events: [], unverified: nil) }
            let request = FillSanity.Request(
                side: signed.request.side, limitPrice: signed.request.limitPrice, tickSize: signed.request.tickSize,
                amountUSD: signed.makerAmount, shares: signed.shares)
            switch FillSanity.check(making: making, taking: taking, request: request) {
            case .failure(let why):
                fields.error = "matched answer not believable (\(why)): left SUBMITTED for sync to settle from trades"
                return Booking(status: .submitted, fields: fields, events: [], unverified: why.description)
            case .success(let fill):
                let feeOnFill = feeShare(expectedFee, of: fill.usd, amount: amount)
                let release = CapitalEvent.unusedLock(
                    requested: amount, expectedFee: expectedFee, executed: fill.usd, feeOnExecuted: feeOnFill)
                fields.executedUSD = fill.usd
                fields.executedShares = fill.shares
                fields.executedPrice = fill.price
                fields.expectedFeeUSD = feeOnFill
                fields.sharesRemaining = fill.shares
                fields.costBasisRemaining = fill.usd + feeOnFill
                fields.outcome = .open
                fields.settlement = .matched
                fields.filledAt = at
                return Booking(
                    status: .filled, fields: fields, events: release.isPositive ? [.releaseUnused(release)] : [],
                    unverified: nil)
            }
        case .unfilled(let reason):
            fields.error = reason
            return Booking(status: .unfilled, fields: fields, events: releaseAll, unverified: nil)
        case .rejected(let reason):
            fields.error = reason
            return Booking(status: .rejected, fields: fields, events: releaseAll, unverified: nil)
        case .notPlaced(let reason):
            fields.error = "provably not placed: \(reason); decided again by the next run"
            fields.countAttempt = true
            return Booking(status: .notPlaced, fields: fields, events: releaseAll, unverified: nil)
        case .unknown(let reason):
            fields.error = reason
            return Booking(status: .unknown, fields: fields, events: [], unverified: nil)
        }
    }

    /// The part of the expected fee that belongs to a fill of `usd` out of `amount`, rounded up
    /// (the lock must cover it).
    public static func feeShare(_ fee: Fixed6, of usd: Fixed6, amount: Fixed6) -> Fixed6 {
        guard amount.isPositive, usd < amount else { return fee }
        return fee.multiplied(by: usd, rounding: .ceiling).divided(by: amount, rounding: .ceiling)
    }
}

/// The 99 % cash cap counts the expected fee (design §3): the amount that, with its fee, fits.
public enum FeeFit {
    /// `amount` when `amount + fee` fits 99 % of available cash; otherwise the amount scaled down
    /// in proportion (whole cents, rounded down) so that it fits; nil when not even a cent fits.
    public static func amount(_ amount: Fixed6, fee: Fixed6, availableCash: Fixed6) -> Fixed6? {
        let cap = availableCash.multiplied(by: Sizing.maxCashFraction, rounding: .down)
        if amount + fee <= cap { return amount }
        let total = amount + fee
        guard total.isPositive else { return nil }
        let scaled = cap.multiplied(by: amount, rounding: .down).divided(by: total, rounding: .down)
            .rounded(toMultipleOf: Sizing.cent, .floor)
        return scaled.isPositive ? scaled : nil
    }
}
