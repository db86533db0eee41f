import Foundation
import Logging

public struct ExecuteOptions: Sendable {
    /// `LT_LIVE_TRADING=1`: the environment's half of the two keys for live orders.
    public var liveTradingEnabled: Bool
    public var shard: Shard?
    /// How far back the anti-join looks. Anything older is stale under every sane
    /// `max_signal_age_seconds`; the window bounds the scan to recent rows, whatever the history.
    public var lookbackSeconds: Int
    /// At most this many new signals per strategy per run (the rest stay new for the next run).
    public var batchLimit: Int
    /// At most this many posts in flight at once (`--max-in-flight`): one strategy's posts are
    /// sequential, different strategies' posts overlap. It also bounds the venue reads a wave makes
    /// at once.
    public var maxInFlight: Int
    /// A pass reads the venue for a wave of strategies at once, closed when it holds this many
    /// candidate signals (a strategy is never split): the bigger, the fewer round trips; the
    /// smaller, the fresher a book when the wave's last decision uses it.
    public var readAheadSignals: Int

    public init(
        liveTradingEnabled: Bool, shard: Shard? = nil, lookbackSeconds: Int = 3600, batchLimit: Int = 500,
        maxInFlight: Int = 16, readAheadSignals: Int = 200
    ) {
        self.liveTradingEnabled = liveTradingEnabled
        self.shard = shard
        self.lookbackSeconds = lookbackSeconds
        self.batchLimit = batchLimit
        self.maxInFlight = max(1, maxInFlight)
        self.readAheadSignals = max(1, readAheadSignals)
    }
}

/// `lt execute` (design §4, docs/jobs.md "execute"): FT signals → sized, risk-checked, signed orders,
/// exactly once. The numbered steps in the comments are the ones docs/jobs.md describes.
public final class ExecuteJob {
    let store: any ExecuteStoring
    let ledger: any Ledger
    let venue: any TradingVenue
    let options: ExecuteOptions
    let runID: String
    let now: () -> Date
    var logger: Logger
    /// Crash-test seam: called with a point name ("after-intent") at the instants a crash matters;
    /// the command wires it to `LT_TEST_CRASH_POINT` (SIGKILL itself there). A no-op otherwise.
    let crashPoint: (String) -> Void
    public internal(set) var summary = ExecuteSummary()
    /// Posts in flight (at most `options.maxInFlight`), by a number of this run; their answers are
    /// booked on the job's thread, which owns the database connection.
    let posts = PostPipeline()
    var pendingPosts: [Int: PendingPost] = [:]
    var nextPostID = 0
    /// A strategy's risk state after its last booked answer, for its next decision.
    var freshAfterAnswer: [String: RiskState] = [:]
    /// Signals this run saw and left undecided, per strategy (deferred: venue unreadable; a wallet
    /// that cannot sign; a post proven never placed). A follower retries only what grows beyond
    /// these, so a venue outage is not hammered — and a signal that arrived while a pass ran is new,
    /// not mistaken for one the pass left (which a fresh count after the pass would do).
    var leftUndecided: [String: Int] = [:]

    func leaveUndecided(_ strategyID: String) { leftUndecided[strategyID, default: 0] += 1 }

    public init(
        store: any ExecuteStoring, ledger: any Ledger, venue: any TradingVenue, options: ExecuteOptions,
        runID: String,
        now: @escaping () -> Date, logger: Logger, crashPoint: @escaping (String) -> Void = { _ in }
    ) {
        self.crashPoint = crashPoint
        self.store = store
        self.ledger = ledger
        self.venue = venue
        self.options = options
        self.runID = runID
        self.now = now
        self.logger = logger
    }

    /// Runs once over every active strategy of the shard. Database errors propagate (exit 69 at
    /// the command); venue read errors defer the affected signals.
    public func run() throws -> ExecuteSummary {
        try pass(only: nil)
        return summary
    }

    /// One pass over the active strategies of the shard; `only` narrows it to the strategies a
    /// follower's probe found something new for (`follow`), which already know they have.
    func pass(only: Set<String>?) throws {
        // 1. Active strategies of this shard (read again by every pass: an operator's pause or new
        //    limit applies to a follower's next decision).
        let active = try store.activeStrategies()
        var strategies = active.strategies.filter { options.shard?.contains(strategyID: $0.id) ?? true }
        if let only {
            strategies = strategies.filter { only.contains($0.id) }
            // A strategy the probe counted but this pass cannot decide (misconfigured, paused since):
            // its signals are left for the next run, not retried on every probe.
            for id in only where !strategies.contains(where: { $0.id == id }) { leftUndecided[id] = .max }
        } else {
            for bad in active.misconfigured where options.shard?.contains(strategyID: bad.strategyID) ?? true {
                summary.misconfigured.append(bad)
                logger.error(
                    "strategy misconfigured: skipped",
                    metadata: ["strategy_id": .string(bad.strategyID), "stage": "config", "error": .string(bad.reason)])
            }
            summary.strategies = strategies.count
        }
        // 2. Reconcile what an earlier run left unfinished: INTENT rows of dead runs (their liveness
        //    lock is free) become UNKNOWN — their post may have happened, so the cash stays locked and
        //    sync-order-status looks them up by order hash. A live run's rows are left alone.
        let abandoned = try store.abandonIntents(strategyIDs: strategies.map(\.id), exceptRun: runID, at: now())
        summary.abandonedIntents += abandoned
        if abandoned > 0 {
            logger.warning(
                "earlier INTENT rows marked UNKNOWN", metadata: ["count": "\(abandoned)", "stage": "reconcile"])
        }
        // 3a. Which strategies have anything new: one query for all of them, so a run with no new
        //     signal stays one round trip however many strategies there are.
        let started = ContinuousClock.now
        let since = now().addingTimeInterval(-Double(options.lookbackSeconds))
        let pending =
            try only ?? store.strategiesWithNewSignals(strategyIDs: strategies.map(\.id), since: since)
        logger.info(
            "strategies with new signals",
            metadata: [
                "stage": "read", "count": "\(pending.count)", "of": "\(strategies.count)",
                "elapsed_ms": ms(since: started),
            ])
        // 3b–5 strategy by strategy, gathered into waves of about `readAheadSignals` candidates;
        // 6–7 once per wave, every market and book it needs read concurrently; 8–15 per strategy.
        // A burst over many strategies so costs a few venue round trips before its first decision,
        // not two per strategy, and a wave bounds how old a book is when its decision uses it.
        var wave: [Prepared] = []
        for strategy in strategies where pending.contains(strategy.id) {
            if let prepared = try prepare(strategy, since: since) { wave.append(prepared) }
            if wave.reduce(0, { $0 + $1.candidates.count }) >= options.readAheadSignals {
                try decide(wave: wave)
                wave = []
            }
        }
        try decide(wave: wave)
        try bookAnswers { pendingPosts.isEmpty }
    }

    /// Live needs both keys: `mode = 'live'` and `LT_LIVE_TRADING=1`.
    func isLive(_ s: ExecuteStrategy) -> Bool { s.mode == .live && options.liveTradingEnabled }

    struct Candidate {
        var row: ExecuteDecisionRow
        var signal: BuySignal
        var log: Logger
    }

    /// A due strategy's candidates, steps 3b–5 done, waiting for its wave's venue reads.
    struct Prepared {
        var strategy: ExecuteStrategy
        var live: Bool
        var log: Logger
        var candidates: [Candidate]
    }

    /// Steps 3b–5 for one strategy: nil when nothing is left to decide.
    func prepare(_ strategy: ExecuteStrategy, since: Date) throws -> Prepared? {
        var log = logger
        log[metadataKey: "strategy_id"] = .string(strategy.id)
        let live = isLive(strategy)
        if strategy.mode == .live && !live {
            log.warning(
                "strategy is live but LT_LIVE_TRADING is not 1: running it as shadow", metadata: ["stage": "mode"])
        }
        // 3b. New signals: the index-backed anti-join over the lookback window.
        let started = ContinuousClock.now
        let rows = try store.newSignals(strategy: strategy, since: since, limit: options.batchLimit)
        summary.signalsSeen += rows.count
        log.info(
            "new signals", metadata: ["stage": "read", "count": "\(rows.count)", "elapsed_ms": ms(since: started)])

        // 4. Validation and 5. staleness (pure): malformed rows become SKIPPED, the batch continues.
        var candidates: [Candidate] = []
        for r in rows {
            if let c = try candidate(r, strategy: strategy, live: live, forced: false, log: log) {
                candidates.append(c)
            }
        }
        return candidates.isEmpty ? nil : Prepared(strategy: strategy, live: live, log: log, candidates: candidates)
    }

    /// Steps 6–7 for a wave of strategies at once, then 8–15 for each.
    func decide(wave: [Prepared]) throws {
        if wave.isEmpty { return }
        let reads = readAhead(wave.flatMap { $0.candidates.map(\.signal) }, log: logger)
        for p in wave {
            try decideAll(p.candidates, strategy: p.strategy, live: p.live, log: p.log, reads: reads)
        }
    }

    /// Steps 4 and 5 for one FT row: a SKIPPED row for a malformed or stale signal, else the
    /// candidate to decide.
    func candidate(_ r: FTSignalRow, strategy: ExecuteStrategy, live: Bool, forced: Bool, log: Logger) throws
        -> Candidate?
    {
        var row = ExecuteDecisionRow(
            strategyID: strategy.id, row: r, isShadow: !live, traceID: TraceID.make(), runID: runID)
        row.forced = forced
        var l = log
        l[metadataKey: "trace_id"] = .string(row.traceID)
        l[metadataKey: "ft_order_id"] = .string(r.orderID)
        var out: Candidate? = nil
        try perSignal(strategy: strategy.id, signal: r.orderID, log: l) {
            switch SignalValidation.validate(r) {
            case .failure(let skip):
                try skipRow(&row, skip, log: l, stage: "validate")
            case .success(let signal):
                row.signal = signal
                if let skip = Staleness.check(
                    signalTime: signal.signalTime, now: now(), maxAgeSeconds: strategy.maxSignalAgeSeconds)
                {
                    try skipRow(&row, skip, log: l, stage: "staleness")
                } else {
                    out = Candidate(row: row, signal: signal, log: l)
                }
            }
        }
        return out
    }

    /// What steps 6–7 read from the venue for a set of signals.
    struct VenueReads {
        var resolution: [String: Resolved]
        var books: [String: VenueBook]
        var booksError: VenueError?
    }

    /// 6. Token resolution, in batch: each condition's market read once (`resolveTokens`); 7. the
    /// books of every resolved token. Calls overlap up to `maxInFlight`.
    func readAhead(_ signals: [BuySignal], log: Logger) -> VenueReads {
        let resolution = resolveTokens(signals, log: log)
        let tokenIDs = Set(signals.compactMap { resolution[$0.orderID].flatMap { try? $0.get() }?.tokenID })
        var reads = VenueReads(resolution: resolution, books: [:], booksError: nil)
        if tokenIDs.isEmpty { return reads }
        let t = ContinuousClock.now
        do {
            reads.books = try venue.books(tokenIDs: tokenIDs.sorted(), concurrency: options.maxInFlight)
            log.info("books", metadata: ["stage": "book", "count": "\(reads.books.count)", "elapsed_ms": ms(since: t)])
        } catch {
            reads.booksError = error
            log.error(
                "books unavailable", metadata: ["stage": "book", "error": "\(error)", "elapsed_ms": ms(since: t)])
        }
        return reads
    }

    /// Steps 8–15 for the strategy's candidates (6–7 read: `reads`).
    func decideAll(
        _ candidates: [Candidate], strategy: ExecuteStrategy, live: Bool, log: Logger, reads: VenueReads
    ) throws {
        if candidates.isEmpty { return }
        // 8–15 per signal, in signal order: sizing, risk, market, order type, price protection,
        // INTENT + cash lock, post, answer.
        var state = strategy.state
        freshAfterAnswer[strategy.id] = nil
        for c in candidates {
            // A strategy's decisions stay sequential (its cash): the next one waits for the answer
            // of its post in flight and sizes on the cash that answer left.
            try bookAnswers { !pendingPosts.values.contains { $0.strategyID == strategy.id } }
            if let fresh = freshAfterAnswer.removeValue(forKey: strategy.id) { state = fresh }
            try perSignal(strategy: strategy.id, signal: c.signal.orderID, log: c.log) {
                try decide(
                    c, strategy: strategy, live: live, state: &state, resolution: reads.resolution,
                    books: reads.books, booksError: reads.booksError)
            }
        }
    }

    /// Why `decideForced` decided nothing.
    public enum ForcedRefusal: Error, Sendable, Equatable {
        /// No active strategy with that id.
        case noStrategy
        /// The strategy's row is unusable (execute skips it too), with why.
        case misconfigured(String)
        /// No reference price given and the book has no ask to take it from.
        case noPrice(String)
        /// The venue could not be read for the reference price (exit 69: run it again).
        case venueUnavailable(String)
    }

    /// `lt force buy` and `lt force simulate-ft` (issue 14 §3): one synthetic signal of one
    /// strategy through the same steps as an FT signal — 4 validation, 5 staleness, 6 token, 7 book,
    /// 8 sizing, 9 risk, 10–12 market, fee, order type, price protection, 13 the INTENT and its cash
    /// lock durable before 14 the one POST, 15 the answer — live only with both keys, shadow
    /// otherwise. Its row is flagged `forced` and its signal key is `signal.orderID`
    /// (`force:<key>`): UNIQUE(strategy_id, signal_key) makes a rerun decide nothing twice.
    /// `amountUSD` replaces the strategy's sizing by that amount (FIXED), still capped by its
    /// minimum, its max position and 99 % of available cash; nil sizes the signal as the strategy
    /// sizes FT's. A signal without a price takes the book's best ask as its reference price.
    public func decideForced(strategyID: String, signal: FTSignalRow, amountUSD: Fixed6?) throws
        -> Result<Void, ForcedRefusal>
    {
        let active = try store.activeStrategies()
        if let bad = active.misconfigured.first(where: { $0.strategyID == strategyID }) {
            return .failure(.misconfigured(bad.reason))
        }
        guard var strategy = active.strategies.first(where: { $0.id == strategyID }) else {
            return .failure(.noStrategy)
        }
        if let amountUSD {
            strategy.sizing = SizingConfig(
                mode: .fixed, sizeMultiplier: .one, multiplierTiers: [], fixedSizeUSD: amountUSD, percentOfCash: nil,
                minOrderUSD: strategy.sizing.minOrderUSD, maxPositionSizeUSD: strategy.sizing.maxPositionSizeUSD)
        }
        var r = signal
        if r.entryPrice == nil {
            switch bestAsk(conditionID: r.conditionID ?? "", label: r.tokenLabel ?? "") {
            case .success(let p): r.entryPrice = p.exactText
            case .failure(let why): return .failure(why)
            }
        }
        summary.strategies = 1
        summary.signalsSeen = 1
        let live = isLive(strategy)
        var log = logger
        log[metadataKey: "strategy_id"] = .string(strategy.id)
        log[metadataKey: "forced"] = "true"
        if strategy.mode == .live && !live {
            log.warning(
                "strategy is live but LT_LIVE_TRADING is not 1: running it as shadow", metadata: ["stage": "mode"])
        }
        if let c = try candidate(r, strategy: strategy, live: live, forced: true, log: log) {
            try decideAll([c], strategy: strategy, live: live, log: log, reads: readAhead([c.signal], log: log))
        }
        // The post may still be in flight (posts are detached once their INTENT is durable): book
        // its answer before the command reads the row back, as every pass does before it ends.
        try bookAnswers { pendingPosts.isEmpty }
        return .success(())
    }

    /// The lowest ask of the label's token (the reference price of a forced buy given none).
    func bestAsk(conditionID: String, label: String) -> Result<Fixed6, ForcedRefusal> {
        do {
            guard let m = try venue.market(conditionID: conditionID),
                case .success(let tok) = TokenResolution.resolve(label: label, in: m.tokens)
            else { return .failure(.noPrice("the venue has no \(label) token for \(conditionID)")) }
            guard let ask = try venue.books(tokenIDs: [tok.tokenID])[tok.tokenID]?.asks.map(\.price).min() else {
                return .failure(.noPrice("the book of \(label) has no ask; give --price"))
            }
            return .success(ask)
        } catch {
            return .failure(.venueUnavailable("\(error)"))
        }
    }

    /// A resolved token, or why not: a skip reason, or `.deferred` when the venue could not be read
    /// (the signal keeps no row and the next run decides it).
    typealias Resolved = Result<ResolvedToken, ResolutionFailure>
    struct ResolvedToken { var tokenID: String; var title: String?; var slug: String? }
    enum ResolutionFailure: Error { case skip(Skip), deferred(VenueError) }

    func resolveTokens(_ signals: [BuySignal], log: Logger) -> [String: Resolved] {
        let t = ContinuousClock.now
        // One market read per condition per wave, on every path (shadow included): its state decides
        // whether it can be traded at all, and its tokens are the only ones trusted. FT's token id is
        // used only when the market says it is the label's token (issue 9 §2: a row naming market A
        // with B's token, or Yes with the No token, must not buy B or No). The reads overlap, and
        // bring the fee schedules step 11 needs.
        let markets = venue.markets(
            conditionIDs: Array(Set(signals.map(\.conditionID))), concurrency: options.maxInFlight)
        var out: [String: Resolved] = [:]
        for s in signals {
            switch markets[s.conditionID] {
            case .failure(let e)?: out[s.orderID] = .failure(.deferred(e))
            case .success(nil)?, nil:
                out[s.orderID] = .failure(.skip(Skip(.marketUnavailable, "venue does not know \(s.conditionID)")))
            case .success(let m?):
                if !m.acceptingOrders {
                    out[s.orderID] = .failure(
                        .skip(Skip(.marketUnavailable, "market is closed / not accepting orders")))
                    continue
                }
                switch TokenResolution.resolve(label: s.tokenLabel, in: m.tokens) {
                case .failure(let skip): out[s.orderID] = .failure(.skip(skip))
                case .success(let tok):
                    if let given = s.tokenID, given != tok.tokenID {
                        out[s.orderID] = .failure(
                            .skip(
                                Skip(
                                    .tokenMismatch,
                                    "FT token \(TextEscaping.controls(String(given.prefix(80)))) is not the "
                                        + "\(tok.outcome) token of \(s.conditionID) (the market's is \(tok.tokenID))")))
                        continue
                    }
                    out[s.orderID] = .success(ResolvedToken(tokenID: tok.tokenID, title: m.title, slug: m.slug))
                }
            }
        }
        log.info(
            "tokens resolved",
            metadata: [
                "stage": "resolve", "signals": "\(signals.count)", "markets": "\(markets.count)",
                "elapsed_ms": ms(since: t),
            ])
        return out
    }

    func decide(
        _ c: Candidate, strategy: ExecuteStrategy, live: Bool, state: inout RiskState,
        resolution: [String: Resolved], books: [String: VenueBook], booksError: VenueError?
    ) throws {
        var row = c.row
        let signal = c.signal
        let log = c.log
        let started = ContinuousClock.now
        // 8. Sizing.
        let sized: SizingDecision
        switch Sizing.size(signalUSD: signal.sizeUSD, availableCash: state.availableCash, config: strategy.sizing) {
        case .failure(let skip): return try skipRow(&row, skip, log: log, stage: "size")
        case .success(let d): sized = d
        }
        row.requestedUSD = sized.amountUSD
        // 9. Risk checks in the design's order, on this run's view; the ledger re-evaluates them on
        //    fresh rows under the strategy lock (the position too) before any cash moves.
        if let skip = RiskChecks.evaluate(
            orderUSD: sized.amountUSD, existingPositionUSD: .zero, limits: strategy.limits, state: state)
        {
            return try skipRow(&row, skip, log: log, stage: "risk")
        }
        // 10. The market: resolved token, and its book.
        let token: ResolvedToken
        switch resolution[signal.orderID] {
        case .success(let t)?: token = t
        case .failure(.skip(let skip))?: return try skipRow(&row, skip, log: log, stage: "resolve")
        case .failure(.deferred(let e))?:
            summary.deferred += 1
            leaveUndecided(strategy.id)
            log.warning("signal deferred: market unavailable", metadata: ["stage": "resolve", "error": "\(e)"])
            return
        case nil:
            summary.deferred += 1
            leaveUndecided(strategy.id)
            return
        }
        row.tokenID = token.tokenID
        if row.row.marketTitle == nil { row.row.marketTitle = token.title }
        if row.row.marketSlug == nil { row.row.marketSlug = token.slug }
        guard let book = books[token.tokenID] else {
            if let booksError {
                summary.deferred += 1
                leaveUndecided(strategy.id)
                log.warning("signal deferred: book unavailable", metadata: ["stage": "book", "error": "\(booksError)"])
                return
            }
            return try skipRow(&row, Skip(.emptyBook, "venue has no book for the token"), log: log, stage: "book")
        }
        row.negRisk = book.negRisk
        row.tickSize = book.tickSize
        // 11. The fee schedule (design §3: the expected taker fee is locked with the order).
        let fees: FeeSchedule
        do {
            fees = try venue.feeSchedule(conditionID: signal.conditionID)
        } catch {
            summary.deferred += 1
            leaveUndecided(strategy.id)
            log.warning("signal deferred: fee schedule unavailable", metadata: ["stage": "fee", "error": "\(error)"])
            return
        }
        // 12. Order type, price protection and venue rules against the book, and the expected fee.
        //     Amount + fee must fit the 99 % cash cap: when it does not, the amount shrinks once to fit.
        var amountUSD = sized.amountUSD
        var protected: ProtectedBuy
        var fee: Fixed6
        var orderType: OrderType
        var shrunk = false
        while true {
            orderType = OrderTypePolicy.choose(amountUSD: amountUSD, fakThresholdUSD: strategy.fakThresholdUSD)
            switch PriceProtection.protect(
                asks: book.asks, signalPrice: signal.price, maxSlippageBps: strategy.maxSlippageBps,
                rules: VenueRules(tickSize: book.tickSize, minOrderSize: book.minOrderSize), amountUSD: amountUSD,
                orderType: orderType)
            {
            case .failure(let skip): return try skipRow(&row, skip, log: log, stage: "price")
            case .success(let p): protected = p
            }
            guard let f = fees.fee(of: protected.expectedFill) else {
                return try skipRow(
                    &row, Skip(.invalidSize, "expected fee out of range for this size"), log: log, stage: "fee")
            }
            fee = f
            guard let fitted = FeeFit.amount(protected.amountUSD, fee: fee, availableCash: state.availableCash)
            else {
                return try skipRow(
                    &row,
                    Skip(
                        .insufficientCash,
                        "amount \(protected.amountUSD) + expected fee \(fee) > 99% of available \(state.availableCash)"),
                    log: log, stage: "fee")
            }
            if fitted == protected.amountUSD || shrunk { break }
            amountUSD = fitted
            shrunk = true
        }
        guard protected.amountUSD + fee <= state.availableCash.multiplied(by: Sizing.maxCashFraction, rounding: .down)
        else {
            return try skipRow(
                &row, Skip(.insufficientCash, "amount + expected fee exceed 99% of available cash"), log: log,
                stage: "fee")
        }
        row.orderType = orderType
        row.limitPrice = protected.limitPrice
        row.requestedUSD = protected.amountUSD
        row.requestedShares = protected.shares
        row.expectedFeeUSD = fee
        log.info(
            "decided",
            metadata: [
                "stage": "decide", "amount_usd": "\(protected.amountUSD)", "limit_price": "\(protected.limitPrice)",
                "expected_fee_usd": "\(fee)", "order_type": "\(orderType.rawValue)", "shadow": "\(!live)",
                "elapsed_ms": ms(since: started),
            ])
        let amount = protected.amountUSD
        let limits = strategy.limits
        // Re-evaluated by the ledger under the strategy lock on fresh rows (design §4).
        let gate: (FreshState) -> Skip? = { fresh in
            RiskChecks.evaluate(
                orderUSD: amount + fee, existingPositionUSD: fresh.positionUSD, limits: limits, state: fresh.risk)
        }
        let position = PositionKey(conditionID: signal.conditionID, label: signal.tokenLabel)

        if !live {
            // Shadow: the same pipeline against the real book; the fill and its fee are simulated by
            // walking it. Nothing is signed or posted. Row and cash in one ledger entry.
            let fill = protected.expectedFill
            let filled = fill.usd > .zero
            let simulatedFee = filled ? fee : .zero
            var order = row.order(status: filled ? .filled : .unfilled, at: now())
            order.expectedFeeUSD = simulatedFee
            if filled {
                order.executedUSD = fill.usd
                order.executedShares = fill.shares
                order.executedPrice = fill.vwap
                order.feesUSD = simulatedFee
                order.sharesRemaining = fill.shares
                order.costBasisRemaining = fill.usd + simulatedFee
                order.outcome = .open
                order.filledAt = now()
            }
            order.submittedAt = now()
            order.executionLatencyMs = latencyMs(signal)
            let entry = LedgerEntry(
                strategyID: strategy.id, change: .insert(order),
                events: filled ? [.lockForBuy(fill.usd + simulatedFee)] : [], at: now(), gate: gate,
                position: position)
            switch try ledger.apply(entry) {
            case .applied(_, let fresh):
                state = fresh.risk
                summary.shadowFilled += filled ? 1 : 0
                log.info(
                    "shadow fill",
                    metadata: [
                        "stage": "shadow", "executed_usd": "\(fill.usd)", "executed_shares": "\(fill.shares)",
                        "fee_usd": "\(simulatedFee)", "vwap": "\(fill.vwap.map { "\($0)" } ?? "-")",
                        "elapsed_ms": ms(since: started),
                    ])
            case .skipped(let skip): count(skip, log: log, stage: "commit")
            case .alreadyDecided: summary.alreadyDecided += 1
            }
            return
        }

        // 13. Live: sign (the order hash is the CLOB order id), then INTENT + cash lock (amount and
        //     expected fee) in ONE durable ledger entry before anything is posted.
        let signed: SignedVenueOrder
        do {
            signed = try venue.sign(
                OrderRequest(
                    wallet: strategy.wallet, side: .buy, tokenID: token.tokenID, negRisk: book.negRisk,
                    tickSize: book.tickSize, limitPrice: protected.limitPrice, amount: amount, orderType: orderType))
        } catch {
            // Nothing was posted, nothing locked: the signal stays new for the next run.
            if error.kind == .configuration {
                summary.configurationErrors += 1
                leaveUndecided(strategy.id)
                // Said once per wallet (the summary names it), not once per signal.
                if summary.walletErrors[strategy.wallet] == nil {
                    summary.walletErrors[strategy.wallet] = error.message
                    log.error(
                        "wallet cannot sign: its signals stay undecided",
                        metadata: ["stage": "sign", "wallet": .string(strategy.wallet), "error": "\(error)"])
                }
            } else {
                summary.deferred += 1
                leaveUndecided(strategy.id)
                log.error("cannot sign", metadata: ["stage": "sign", "error": "\(error)"])
            }
            return
        }
        row.orderHash = signed.orderHash
        row.requestedShares = signed.shares
        row.wallet = strategy.wallet
        var log2 = log
        log2[metadataKey: "order_hash"] = .string(signed.orderHash)
        let intent = LedgerEntry(
            strategyID: strategy.id, change: .insert(row.order(status: .intent, at: now())),
            events: [.lockForBuy(amount + fee)], durable: true, at: now(), gate: gate, position: position)
        let ltOrderID: Int64
        switch try ledger.apply(intent) {
        case .applied(let id, let fresh):
            ltOrderID = id
            state = fresh.risk
        case .skipped(let skip): return count(skip, log: log2, stage: "commit")
        case .alreadyDecided:
            summary.alreadyDecided += 1
            return
        }
        log2.info("intent committed", metadata: ["stage": "intent", "elapsed_ms": ms(since: started)])
        crashPoint("after-intent")

        // 14. Post once — on its own thread, beside other strategies' posts, now that the INTENT is
        //     durable; 15. its answer is booked on this thread (`book`), in its own ledger entry.
        try startPost(
            PendingPost(
                strategyID: strategy.id, signalKey: signal.orderID, ltOrderID: ltOrderID, signed: signed, fee: fee,
                signal: signal, log: log2, started: started))
    }

    /// A post in flight, and what booking its answer needs.
    struct PendingPost {
        var strategyID: String
        var signalKey: String
        var ltOrderID: Int64
        var signed: SignedVenueOrder
        var fee: Fixed6
        var signal: BuySignal
        var log: Logger
        var started: ContinuousClock.Instant
    }

    /// Starts the post, then books answers until fewer than `maxInFlight` posts are in flight.
    func startPost(_ post: PendingPost) throws {
        let id = nextPostID
        nextPostID += 1
        pendingPosts[id] = post
        posts.start(id: id, venue.detachedPost(post.signed))
        try bookAnswers { pendingPosts.count < options.maxInFlight }
    }

    /// Books the answers of finished posts, waiting for more until `enough` holds (it must hold once
    /// nothing is in flight).
    func bookAnswers(until enough: () -> Bool) throws {
        while true {
            for done in posts.take(wait: false) { try book(done) }
            if enough() || pendingPosts.isEmpty { return }
            for done in posts.take(wait: true) { try book(done) }
        }
    }

    func book(_ done: PostPipeline.Completed) throws {
        guard let p = pendingPosts.removeValue(forKey: done.id) else { return }
        try perSignal(strategy: p.strategyID, signal: p.signalKey, log: p.log) {
            try book(done.result, of: p, postMs: done.elapsed)
        }
    }

    func book(_ answer: VenuePostResult, of p: PendingPost, postMs: Duration) throws {
        let (signal, signed, fee, log2, started, ltOrderID) = (p.signal, p.signed, p.fee, p.log, p.started, p.ltOrderID)
        summary.placed += 1
        let booking = AnswerBooking.book(
            answer, signed: signed, expectedFee: fee, latencyMs: latencyMs(signal), at: now())
        switch booking.status {
        case .filled: summary.filled += 1
        case .submitted: summary.submitted += 1
        case .unfilled: summary.unfilled += 1
        case .rejected: summary.rejected += 1
        case .notPlaced:
            summary.notPlaced += 1
            leaveUndecided(p.strategyID)
        case .unknown: summary.unknown += 1
        default: summary.failed += 1
        }
        if booking.unverified != nil { summary.unverifiedAnswers += 1 }
        if let venueID = booking.fields.venueOrderID {
            // The row keeps the locally computed hash; reconciliation needs to know they differ.
            log2.warning(
                "venue order id differs from the local order hash",
                metadata: ["stage": "post", "venue_order_id": .string(venueID)])
        }
        let entry = LedgerEntry(
            strategyID: p.strategyID,
            change: .update(ltOrderID: ltOrderID, to: booking.status, fields: booking.fields, onlyRun: runID),
            events: booking.events, at: now())
        do {
            if case .applied(_, let fresh) = try ledger.apply(entry) { freshAfterAnswer[p.strategyID] = fresh.risk }
        } catch let refused as LedgerError {
            // Another run (sync) reconciled the row first: its answer stands.
            summary.answersNotBooked += 1
            log2.warning("answer not booked", metadata: ["stage": "post", "error": "\(refused)"])
        }
        let level: Logger.Level = [.unknown, .failed, .notPlaced].contains(booking.status) ? .error : .info
        log2.log(
            level: level, "order answer",
            metadata: [
                "stage": "post", "status": "\(booking.status.rawValue)",
                "executed_usd": "\(booking.fields.executedUSD ?? .zero)",
                "executed_shares": "\(booking.fields.executedShares ?? .zero)",
                "post_ms":
                    "\(postMs.components.seconds * 1000 + postMs.components.attoseconds / 1_000_000_000_000_000)",
                "execution_latency_ms": "\(latencyMs(signal))", "elapsed_ms": ms(since: started),
                "error": "\(booking.fields.error ?? "")",
            ])
    }

    /// One signal's work. The database refusing its row (a constraint, a value it cannot store) or
    /// the ledger refusing its change stops that signal only: it is reported with the strategy and
    /// the signal it concerns, and the run goes on. A lost connection stops the run (exit 69).
    func perSignal(strategy: String, signal: String, log: Logger, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let e as DatabaseError where e.kind == .query || e.kind == .decoding {
            report(strategy: strategy, signal: signal, log: log, "database refused it: \(e.message)")
        } catch let e as LedgerError {
            report(strategy: strategy, signal: signal, log: log, "ledger refused it: \(e)")
        }
    }

    func report(strategy: String, signal: String, log: Logger, _ message: String) {
        summary.errors.append("strategy \(strategy) signal \(signal): \(message)")
        log.error("signal not decided", metadata: ["stage": "decide", "error": .string(message)])
    }

    func skipRow(_ row: inout ExecuteDecisionRow, _ skip: Skip, log: Logger, stage: String) throws {
        row.skip = skip
        let entry = LedgerEntry(
            strategyID: row.strategyID, change: .insert(row.order(status: .skipped, at: now())), at: now())
        switch try ledger.apply(entry) {
        case .applied, .skipped: count(skip, log: log, stage: stage)
        case .alreadyDecided: summary.alreadyDecided += 1
        }
    }

    func count(_ skip: Skip, log: Logger, stage: String) {
        summary.skipped[skip.reason, default: 0] += 1
        log.info(
            "skipped",
            metadata: [
                "stage": .string(stage), "skip_reason": .string(skip.reason.rawValue),
                "detail": .string(skip.detail),
            ])
    }

    func latencyMs(_ s: BuySignal) -> Int64 { Int64((now().timeIntervalSince(s.signalTime) * 1000).rounded()) }

    func ms(since start: ContinuousClock.Instant) -> Logger.MetadataValue {
        let d = ContinuousClock.now - start
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return .string("\(ms)")
    }
}

/// Posts running on threads of their own; their answers wait here until the job's thread books
/// them. The job bounds how many run at once.
final class PostPipeline: @unchecked Sendable {
    struct Completed {
        var id: Int
        var result: VenuePostResult
        var elapsed: Duration
    }

    private let condition = NSCondition()
    private var completed: [Completed] = []

    func start(id: Int, _ post: @escaping @Sendable () -> VenuePostResult) {
        Thread { [self] in
            let t = ContinuousClock.now
            let result = post()
            let done = Completed(id: id, result: result, elapsed: ContinuousClock.now - t)
            condition.lock()
            completed.append(done)
            condition.signal()
            condition.unlock()
        }.start()
    }

    /// The answers received so far; with `wait`, blocks until there is at least one.
    func take(wait: Bool) -> [Completed] {
        condition.lock()
        defer { condition.unlock() }
        while wait && completed.isEmpty { condition.wait() }
        let out = completed
        completed = []
        return out
    }
}
