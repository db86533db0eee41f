import Foundation

/// How sync-order-status settles one order (design §4 "sync-order-status", docs/jobs.md): from the
/// row, what the venue said about it (its `/data/order` record and the trades that name it) and
/// the run liveness of the run that posted it, to the one ledger entry that makes the row agree
/// with the venue. Pure: the table tests drive it directly, the job only gathers its inputs.
///
/// The cash a row holds locked, which every decision moves from old to new through the ledger:
/// - INTENT, SUBMITTED, UNKNOWN, PARTIAL: `requested_usd + expected_fee_usd` (the whole lock until
///   the order can no longer fill — a live remainder may still spend it);
/// - FILLED: `cost_basis_remaining` = executed USD + the fee on it (expected until the trades give
///   the fee of record, which then replaces `expected_fee_usd` too);
/// - UNFILLED, REJECTED, FAILED: nothing.
public enum SyncReconcile {
    public struct Policy: Sendable, Hashable {
        /// An UNKNOWN order nobody at the venue knows is declared dead only after this long.
        public var graceSeconds: Int
        /// A resting order older than this is cancelled; nil never cancels.
        public var ttlSeconds: Int?

        public init(graceSeconds: Int, ttlSeconds: Int?) {
            self.graceSeconds = graceSeconds
            self.ttlSeconds = ttlSeconds
        }
    }

    /// What the venue said about one order, from complete reads only (a read error leaves the row
    /// for the next run before anything is decided).
    public struct VenueView: Sendable, Hashable {
        /// `/data/order/{hash}`: nil when the venue does not know the order (matched orders may
        /// answer 404) or when it was not asked (a market order named by trades is done by type).
        public var order: VenueOrder?
        /// The parts of trades that filled this order (as taker or maker), any settlement.
        public var trades: [VenueTrade]

        public init(order: VenueOrder?, trades: [VenueTrade]) {
            self.order = order
            self.trades = trades
        }
    }

    /// What a decision did, for the summary and the log.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// An unproven or resting order turned out filled (in full or, killed/cancelled, in part).
        case filled, partlyFilled
        /// A fill's figures (shares, USD, fee) replaced by the trades' figures.
        case corrected
        /// Settlement moved on but is not final yet (MATCHED → MINED, RETRYING…).
        case settling
        /// Settlement reached CONFIRMED.
        case settled
        /// Trades FAILED on-chain: their fill is reversed.
        case reverted
        /// An unproven order nobody knows, past the grace period: dead, cash released.
        case failed
        /// Done at the venue with nothing filled.
        case unfilled
        /// Still resting or delayed at the venue.
        case live
        /// Outcome still unproven (the venue does not know it yet, or its run is alive).
        case stillUnknown
        /// Nothing to change.
        case unchanged
    }

    public enum Decision: Sendable {
        /// Leave the row as it is.
        case leave(Kind, reason: String)
        /// A resting order past its time-to-live: cancel it, then decide again with the venue's
        /// confirmation.
        case cancel(reason: String)
        /// One ledger update.
        case apply(to: OrderStatus, fields: OrderFields, events: [CapitalEvent], kind: Kind, note: String)
        /// A SELL's fill of record: one ledger update that also takes the shares out of the
        /// position's BUY rows (FIFO) and queues the net proceeds (design §3 "SELL filled").
        case applySell(to: OrderStatus, fields: OrderFields, reduction: PositionReduction, kind: Kind, note: String)
    }

    /// The fills of record: what the trades that did not fail add up to.
    public struct FillOfRecord: Sendable, Hashable {
        public var shares: Fixed6
        public var usd: Fixed6
        public var fee: Fixed6
        /// usd / shares, half-even to a micro; nil without shares.
        public var price: Fixed6?
        /// The least advanced settlement of the trades that did not fail; FAILED when all failed;
        /// nil without trades.
        public var settlement: Settlement?
        /// Every trade that names the order, failed ones included (the audit trail), sorted.
        public var tradeIDs: [String]
        /// Some trades FAILED.
        public var reverted: Bool
    }

    /// Sums the trades that did not fail. A BUY's USD per trade is shares × price rounded up (what
    /// the venue charges per fill), capped at `cap` (the signed amount: a BUY never pays more than
    /// it signed for); the fee is the one the trade reports (`VenueTrade.fee`, from its
    /// `fee_rate_bps`), zero when it reports none.
    public static func fillOfRecord(_ trades: [VenueTrade], side: Side, cap: Fixed6?) -> FillOfRecord {
        let kept = trades.filter { $0.settlement != .failed }
        var shares = Fixed6.zero
        var usd = Fixed6.zero
        var fee = Fixed6.zero
        for t in kept {
            shares += t.shares
            usd += t.shares.multiplied(by: t.price, rounding: side == .buy ? .ceiling : .floor)
            fee += t.fee ?? .zero
        }
        if side == .buy, let cap, usd > cap { usd = cap }
        let price = shares.isPositive ? usd.divided(by: shares, rounding: .halfEven) : nil
        return FillOfRecord(
            shares: shares, usd: usd, fee: fee, price: price,
            settlement: trades.isEmpty ? nil : (kept.isEmpty ? .failed : leastAdvanced(kept.map(\.settlement))),
            tradeIDs: Array(Set(trades.map(\.id))).sorted(), reverted: kept.count < trades.count)
    }

    /// RETRYING before MATCHED before MINED before CONFIRMED: the row is only as settled as its
    /// least settled trade. An unrecognised status counts as MATCHED (not final).
    public static func leastAdvanced(_ statuses: [Settlement?]) -> Settlement {
        func rank(_ s: Settlement?) -> Int {
            switch s {
            case .retrying: return 0
            case .matched, .none, .failed: return 1
            case .mined: return 2
            case .confirmed: return 3
            }
        }
        let least = statuses.min { rank($0) < rank($1) } ?? .matched
        return least ?? .matched
    }

    /// The cash the row holds locked now (amount part, fee part); see the type's comment.
    public static func lockedParts(_ row: LTOrder) -> (amount: Fixed6, fee: Fixed6) {
        switch row.status {
        case .intent, .submitted, .unknown, .partial:
            return (row.requestedUSD ?? .zero, row.expectedFeeUSD)
        case .filled:
            let fee = row.costBasisRemaining - row.executedUSD
            return (row.executedUSD, fee.isNegative ? .zero : fee)
        default:
            return (.zero, .zero)
        }
    }

    /// The ledger events that move a row's lock from `old` to `new` (amount, fee). A reversal is
    /// booked as settlement FAILED (design §3), a release as unused; a fee that differs from the
    /// one locked is settled (released, or taken from available when the venue charged more).
    public static func events(
        from old: (amount: Fixed6, fee: Fixed6), to new: (amount: Fixed6, fee: Fixed6), reverted: Bool
    ) -> [CapitalEvent] {
        if new.amount.isZero && new.fee.isZero {
            let all = old.amount + old.fee
            guard all.isPositive else { return [] }
            return [reverted ? .settlementFailed(revertedCost: all) : .releaseUnused(all)]
        }
        var out: [CapitalEvent] = []
        let d = old.amount - new.amount
        if d.isPositive {
            out.append(reverted ? .settlementFailed(revertedCost: d) : .releaseUnused(d))
        } else if d.isNegative {
            // The trades spent more than the provisional answer said: lock the difference.
            out.append(.lockForBuy(.zero - d))
        }
        if old.fee != new.fee { out.append(.feeSettled(expected: old.fee, actual: new.fee)) }
        return out
    }

    /// Venue order statuses of an order that can still fill.
    static func isLive(_ order: VenueOrder?) -> Bool {
        guard let s = order?.status else { return false }
        return s == "LIVE" || s == "DELAYED" || s == "OPEN"
    }

    /// Decides one row. `runAlive`: the liveness lock of the run that wrote the row is held (its
    /// post may be in flight). `now`: the job's clock.
    public static func decide(row: LTOrder, runAlive: Bool, view: VenueView, policy: Policy, now: Date) -> Decision {
        if row.side == .sell { return decideSell(row: row, runAlive: runAlive, view: view, policy: policy, now: now) }
        let pending: Set<OrderStatus> = [.intent, .submitted, .unknown, .partial]
        guard pending.contains(row.status) || row.status == .filled else {
            return .leave(.unchanged, reason: "\(row.status.rawValue) is final")
        }
        if row.status == .intent && runAlive {
            return .leave(.stillUnknown, reason: "its run is alive: the post may be in flight")
        }
        let since = row.submittedAt ?? row.createdAt ?? now
        let age = now.timeIntervalSince(since)
        let fill = fillOfRecord(view.trades, side: row.side, cap: row.requestedUSD)
        let old = lockedParts(row)

        // A. Nothing at the venue names the order.
        if view.trades.isEmpty && view.order == nil {
            if row.status == .filled || row.status == .partial {
                return .leave(.stillUnknown, reason: "no trade names this fill (yet): left as booked")
            }
            if runAlive {
                return .leave(
                    .stillUnknown, reason: "not found at the venue; its run is alive: the post may be in flight")
            }
            if age < Double(policy.graceSeconds) {
                if row.status == .intent {
                    return .apply(
                        to: .unknown,
                        fields: OrderFields(
                            error: "left as INTENT by dead run \(row.runID ?? "?"): not found at the venue yet"),
                        events: [], kind: .stillUnknown, note: "dead run's INTENT marked UNKNOWN")
                }
                return .leave(.stillUnknown, reason: "not found at the venue, within the grace period")
            }
            let to: OrderStatus = row.status == .submitted ? .unfilled : .failed
            let why =
                row.status == .submitted
                ? "acknowledged, but the venue no longer knows it and no trade names it: nothing filled"
                : "never reached the venue: not found, no trade names it, its run is dead, older than "
                    + "\(policy.graceSeconds)s"
            return .apply(
                to: to, fields: OrderFields(error: why), events: events(from: old, to: (.zero, .zero), reverted: false),
                kind: to == .failed ? .failed : .unfilled, note: why)
        }

        // B. Still resting or delayed at the venue.
        if isLive(view.order) {
            if let ttl = policy.ttlSeconds, age > Double(ttl) {
                return .cancel(reason: "resting for \(Int(age))s, past the time-to-live of \(ttl)s")
            }
            guard fill.shares.isPositive else {
                if row.status == .unknown || row.status == .intent {
                    return .apply(
                        to: .submitted, fields: OrderFields(error: "found resting at the venue"), events: [],
                        kind: .live, note: "found resting at the venue")
                }
                return .leave(.live, reason: "resting at the venue, nothing filled")
            }
            var f = fillFields(fill, row: row, now: now)
            // The whole lock stays until the order can no longer fill: only the figures change.
            f.expectedFeeUSD = nil
            f.costBasisRemaining = fill.usd + fill.fee
            if row.status == .partial && !changes(row, to: .partial, fill: fill) {
                return .leave(.live, reason: "resting at the venue, partly filled, unchanged")
            }
            guard OrderTransitions.allows(from: row.status, to: .partial) else {
                return .leave(.unchanged, reason: "\(row.status.rawValue) cannot become PARTIAL")
            }
            return .apply(to: .partial, fields: f, events: [], kind: .live, note: "partly filled, still resting")
        }

        // C. Done at the venue (matched, killed, cancelled, expired), or only its trades say so.
        if fill.shares.isPositive {
            if row.status == .filled && !changes(row, to: .filled, fill: fill) {
                return .leave(
                    .unchanged, reason: "row and trades agree; settlement \(fill.settlement?.rawValue ?? "-")")
            }
            var f = fillFields(fill, row: row, now: now)
            f.outcome = row.outcome ?? .open
            let kind: Kind
            if fill.reverted && (row.status == .filled || fill.usd < row.executedUSD) {
                kind = .reverted
            } else if row.status != .filled {
                let cancelled = view.order?.status.hasPrefix("CANCELED") ?? false
                kind = cancelled ? .partlyFilled : .filled
            } else if fill.usd != row.executedUSD || fill.shares != row.executedShares
                || fill.fee != old.fee
            {
                kind = .corrected
            } else {
                kind = fill.settlement == .confirmed ? .settled : .settling
            }
            return .apply(
                to: .filled, fields: f, events: events(from: old, to: (fill.usd, fill.fee), reverted: fill.reverted),
                kind: kind,
                note: "fill of record: \(fill.shares) shares for \(fill.usd) + fee \(fill.fee), settlement "
                    + (fill.settlement?.rawValue ?? "-"))
        }
        if fill.settlement == .failed {
            // Every trade reverted on-chain: no fill is left.
            let f = OrderFields(
                executedUSD: .zero, executedShares: .zero, feesUSD: .zero, expectedFeeUSD: .zero,
                sharesRemaining: .zero, costBasisRemaining: .zero, settlement: .failed, tradeIDs: fill.tradeIDs,
                error: "settlement FAILED: trades \(fill.tradeIDs.joined(separator: ",")) reverted on-chain")
            guard OrderTransitions.allows(from: row.status, to: .failed) else {
                return .leave(.unchanged, reason: "\(row.status.rawValue) cannot become FAILED")
            }
            return .apply(
                to: .failed, fields: f, events: events(from: old, to: (.zero, .zero), reverted: true), kind: .reverted,
                note: "every trade FAILED: fill reversed")
        }
        // Known to the venue, done, no trade.
        if let o = view.order, o.sizeMatched.isPositive || o.status == "MATCHED" {
            return .leave(.stillUnknown, reason: "the venue reports a match but no trade names the order yet")
        }
        let to: OrderStatus = OrderTransitions.allows(from: row.status, to: .unfilled) ? .unfilled : .failed
        let status = view.order?.status ?? "?"
        return .apply(
            to: to, fields: OrderFields(error: "done at the venue (\(status)) with nothing filled"),
            events: events(from: old, to: (.zero, .zero), reverted: false), kind: .unfilled,
            note: "done at the venue (\(status)) with nothing filled")
    }

    /// The columns of a fill of record.
    static func fillFields(_ fill: FillOfRecord, row: LTOrder, now: Date) -> OrderFields {
        OrderFields(
            executedUSD: fill.usd, executedShares: fill.shares, executedPrice: fill.price, feesUSD: fill.fee,
            expectedFeeUSD: fill.fee, sharesRemaining: fill.shares, costBasisRemaining: fill.usd + fill.fee,
            settlement: fill.settlement, tradeIDs: fill.tradeIDs, filledAt: row.filledAt == nil ? now : nil)
    }

    /// Whether booking `fill` as `to` would change the row.
    static func changes(_ row: LTOrder, to: OrderStatus, fill: FillOfRecord) -> Bool {
        row.status != to || row.executedUSD != fill.usd || row.executedShares != fill.shares
            || row.feesUSD != fill.fee || row.settlement != fill.settlement
            || row.tradeIDs.sorted() != fill.tradeIDs
            || (to == .filled && row.costBasisRemaining != fill.usd + fill.fee)
    }

    /// A SELL (check-exits). It locks no cash: its fill of record takes shares out of the position
    /// and queues the proceeds net of the fee; an order that never reached the venue or filled
    /// nothing just ends, and check-exits sells again on its next run (the position is still open).
    /// A SELL already booked from its answer only has its settlement followed; a reverted SELL
    /// trade is reported, not undone here (the shares are back in the wallet: the operator decides).
    public static func decideSell(row: LTOrder, runAlive: Bool, view: VenueView, policy: Policy, now: Date)
        -> Decision
    {
        let fill = fillOfRecord(view.trades, side: .sell, cap: nil)
        if row.status == .filled {
            guard !view.trades.isEmpty else { return .leave(.unchanged, reason: "no trade names this SELL (yet)") }
            if fill.reverted {
                return .leave(
                    .stillUnknown,
                    reason: "a trade of this SELL FAILED on-chain: its shares are back in the wallet; not undone "
                        + "automatically (check the position with lt doctor)")
            }
            guard fill.settlement != row.settlement else {
                return .leave(.unchanged, reason: "settlement \(fill.settlement?.rawValue ?? "-") unchanged")
            }
            return .apply(
                to: .filled, fields: OrderFields(settlement: fill.settlement, tradeIDs: fill.tradeIDs), events: [],
                kind: fill.settlement == .confirmed ? .settled : .settling,
                note: "SELL settlement \(fill.settlement?.rawValue ?? "-")")
        }
        let pending: Set<OrderStatus> = [.intent, .submitted, .unknown, .partial]
        guard pending.contains(row.status) else { return .leave(.unchanged, reason: "\(row.status.rawValue) is final") }
        if row.status == .intent && runAlive {
            return .leave(.stillUnknown, reason: "its run is alive: the post may be in flight")
        }
        if isLive(view.order) {
            if let ttl = policy.ttlSeconds, now.timeIntervalSince(row.submittedAt ?? row.createdAt ?? now) > Double(ttl)
            {
                return .cancel(reason: "resting past the time-to-live of \(ttl)s")
            }
            return .leave(.live, reason: "resting at the venue")
        }
        if fill.shares.isPositive, let condition = row.conditionID, let label = row.tokenLabel {
            let net = fill.usd > fill.fee ? fill.usd - fill.fee : .zero
            let f = OrderFields(
                executedUSD: fill.usd, executedShares: fill.shares, executedPrice: fill.price, feesUSD: fill.fee,
                expectedFeeUSD: fill.fee, settlement: fill.settlement, tradeIDs: fill.tradeIDs,
                filledAt: row.filledAt == nil ? now : nil)
            return .applySell(
                to: .filled, fields: f,
                reduction: PositionReduction(
                    traderWallet: row.traderWallet, position: PositionKey(conditionID: condition, label: label),
                    isShadow: row.isShadow, shares: fill.shares, netProceeds: net),
                kind: .filled, note: "SELL fill of record: \(fill.shares) shares for \(fill.usd) − fee \(fill.fee)")
        }
        if view.trades.isEmpty && view.order == nil {
            if runAlive { return .leave(.stillUnknown, reason: "not found; its run is alive") }
            let age = now.timeIntervalSince(row.submittedAt ?? row.createdAt ?? now)
            if age < Double(policy.graceSeconds) {
                return .leave(.stillUnknown, reason: "not found at the venue, within the grace period")
            }
            return .apply(
                to: .failed,
                fields: OrderFields(
                    error: "SELL never reached the venue (not found, run dead, past grace): sold again"),
                events: [], kind: .failed, note: "SELL not found past the grace period")
        }
        let to: OrderStatus = OrderTransitions.allows(from: row.status, to: .unfilled) ? .unfilled : .failed
        return .apply(
            to: to, fields: OrderFields(error: "SELL done at the venue with nothing filled"), events: [],
            kind: .unfilled, note: "SELL done with nothing filled")
    }
}
