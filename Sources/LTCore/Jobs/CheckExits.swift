import Foundation
import Logging

public struct CheckExitsOptions: Sendable {
    /// `LT_LIVE_TRADING=1`: live positions are sold on the venue only with it.
    public var liveTradingEnabled: Bool
    public var shard: Shard?
    /// An exit failing this many runs in a row is a warning in the summary (it is still retried).
    public var warnAfterFailures: Int

    public init(liveTradingEnabled: Bool, shard: Shard? = nil, warnAfterFailures: Int = 3) {
        self.liveTradingEnabled = liveTradingEnabled
        self.shard = shard
        self.warnAfterFailures = warnAfterFailures
    }
}

/// The run's counts, printed as the summary.
public struct CheckExitsSummary: Sendable, Hashable, Encodable, JobSummary {
    public var strategies = 0
    public var positions = 0
    public var leadersRead = 0
    /// Leaders whose positions could not be read: their positions are not mirrored this run.
    public var leadersUnavailable = 0
    public var baselinesSet = 0
    public var exitsDecided = 0
    public var sold = 0
    public var shadowSold = 0
    public var submitted = 0
    public var unfilled = 0
    public var rejected = 0
    public var notPlaced = 0
    public var unknown = 0
    public var unverifiedAnswers = 0
    public var answersNotBooked = 0
    /// Exits another run decided first.
    public var alreadyDecided = 0
    /// Positions with an exit in flight (not final): nothing new until it is.
    public var pendingExits = 0
    /// Exits waiting for their BUY's settlement to be CONFIRMED.
    public var unsettled = 0
    /// Exits left for the next run: no book, a thin book, no live key.
    public var deferred = 0
    /// Remainders below the venue minimum, held to resolution.
    public var heldBelowMinimum = 0
    public var abandonedIntents = 0
    public var byReason: [String: Int] = [:]
    /// Positions whose last exit sold less than it asked (retried this run; metrics).
    public var retryingExits = 0
    /// Of those, the ones failing `warnAfterFailures` runs in a row or more (the warnings below).
    public var failingExits = 0
    /// Exits failing run after run (still retried), and other things an operator should see.
    public var warnings: [String] = []
    /// Positions whose exit the database or the ledger refused (exit 1).
    public var errors: [String] = []

    public init() {}

    public var failedCount: Int { errors.count }

    public var textLines: [String] {
        var lines = [
            "strategies \(strategies), positions \(positions), leaders read \(leadersRead)"
                + (leadersUnavailable > 0 ? " (\(leadersUnavailable) unavailable)" : ""),
            "exits decided \(exitsDecided): sold \(sold), shadow sold \(shadowSold), submitted \(submitted), "
                + "unfilled \(unfilled), rejected \(rejected), not placed \(notPlaced), unknown \(unknown)",
            "baselines set \(baselinesSet), pending \(pendingExits), unsettled \(unsettled), deferred \(deferred), "
                + "held below minimum \(heldBelowMinimum), already decided \(alreadyDecided)",
        ]
        if !byReason.isEmpty {
            lines.append(
                "by reason: " + byReason.keys.sorted().map { "\($0) \(byReason[$0]!)" }.joined(separator: ", "))
        }
        lines += warnings.map { "warning: \($0)" }
        lines += errors.map { "error: \($0)" }
        return lines
    }
}

/// `lt check-exits` (design §4, issue 12, docs/jobs.md "check-exits"): mirror each leader's exits
/// proportionally, apply stop-loss / take-profit / max hold, and sell through the same
/// exactly-once machinery as execute's BUYs. The numbered steps are the ones docs/jobs.md lists.
public final class CheckExitsJob {
    let store: any ExitStoring
    let ledger: any Ledger
    let venue: any TradingVenue
    let leaders: any LeaderPositionReading
    let options: CheckExitsOptions
    let runID: String
    let now: () -> Date
    let logger: Logger
    /// Crash-test seam, as in execute: "exit-after-intent".
    let crashPoint: (String) -> Void
    public private(set) var summary = CheckExitsSummary()
    /// Why the last exit of this run was left for a later one (said by `lt force sell`).
    public private(set) var lastDeferral: String?

    public init(
        store: any ExitStoring, ledger: any Ledger, venue: any TradingVenue, leaders: any LeaderPositionReading,
        options: CheckExitsOptions, runID: String, now: @escaping () -> Date, logger: Logger,
        crashPoint: @escaping (String) -> Void = { _ in }
    ) {
        self.store = store
        self.ledger = ledger
        self.venue = venue
        self.leaders = leaders
        self.options = options
        self.runID = runID
        self.now = now
        self.logger = logger
        self.crashPoint = crashPoint
    }

    /// One position as this run sees it.
    struct Position {
        var key: ExitPositionKey
        var lots: [OpenLot]
        var exits: [ExitRules.PastExit]
        var shares: Fixed6 { lots.reduce(.zero) { $0 + $1.sharesRemaining } }
        var costBasis: Fixed6 { lots.reduce(.zero) { $0 + $1.costBasisRemaining } }
        var tokenID: String? { lots.lazy.compactMap(\.tokenID).first }
        /// The last leader size observed (the largest recorded on its rows: a lot bought after an
        /// observation has none yet).
        var baseline: Fixed6? { lots.compactMap(\.baseline).max() }
        var openedAt: Date? { lots.compactMap(\.filledAt).min() }
    }

    public func run() throws -> CheckExitsSummary {
        // 1. Strategies of this shard. HALTED stops exits; ACTIVE, REDUCE_ONLY and tripped breakers
        //    do not (exits reduce risk).
        let all = try store.exitStrategies().filter { options.shard?.contains(strategyID: $0.id) ?? true }
        let strategies = all.filter { $0.tradingState != .halted }
        summary.strategies = strategies.count
        if strategies.isEmpty { return summary }
        let byID = Dictionary(uniqueKeysWithValues: strategies.map { ($0.id, $0) })

        // 2. INTENT rows (BUY or SELL) of dead runs → UNKNOWN: their post may have happened, so they
        //    are reconciled by sync and never re-posted; a position with one is not sold again.
        summary.abandonedIntents = try store.abandonIntents(
            strategyIDs: strategies.map(\.id), exceptRun: runID, at: now())

        // 3. Open positions grouped by (strategy, leader, condition, outcome), with their exit
        //    history (index-backed: lt_orders_open_positions_idx).
        let lots = try store.openLots(strategyIDs: strategies.map(\.id))
        var positions: [ExitPositionKey: Position] = [:]
        for lot in lots { positions[lot.key, default: Position(key: lot.key, lots: [], exits: [])].lots.append(lot) }
        let conditions = Set(positions.keys.map(\.conditionID)).sorted()
        for row in try store.exitRows(strategyIDs: strategies.map(\.id), conditionIDs: conditions) {
            positions[row.key]?.exits.append(row.past)
        }
        summary.positions = positions.count
        if positions.isEmpty { return summary }

        // 4. Each leader's positions, once per run for all the conditions concerned. A leader
        //    that cannot be read is not mirrored this run (never taken for flat).
        var leaderSizes: [String: [String: Fixed6]] = [:]  // leader → token → size
        let mirrored = positions.keys.filter { byID[$0.strategyID]?.mirrorExits == true && $0.traderWallet != nil }
        var conditionsByLeader: [String: Set<String>] = [:]
        for k in mirrored { conditionsByLeader[k.traderWallet!, default: []].insert(k.conditionID) }
        for (leader, cids) in conditionsByLeader.sorted(by: { $0.key < $1.key }) {
            do {
                let ps = try leaders.positions(leader: leader, conditionIDs: cids.sorted())
                var sizes: [String: Fixed6] = [:]
                for p in ps { sizes[p.tokenID, default: .zero] += p.size }
                leaderSizes[leader] = sizes
                summary.leadersRead += 1
            } catch {
                summary.leadersUnavailable += 1
                logger.warning(
                    "leader positions unavailable: not mirrored this run",
                    metadata: ["stage": "leaders", "leader": .string(leader), "error": "\(error)"])
            }
        }

        // 5. Books (best bids) for every position's token, in one call.
        let tokens = Set(positions.values.compactMap(\.tokenID)).sorted()
        var books: [String: VenueBook] = [:]
        do {
            books = try venue.books(tokenIDs: tokens)
        } catch {
            logger.warning(
                "books unavailable: price exits and sales wait", metadata: ["stage": "book", "error": "\(error)"])
        }

        // 6–11 per position.
        for key in positions.keys.sorted() {
            guard let p = positions[key], let strategy = byID[key.strategyID] else { continue }
            var log = logger
            log[metadataKey: "strategy_id"] = .string(key.strategyID)
            log[metadataKey: "condition_id"] = .string(key.conditionID)
            log[metadataKey: "token_label"] = .string(key.tokenLabel)
            if let l = key.traderWallet { log[metadataKey: "leader"] = .string(l) }
            let book = p.tokenID.flatMap { books[$0] }
            do {
                try decide(p, strategy: strategy, book: book, leaderSizes: leaderSizes, log: log)
            } catch let e as DatabaseError where e.kind == .query || e.kind == .decoding {
                report(key, log: log, "database refused it: \(e.message)")
            } catch let e as LedgerError {
                report(key, log: log, "ledger refused it: \(e)")
            }
        }

        // 12. Mark to market: what is still open after this run's exits (read again, so a position
        //     sold now counts once, in realized P&L), each at its best bid; a position without a
        //     bid stays at cost. Peak equity and drawdown follow the marked equity.
        var unrealized: [String: Fixed6] = [:]
        for id in Set(positions.keys.map(\.strategyID)) { unrealized[id] = .zero }
        for lot in try store.openLots(strategyIDs: unrealized.keys.sorted()) {
            guard let bid = lot.tokenID.flatMap({ books[$0] }).flatMap({ ExitRules.bestBid($0.bids) }) else { continue }
            unrealized[lot.key.strategyID, default: .zero] +=
                lot.sharesRemaining.multiplied(by: bid, rounding: .floor) - lot.costBasisRemaining
        }
        for (id, u) in unrealized.sorted(by: { $0.key < $1.key }) {
            try store.markToMarket(strategyID: id, unrealizedPnL: u, at: now())
        }
        return summary
    }

    func decide(
        _ p: Position, strategy: ExitStrategy, book: VenueBook?, leaderSizes: [String: [String: Fixed6]], log: Logger
    ) throws {
        let key = p.key
        // 6. An exit in flight blocks a new one (never sell more than held); what an earlier exit
        //    did not sell is still owed and is retried (no give-up counter).
        let carry = ExitRules.carry(p.exits)
        if carry == .pending {
            summary.pendingExits += 1
            return
        }
        if case .owed(_, _, let failures) = carry, failures > 0 { summary.retryingExits += 1 }
        if case .owed(_, let reason, let failures) = carry, failures >= options.warnAfterFailures {
            summary.failingExits += 1
            summary.warnings.append(
                "\(key.strategyID) \(key.conditionID) \(key.tokenLabel): the \(reason.rawValue) exit has failed "
                    + "\(failures) runs in a row (still retried)")
        }
        // A remainder already held below the minimum stays until resolution.
        if let last = p.exits.last, last.status == .skipped, last.skipReason == SkipReason.belowMinimum.rawValue,
            p.shares <= last.requestedShares
        {
            return
        }

        // 7. Leader mirroring: baseline, proportional or full exit.
        var mirror = ExitRules.Mirror.none
        if strategy.mirrorExits, let leader = key.traderWallet, let sizes = leaderSizes[leader], let token = p.tokenID {
            mirror = ExitRules.mirror(
                baseline: p.baseline, leaderSize: sizes[token] ?? .zero, thresholdPct: strategy.exitThresholdPct)
        }
        if case .setBaseline(let b) = mirror {
            try store.setBaseline(strategyID: key.strategyID, ltOrderIDs: p.lots.map(\.ltOrderID), value: b, at: now())
            summary.baselinesSet += 1
            log.info("leader baseline set", metadata: ["stage": "mirror", "baseline": "\(b)"])
        }

        // 8. Stop-loss / take-profit / max hold on the best bid against cost per share (fees in).
        let bestBid = book.flatMap { ExitRules.bestBid($0.bids) }
        let costPerShare = p.shares.isPositive ? p.costBasis.divided(by: p.shares, rounding: .halfEven) : .zero
        let held = p.openedAt.map { now().timeIntervalSince($0) } ?? 0
        let priceReason = ExitRules.priceExit(
            bestBid: bestBid, costPerShare: costPerShare, stopLossPct: strategy.stopLossPct,
            takeProfitPct: strategy.takeProfitPct, heldSeconds: held, maxHoldHours: strategy.maxHoldHours)

        // 9. What to sell, and why: a price/time exit sells everything; a mirrored drop its fraction;
        //    an owed remainder is added.
        var wanted = Fixed6.zero
        var reason: ExitReason? = nil
        var newBaseline: Fixed6? = nil
        if let priceReason {
            wanted = p.shares
            reason = priceReason
        }
        if case .sell(let fraction, let full, let b) = mirror {
            newBaseline = b
            if reason == nil {
                wanted = ExitRules.shares(fraction: fraction, of: p.shares)
                reason = full ? .traderExit : .traderPartial
            }
        }
        if case .owed(let owed, let r, _) = carry {
            if reason == nil { reason = r }
            // A price/time exit already sells everything.
            if priceReason == nil { wanted = Swift.min(p.shares, wanted + owed) }
        }
        guard let reason, wanted.isPositive else { return }
        var log = log
        log[metadataKey: "exit_reason"] = .string(reason.rawValue)

        try sell(
            p, strategy: strategy, book: book, wanted: wanted, reason: reason, newBaseline: newBaseline,
            signalKey: key.exitKey(sequence: p.exits.count), forced: false, log: log)
    }

    /// Steps 10–11 for one decided exit: sell `wanted` shares of `p` for `reason` under `signalKey`
    /// (the deterministic exit key; `lt force sell` passes its own idempotency key and `forced`).
    /// The job and `lt force sell` share it, so a forced exit meets exactly the same rules and
    /// exactly-once machinery (settlement, live keys, venue minimum, plan, INTENT before the POST).
    func sell(
        _ p: Position, strategy: ExitStrategy, book: VenueBook?, wanted: Fixed6, reason: ExitReason,
        newBaseline: Fixed6?, signalKey: String, forced: Bool, log: Logger
    ) throws {
        let key = p.key
        // 10. Settlement: shares of a BUY not CONFIRMED are not sold yet (nothing is decided, the
        //     baseline does not move: the next run decides again).
        if !p.lots.allSatisfy({ ExitRules.isSellable(settlement: $0.settlement, isShadow: key.isShadow) }) {
            summary.unsettled += 1
            lastDeferral = "a BUY of the position is not settled (CONFIRMED) yet: sync-order-status first"
            log.info("exit waits for settlement", metadata: ["stage": "settlement"])
            return
        }
        let live = !key.isShadow
        if live && (strategy.mode != .live || !options.liveTradingEnabled) {
            summary.deferred += 1
            lastDeferral = "live position, but live trading is off (mode live and LT_LIVE_TRADING=1 needed)"
            log.warning(
                "live position but live trading is off (mode or LT_LIVE_TRADING): not sold",
                metadata: ["stage": "mode"])
            return
        }
        guard let book, let token = p.tokenID else {
            summary.deferred += 1
            lastDeferral = "no book for the token"
            log.warning("no book: exit waits for the next run", metadata: ["stage": "book"])
            return
        }
        let tick = book.tickSize
        let parent = p.lots.first?.ltOrderID
        let baselineUpdate = newBaseline.map { BaselineUpdate(ltOrderIDs: p.lots.map(\.ltOrderID), value: $0) }
        var row = LTOrder(
            strategyID: key.strategyID, signalKey: signalKey, parentLTOrderID: parent,
            traderWallet: key.traderWallet, conditionID: key.conditionID, tokenID: token, tokenLabel: key.tokenLabel,
            marketTitle: p.lots.first?.marketTitle, negRisk: book.negRisk, tickSize: tick, side: .sell,
            isShadow: key.isShadow, status: .intent, exitReason: reason, traderPositionBaseline: newBaseline,
            traceID: TraceID.make(), runID: runID)
        row.wallet = live ? strategy.wallet : nil
        row.forced = forced
        row.createdAt = now()

        // 11a. Venue rules: the share grid and the minimum; a remainder below it is held to
        //      resolution and the row says so.
        let shares: Fixed6
        switch ExitRules.sellSize(wanted: wanted, held: p.shares, minOrderSize: book.minOrderSize) {
        case .nothing: return
        case .belowMinimum(let s):
            // Partial drops below the minimum wait (the baseline stays, so they add up); a full exit
            // that cannot be placed is recorded once.
            guard wanted >= p.shares.rounded(toMultipleOf: ExitRules.shareStep, .floor) else { return }
            row.status = .skipped
            row.skipReason = SkipReason.belowMinimum.rawValue
            row.requestedShares = s
            row.error = "\(p.shares) shares left, below the venue minimum \(book.minOrderSize): held to resolution"
            _ = try ledger.apply(
                LedgerEntry(strategyID: key.strategyID, change: .insert(row), at: now(), baseline: baselineUpdate))
            summary.heldBelowMinimum += 1
            log.warning(
                "remainder below the minimum: held to resolution", metadata: ["stage": "size", "shares": "\(s)"])
            return
        case .sell(let s): shares = s
        }
        // 11b. The order: FOK at the best bid within max_slippage_bps; FAK for what a thin book holds.
        let plan: ExitRules.SellPlan
        switch ExitRules.plan(
            shares: shares, bids: book.bids, maxSlippageBps: strategy.maxSlippageBps, tickSize: tick,
            minOrderSize: book.minOrderSize)
        {
        case .failure(let problem):
            summary.deferred += 1
            lastDeferral = "the book cannot take the exit: \(problem)"
            log.warning(
                "book cannot take the exit: retried next run", metadata: ["stage": "book", "problem": "\(problem)"])
            return
        case .success(let plan0): plan = plan0
        }
        let fees: FeeSchedule
        do {
            fees = try venue.feeSchedule(conditionID: key.conditionID)
        } catch {
            summary.deferred += 1
            lastDeferral = "fee schedule unavailable: \(error)"
            log.warning("fee schedule unavailable: exit waits", metadata: ["stage": "fee", "error": "\(error)"])
            return
        }
        let expectedFee =
            plan.expectedFill.vwap.flatMap { fees.fee(shares: plan.expectedFill.shares, price: $0) } ?? .zero
        row.orderType = plan.orderType
        row.limitPrice = plan.limitPrice
        row.requestedShares = plan.shares
        row.expectedFeeUSD = Swift.min(expectedFee, plan.expectedFill.usd)
        summary.exitsDecided += 1
        summary.byReason[reason.rawValue, default: 0] += 1
        let position = PositionKey(conditionID: key.conditionID, label: key.tokenLabel)
        log.info(
            "exit decided",
            metadata: [
                "stage": "decide", "shares": "\(plan.shares)", "limit_price": "\(plan.limitPrice)",
                "order_type": "\(plan.orderType.rawValue)", "shadow": "\(!live)",
            ])

        if !live {
            // 11c. Shadow: the fill is simulated by walking the bids; row, fill, position and cash in
            //      one ledger entry. Nothing is signed or posted.
            let fill = plan.expectedFill
            let fee = row.expectedFeeUSD
            row.status = fill.shares.isPositive ? .filled : .unfilled
            row.executedShares = fill.shares
            row.executedUSD = fill.usd
            row.executedPrice = fill.vwap
            row.feesUSD = fee
            row.submittedAt = now()
            row.filledAt = fill.shares.isPositive ? now() : nil
            var reduction: PositionReduction? = nil
            if fill.shares.isPositive {
                reduction = PositionReduction(
                    traderWallet: key.traderWallet, position: position, isShadow: true, shares: fill.shares,
                    netProceeds: fill.usd - fee)
            }
            switch try ledger.apply(
                LedgerEntry(
                    strategyID: key.strategyID, change: .insert(row), at: now(),
                    cooldownAvailableAt: cooldownEnd(strategy), reduction: reduction, baseline: baselineUpdate))
            {
            case .applied: summary.shadowSold += fill.shares.isPositive ? 1 : 0
            case .skipped, .alreadyDecided: summary.alreadyDecided += 1
            }
            log.info(
                "shadow exit",
                metadata: ["stage": "shadow", "shares": "\(fill.shares)", "usd": "\(fill.usd)", "fee": "\(fee)"])
            return
        }

        // 11d. Live: sign (the order hash is the CLOB order id), then the SELL INTENT with its
        //      deterministic exit key and the baseline move, durable, before anything is posted.
        let signed: SignedVenueOrder
        do {
            signed = try venue.sign(
                OrderRequest(
                    wallet: strategy.wallet, side: .sell, tokenID: token, negRisk: book.negRisk, tickSize: tick,
                    limitPrice: plan.limitPrice, amount: plan.shares, orderType: plan.orderType))
        } catch {
            summary.deferred += 1
            lastDeferral = "cannot sign: \(error)"
            log.error("cannot sign the exit: retried next run", metadata: ["stage": "sign", "error": "\(error)"])
            return
        }
        row.orderHash = signed.orderHash
        row.requestedShares = signed.shares
        var log2 = log
        log2[metadataKey: "order_hash"] = .string(signed.orderHash)
        let ltOrderID: Int64
        switch try ledger.apply(
            LedgerEntry(
                strategyID: key.strategyID, change: .insert(row), durable: true, at: now(), baseline: baselineUpdate))
        {
        case .applied(let id, _): ltOrderID = id
        case .skipped, .alreadyDecided:
            summary.alreadyDecided += 1
            return
        }
        log2.info("exit intent committed", metadata: ["stage": "intent"])
        crashPoint("exit-after-intent")

        // 11e. Post once; book the answer. A fill takes its shares out of the position's BUY rows
        //      (FIFO) and queues the net proceeds in cooldown, in one ledger transaction.
        let answer = venue.post(signed)
        let booking = SellAnswerBooking.book(answer, signed: signed, fees: fees, latencyMs: nil, at: now())
        switch booking.status {
        case .filled: summary.sold += 1
        case .submitted: summary.submitted += 1
        case .unfilled: summary.unfilled += 1
        case .rejected: summary.rejected += 1
        case .notPlaced: summary.notPlaced += 1
        default: summary.unknown += 1
        }
        if booking.unverified != nil { summary.unverifiedAnswers += 1 }
        let reduction = booking.sold.map {
            PositionReduction(
                traderWallet: key.traderWallet, position: position, isShadow: false, shares: $0.shares,
                netProceeds: $0.netProceeds)
        }
        do {
            _ = try ledger.apply(
                LedgerEntry(
                    strategyID: key.strategyID,
                    change: .update(ltOrderID: ltOrderID, to: booking.status, fields: booking.fields, onlyRun: runID),
                    at: now(), cooldownAvailableAt: cooldownEnd(strategy), reduction: reduction))
        } catch let refused as LedgerError {
            summary.answersNotBooked += 1
            log2.warning("exit answer not booked", metadata: ["stage": "post", "error": "\(refused)"])
        }
        let level: Logger.Level =
            [.unknown, .rejected, .unfilled, .notPlaced].contains(booking.status) ? .warning : .info
        log2.log(
            level: level, "exit answer",
            metadata: [
                "stage": "post", "status": "\(booking.status.rawValue)",
                "executed_shares": "\(booking.fields.executedShares ?? .zero)",
                "executed_usd": "\(booking.fields.executedUSD ?? .zero)", "error": "\(booking.fields.error ?? "")",
            ])
    }

    /// Why `forceSell` sold nothing.
    public enum ForcedSellRefusal: Error, Sendable, Equatable {
        case noStrategy
        /// HALTED stops exits, forced ones too.
        case halted
        /// No open position matches; the strategy's open positions, described.
        case noPosition(open: [String])
        /// Several leaders' positions match: name one with --leader.
        case ambiguous(leaders: [String])
        /// The position's last exit is not final yet (never sell more than held).
        case exitInFlight
        /// The book could not be read.
        case booksUnavailable(String)
    }

    /// `lt force sell` (issue 14 §3): `fraction` of one position (strategy, condition, outcome and,
    /// when several leaders' signals bought it, the leader — "-" for none) sold now through the
    /// same steps 10–11 as a decided exit, reason MANUAL, under `signalKey` (`force:<key>`) and
    /// flagged `forced`. What the SELL did not sell is owed like any exit's and later check-exits
    /// runs retry it (step 6). Nil: the exit went through `sell` (its row, or `lastDeferral`, says how).
    public func forceSell(
        strategyID: String, conditionID: String, outcome: String, leader: String?, fraction: Fixed6, signalKey: String
    ) throws -> ForcedSellRefusal? {
        guard let strategy = try store.exitStrategies().first(where: { $0.id == strategyID }) else {
            return .noStrategy
        }
        if strategy.tradingState == .halted { return .halted }
        summary.strategies = 1
        summary.abandonedIntents = try store.abandonIntents(strategyIDs: [strategyID], exceptRun: runID, at: now())
        var positions: [ExitPositionKey: Position] = [:]
        for lot in try store.openLots(strategyIDs: [strategyID]) {
            positions[lot.key, default: Position(key: lot.key, lots: [], exits: [])].lots.append(lot)
        }
        let describe = { (k: ExitPositionKey) in
            "\(k.conditionID) \(k.tokenLabel) leader \(k.traderWallet ?? "-")\(k.isShadow ? " (shadow)" : "")"
        }
        let matching = positions.keys.filter {
            $0.conditionID == conditionID && $0.tokenLabel.lowercased() == outcome.lowercased()
                && (leader == nil || ($0.traderWallet ?? "-") == leader)
        }.sorted()
        guard let key = matching.first else { return .noPosition(open: positions.keys.sorted().map(describe)) }
        if matching.count > 1 { return .ambiguous(leaders: matching.map { $0.traderWallet ?? "-" }) }
        guard var p = positions[key] else { return .noPosition(open: []) }
        p.exits = try store.exitRows(strategyIDs: [strategyID], conditionIDs: [conditionID]).filter { $0.key == key }
            .map(\.past)
        summary.positions = 1
        if ExitRules.carry(p.exits) == .pending { return .exitInFlight }
        var book: VenueBook? = nil
        if let token = p.tokenID {
            do {
                book = try venue.books(tokenIDs: [token])[token]
            } catch {
                return .booksUnavailable("\(error)")
            }
        }
        var log = logger
        log[metadataKey: "strategy_id"] = .string(strategyID)
        log[metadataKey: "condition_id"] = .string(conditionID)
        log[metadataKey: "exit_reason"] = .string(ExitReason.manual.rawValue)
        log[metadataKey: "forced"] = "true"
        try sell(
            p, strategy: strategy, book: book, wanted: ExitRules.shares(fraction: fraction, of: p.shares),
            reason: .manual, newBaseline: nil, signalKey: signalKey, forced: true, log: log)
        return nil
    }

    func cooldownEnd(_ s: ExitStrategy) -> Date { now().addingTimeInterval(Double(s.cooldownHours) * 3600) }

    func report(_ key: ExitPositionKey, log: Logger, _ message: String) {
        summary.errors.append("strategy \(key.strategyID) \(key.conditionID) \(key.tokenLabel): \(message)")
        log.error("exit not decided", metadata: ["stage": "decide", "error": .string(message)])
    }
}
