import Foundation
import Logging

/// `--shard i/n`: this run handles the strategies whose stable hash is `i` modulo `n`.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, i >= 0, i < n else {
            return nil
        }
        index = i
        count = n
    }

    /// FNV-1a 64 of the strategy id (the advisory-lock hash): the same on every host and build,
    /// unlike `hashValue`.
    public func contains(strategyId: String) -> Bool {
        let h = UInt64(bitPattern: AdvisoryLockKey.fnv1a64(strategyId))
        return Int(h % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }
}

public struct ExecuteOptions: Sendable {
    /// `LT_LIVE_TRADING=1`: the environment's half of the two keys for live orders.
    public var liveTradingEnabled: Bool
    public var shard: Shard?
    /// How far back the anti-join looks. Anything older is stale under every sane
    /// `max_signal_age_seconds`; the window bounds the scan to recent rows, whatever the history.
    public var lookbackSeconds: Int
    /// At most this many new signals per strategy per run (the rest stay new for the next run).
    public var batchLimit: Int

    public init(liveTradingEnabled: Bool, shard: Shard? = nil, lookbackSeconds: Int = 3600, batchLimit: Int = 500) {
        self.liveTradingEnabled = liveTradingEnabled
        self.shard = shard
        self.lookbackSeconds = lookbackSeconds
        self.batchLimit = batchLimit
    }
}

/// The run's counts, printed as the summary (design §6).
public struct ExecuteSummary: Sendable, Hashable, Encodable {
    public var strategies = 0
    public var signalsSeen = 0
    /// Live orders posted (any answer).
    public var placed = 0
    public var filled = 0
    public var submitted = 0
    public var unfilled = 0
    public var rejected = 0
    public var failed = 0
    public var unknown = 0
    /// Shadow decisions booked with a simulated fill.
    public var shadowFilled = 0
    public var skipped: [SkipReason: Int] = [:]
    /// Signals another run decided first.
    public var alreadyDecided = 0
    /// Signals left undecided because the venue could not be read (retried next run).
    public var deferred = 0
    /// INTENT rows of earlier runs turned UNKNOWN.
    public var abandonedIntents = 0
    /// Signals left undecided because a wallet could not be used (missing, unreadable key: exit 78).
    public var configurationErrors = 0

    public init() {}

    public var skippedTotal: Int { skipped.values.reduce(0, +) }

    public var text: String {
        var lines = [
            "execute: \(strategies) strategies, \(signalsSeen) signals seen",
            "  placed \(placed) (filled \(filled), submitted \(submitted), unfilled \(unfilled), "
                + "rejected \(rejected), failed \(failed), unknown \(unknown))",
            "  shadow filled \(shadowFilled)",
            "  skipped \(skippedTotal)" + (skipped.isEmpty ? "" : ": ")
                + skipped.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
                .joined(separator: ", "),
        ]
        if alreadyDecided > 0 { lines.append("  already decided by another run \(alreadyDecided)") }
        if deferred > 0 { lines.append("  deferred (venue unavailable) \(deferred)") }
        if abandonedIntents > 0 { lines.append("  earlier INTENT rows marked UNKNOWN \(abandonedIntents)") }
        if configurationErrors > 0 { lines.append("  not signed (wallet configuration) \(configurationErrors)") }
        return lines.joined(separator: "\n")
    }

    enum CodingKeys: String, CodingKey {
        case strategies, signalsSeen, placed, filled, submitted, unfilled, rejected, failed, unknown, shadowFilled
        case skipped, skippedByReason, alreadyDecided, deferred, abandonedIntents, configurationErrors
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(strategies, forKey: .strategies)
        try c.encode(signalsSeen, forKey: .signalsSeen)
        try c.encode(placed, forKey: .placed)
        try c.encode(filled, forKey: .filled)
        try c.encode(submitted, forKey: .submitted)
        try c.encode(unfilled, forKey: .unfilled)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(failed, forKey: .failed)
        try c.encode(unknown, forKey: .unknown)
        try c.encode(shadowFilled, forKey: .shadowFilled)
        try c.encode(skippedTotal, forKey: .skipped)
        try c.encode(
            Dictionary(uniqueKeysWithValues: skipped.map { ($0.key.rawValue, $0.value) }), forKey: .skippedByReason)
        try c.encode(alreadyDecided, forKey: .alreadyDecided)
        try c.encode(deferred, forKey: .deferred)
        try c.encode(abandonedIntents, forKey: .abandonedIntents)
        try c.encode(configurationErrors, forKey: .configurationErrors)
    }
}

extension ExecuteSummary: JobSummary {
    /// Orders whose post failed or whose outcome is unproven (exit 1).
    public var failedCount: Int { failed + unknown }
    public var textLines: [String] { text.split(separator: "\n").map(String.init) }
}

/// `lt execute` (design §4, docs/jobs.md "execute"): FT signals → sized, risk-checked, signed orders,
/// exactly once. The numbered steps in the comments are the ones docs/jobs.md describes.
public final class ExecuteJob {
    let store: any ExecuteStoring
    let venue: any ExecutionVenue
    let options: ExecuteOptions
    let runId: String
    let now: () -> Date
    var logger: Logger
    /// Crash-test seam: called with a point name ("after-intent") at the instants a crash matters;
    /// the command wires it to `LT_TEST_CRASH_POINT` (SIGKILL itself there). A no-op otherwise.
    let crashPoint: (String) -> Void
    public private(set) var summary = ExecuteSummary()

    public init(
        store: any ExecuteStoring, venue: any ExecutionVenue, options: ExecuteOptions, runId: String,
        now: @escaping () -> Date, logger: Logger, crashPoint: @escaping (String) -> Void = { _ in }
    ) {
        self.crashPoint = crashPoint
        self.store = store
        self.venue = venue
        self.options = options
        self.runId = runId
        self.now = now
        self.logger = logger
    }

    /// Runs once over every active strategy of the shard. Database errors propagate (exit 69 at
    /// the command); venue read errors defer the affected signals.
    public func run() throws -> ExecuteSummary {
        // 1. Active strategies of this shard.
        let strategies = try store.activeStrategies().filter { options.shard?.contains(strategyId: $0.id) ?? true }
        summary.strategies = strategies.count
        // 2. Reconcile what an earlier run left unfinished: INTENT rows whose post may have happened
        //    become UNKNOWN (cash stays locked; sync-order-status looks them up by order hash).
        let abandoned = try store.abandonIntents(strategyIds: strategies.map(\.id), exceptRun: runId, at: now())
        summary.abandonedIntents = abandoned
        if abandoned > 0 {
            logger.warning(
                "earlier INTENT rows marked UNKNOWN", metadata: ["count": "\(abandoned)", "stage": "reconcile"])
        }
        // 3a. Which strategies have anything new: one query for all of them, so a run with no new
        //     signal stays one round trip however many strategies there are.
        let started = ContinuousClock.now
        let since = now().addingTimeInterval(-Double(options.lookbackSeconds))
        let pending = try store.strategiesWithNewSignals(strategyIds: strategies.map(\.id), since: since)
        logger.info(
            "strategies with new signals",
            metadata: [
                "stage": "read", "count": "\(pending.count)", "of": "\(strategies.count)",
                "elapsed_ms": ms(since: started),
            ])
        for strategy in strategies where pending.contains(strategy.id) {
            try runStrategy(strategy, since: since)
        }
        return summary
    }

    /// Live needs both keys: `mode = 'live'` and `LT_LIVE_TRADING=1`.
    func isLive(_ s: ExecuteStrategy) -> Bool { s.mode == .live && options.liveTradingEnabled }

    struct Candidate {
        var row: ExecuteDecisionRow
        var signal: BuySignal
        var log: Logger
    }

    func runStrategy(_ strategy: ExecuteStrategy, since: Date) throws {
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
        if rows.isEmpty { return }

        // 4. Validation and 5. staleness (pure): malformed rows become SKIPPED, the batch continues.
        var candidates: [Candidate] = []
        for r in rows {
            var row = ExecuteDecisionRow(
                strategyId: strategy.id, row: r, isShadow: !live, traceId: TraceID.make(), runId: runId)
            var l = log
            l[metadataKey: "trace_id"] = .string(row.traceId)
            l[metadataKey: "ft_order_id"] = .string(r.orderId)
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
                    candidates.append(Candidate(row: row, signal: signal, log: l))
                }
            }
        }
        if candidates.isEmpty { return }

        // 6. Token resolution, in batch: the FT row's token id, else the database (every token seen
        //    is in lt_orders), else the venue's market endpoint once per condition.
        let resolution = try resolveTokens(candidates.map(\.signal), log: log)

        // 7. Books, in batch, for every resolved token.
        let tokenIds = Set(candidates.compactMap { resolution[$0.signal.orderId].flatMap { try? $0.get() }?.tokenId })
        var books: [String: VenueBook] = [:]
        var booksError: VenueError? = nil
        if !tokenIds.isEmpty {
            let t = ContinuousClock.now
            do {
                books = try venue.books(tokenIds: tokenIds.sorted())
                log.info("books", metadata: ["stage": "book", "count": "\(books.count)", "elapsed_ms": ms(since: t)])
            } catch {
                booksError = error
                log.error(
                    "books unavailable", metadata: ["stage": "book", "error": "\(error)", "elapsed_ms": ms(since: t)])
            }
        }

        // 8–15 per signal, in signal order: sizing, risk, market, order type, price protection,
        // INTENT + cash lock, post, answer.
        var state = strategy.state
        for c in candidates {
            try decide(
                c, strategy: strategy, live: live, state: &state, resolution: resolution, books: books,
                booksError: booksError)
        }
    }

    /// A resolved token, or why not: a skip reason, or `.deferred` when the venue could not be read
    /// (the signal keeps no row and the next run decides it).
    typealias Resolved = Result<ResolvedToken, ResolutionFailure>
    struct ResolvedToken { var tokenId: String; var title: String?; var slug: String? }
    enum ResolutionFailure: Error { case skip(Skip), deferred(VenueError) }

    func resolveTokens(_ signals: [BuySignal], log: Logger) throws -> [String: Resolved] {
        let t = ContinuousClock.now
        var out: [String: Resolved] = [:]
        var pending: [BuySignal] = []
        for s in signals {
            if let id = s.tokenId {
                out[s.orderId] = .success(ResolvedToken(tokenId: id, title: nil, slug: nil))
            } else {
                pending.append(s)
            }
        }
        if pending.isEmpty { return out }
        let cached = try store.cachedTokens(conditionIds: Array(Set(pending.map(\.conditionId))).sorted())
        var stillPending: [BuySignal] = []
        for s in pending {
            let tokens = cached.filter { $0.conditionId == s.conditionId }
                .map { TokenResolution.MarketToken(tokenId: $0.tokenId, outcome: $0.label) }
            if case .success(let tok) = TokenResolution.resolve(label: s.tokenLabel, in: tokens) {
                out[s.orderId] = .success(ResolvedToken(tokenId: tok.tokenId, title: nil, slug: nil))
            } else {
                stillPending.append(s)
            }
        }
        var markets: [String: Result<VenueMarket?, VenueError>] = [:]
        for cid in Set(stillPending.map(\.conditionId)).sorted() {
            do { markets[cid] = .success(try venue.market(conditionId: cid)) } catch { markets[cid] = .failure(error) }
        }
        for s in stillPending {
            switch markets[s.conditionId] {
            case .failure(let e)?: out[s.orderId] = .failure(.deferred(e))
            case .success(nil)?, nil:
                out[s.orderId] = .failure(.skip(Skip(.marketUnavailable, "venue does not know \(s.conditionId)")))
            case .success(let m?):
                if !m.acceptingOrders {
                    out[s.orderId] = .failure(
                        .skip(Skip(.marketUnavailable, "market is closed / not accepting orders")))
                    continue
                }
                switch TokenResolution.resolve(label: s.tokenLabel, in: m.tokens) {
                case .success(let tok):
                    out[s.orderId] = .success(ResolvedToken(tokenId: tok.tokenId, title: m.title, slug: m.slug))
                case .failure(let skip): out[s.orderId] = .failure(.skip(skip))
                }
            }
        }
        log.info(
            "tokens resolved",
            metadata: [
                "stage": "resolve", "signals": "\(signals.count)", "from_venue": "\(stillPending.count)",
                "markets": "\(markets.count)", "elapsed_ms": ms(since: t),
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
        switch Sizing.size(signalUsd: signal.sizeUsd, availableCash: state.availableCash, config: strategy.sizing) {
        case .failure(let skip): return try skipRow(&row, skip, log: log, stage: "size")
        case .success(let d): sized = d
        }
        row.requestedUsd = sized.amountUsd
        // 9. Risk checks in the design's order.
        let existing = try store.positionUsd(
            strategyId: strategy.id, conditionId: signal.conditionId, label: signal.tokenLabel)
        if let skip = RiskChecks.evaluate(
            orderUsd: sized.amountUsd, existingPositionUsd: existing, limits: strategy.limits, state: state)
        {
            return try skipRow(&row, skip, log: log, stage: "risk")
        }
        // 10. The market: resolved token, and its book.
        let token: ResolvedToken
        switch resolution[signal.orderId] {
        case .success(let t)?: token = t
        case .failure(.skip(let skip))?: return try skipRow(&row, skip, log: log, stage: "resolve")
        case .failure(.deferred(let e))?:
            summary.deferred += 1
            log.warning("signal deferred: market unavailable", metadata: ["stage": "resolve", "error": "\(e)"])
            return
        case nil:
            summary.deferred += 1
            return
        }
        row.tokenId = token.tokenId
        if row.row.marketTitle == nil { row.row.marketTitle = token.title }
        if row.row.marketSlug == nil { row.row.marketSlug = token.slug }
        guard let book = books[token.tokenId] else {
            if let booksError {
                summary.deferred += 1
                log.warning("signal deferred: book unavailable", metadata: ["stage": "book", "error": "\(booksError)"])
                return
            }
            return try skipRow(&row, Skip(.emptyBook, "venue has no book for the token"), log: log, stage: "book")
        }
        row.negRisk = book.negRisk
        row.tickSize = book.tickSize
        // 11. Order type, then 12. price protection and venue rules against the book.
        let orderType = OrderTypePolicy.choose(amountUsd: sized.amountUsd, fakThresholdUsd: strategy.fakThresholdUsd)
        row.orderType = orderType
        let protected: ProtectedBuy
        switch PriceProtection.protect(
            asks: book.asks, signalPrice: signal.price, maxSlippageBps: strategy.maxSlippageBps,
            rules: VenueRules(tickSize: book.tickSize, minOrderSize: book.minOrderSize), amountUsd: sized.amountUsd,
            orderType: orderType)
        {
        case .failure(let skip): return try skipRow(&row, skip, log: log, stage: "price")
        case .success(let p): protected = p
        }
        row.limitPrice = protected.limitPrice
        row.requestedUsd = protected.amountUsd
        row.requestedShares = protected.shares
        log.info(
            "decided",
            metadata: [
                "stage": "decide", "amount_usd": "\(protected.amountUsd)", "limit_price": "\(protected.limitPrice)",
                "order_type": "\(orderType.rawValue)", "shadow": "\(!live)", "elapsed_ms": ms(since: started),
            ])
        let amount = protected.amountUsd
        let recheck: (RiskState) -> Skip? = { fresh in
            RiskChecks.evaluate(orderUsd: amount, existingPositionUsd: existing, limits: strategy.limits, state: fresh)
        }

        if !live {
            // Shadow: the same pipeline against the real book; the fill is simulated by walking it.
            // Nothing is signed or posted. Row and cash in one transaction.
            let fill = protected.expectedFill
            let filled = fill.usd > .zero
            let record = FillRecord(
                status: filled ? .filled : .unfilled, executedUsd: fill.usd, executedShares: fill.shares,
                executedPrice: fill.vwap, latencyMs: latencyMs(signal), at: now())
            switch try store.commitDecision(row, shadowFill: record, at: now(), recheck: recheck) {
            case .recorded, .intent:
                summary.shadowFilled += filled ? 1 : 0
                if filled {
                    state.availableCash -= fill.usd
                    state.lockedCapital += fill.usd
                    state.dailySpentUsd += fill.usd
                }
                log.info(
                    "shadow fill",
                    metadata: [
                        "stage": "shadow", "executed_usd": "\(fill.usd)", "executed_shares": "\(fill.shares)",
                        "vwap": "\(fill.vwap.map { "\($0)" } ?? "-")", "elapsed_ms": ms(since: started),
                    ])
            case .skipped(let skip): count(skip, log: log, stage: "commit")
            case .alreadyDecided: summary.alreadyDecided += 1
            }
            return
        }

        // 13. Live: sign (the order hash is the CLOB order id), then INTENT + cash lock in ONE
        //     transaction before anything is posted.
        let signed: SignedBuy
        do {
            signed = try venue.signBuy(
                BuyOrderRequest(
                    wallet: strategy.wallet, tokenId: token.tokenId, negRisk: book.negRisk, tickSize: book.tickSize,
                    limitPrice: protected.limitPrice, amountUsd: amount, orderType: orderType))
        } catch {
            // Nothing was posted, nothing locked: the signal stays new for the next run.
            if error.kind == .configuration { summary.configurationErrors += 1 } else { summary.deferred += 1 }
            log.error("cannot sign", metadata: ["stage": "sign", "error": "\(error)"])
            return
        }
        row.orderHash = signed.orderHash
        row.requestedShares = signed.requestedShares
        var log2 = log
        log2[metadataKey: "order_hash"] = .string(signed.orderHash)
        let ltOrderId: Int64
        switch try store.commitDecision(row, shadowFill: nil, at: now(), recheck: recheck) {
        case .intent(let id), .recorded(let id): ltOrderId = id
        case .skipped(let skip): return count(skip, log: log2, stage: "commit")
        case .alreadyDecided:
            summary.alreadyDecided += 1
            return
        }
        state.availableCash -= amount
        state.lockedCapital += amount
        state.dailySpentUsd += amount
        log2.info("intent committed", metadata: ["stage": "intent", "elapsed_ms": ms(since: started)])
        crashPoint("after-intent")

        // 14. Post once, 15. record the answer.
        let t = ContinuousClock.now
        let answer = venue.post(signed, orderType: orderType, wallet: strategy.wallet)
        summary.placed += 1
        let postMs = ms(since: t)
        let latency = latencyMs(signal)
        let fill: FillRecord
        switch answer {
        case .accepted(let venueId, let matched, let making, let taking):
            if venueId.lowercased() != signed.orderHash.lowercased() {
                // The row keeps the locally computed hash; reconciliation needs to know they differ.
                log2.warning(
                    "venue order id differs from the local order hash",
                    metadata: ["stage": "post", "venue_order_id": .string(venueId)])
            }
            if matched {
                let usd = Swift.min(making ?? amount, amount)
                let shares = taking ?? .zero
                fill = FillRecord(
                    status: .filled, executedUsd: usd, executedShares: shares,
                    executedPrice: shares > .zero ? usd.divided(by: shares, rounding: .halfEven) : nil,
                    latencyMs: latency, at: now())
                summary.filled += 1
            } else {
                fill = FillRecord(status: .submitted, latencyMs: latency, at: now())
                summary.submitted += 1
            }
        case .unfilled(let reason):
            fill = FillRecord(status: .unfilled, error: reason, latencyMs: latency, at: now())
            summary.unfilled += 1
        case .rejected(let reason):
            fill = FillRecord(status: .rejected, error: reason, latencyMs: latency, at: now())
            summary.rejected += 1
        case .notPlaced(let reason):
            fill = FillRecord(status: .failed, error: reason, latencyMs: latency, at: now())
            summary.failed += 1
        case .unknown(let reason):
            fill = FillRecord(status: .unknown, error: reason, latencyMs: latency, at: now())
            summary.unknown += 1
        }
        let orderId: String? = { if case .accepted(let id, _, _, _) = answer { return id } else { return nil } }()
        _ = try store.recordAnswer(
            ltOrderId: ltOrderId, strategyId: strategy.id, runId: runId, requestedUsd: amount, orderId: orderId,
            fill: fill)
        // Keep the in-memory cash in step with what recordAnswer released.
        if fill.status != .unknown && fill.status != .submitted {
            let unused = amount - fill.executedUsd
            state.availableCash += unused
            state.lockedCapital -= unused
            state.dailySpentUsd = Swift.max(.zero, state.dailySpentUsd - unused)
        }
        let level: Logger.Level = fill.status == .unknown || fill.status == .failed ? .error : .info
        log2.log(
            level: level, "order answer",
            metadata: [
                "stage": "post", "status": "\(fill.status.rawValue)", "executed_usd": "\(fill.executedUsd)",
                "executed_shares": "\(fill.executedShares)", "post_ms": "\(postMs)",
                "execution_latency_ms": "\(latency)", "elapsed_ms": ms(since: started),
                "error": "\(fill.error ?? "")",
            ])
    }

    func skipRow(_ row: inout ExecuteDecisionRow, _ skip: Skip, log: Logger, stage: String) throws {
        row.skip = skip
        if try store.recordSkip(row, at: now()) {
            count(skip, log: log, stage: stage)
        } else {
            summary.alreadyDecided += 1
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

/// One id per signal, carried on every log line and stored in `lt_orders.trace_id`.
public enum TraceID {
    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next()
        let s = String(a, radix: 16)
        return "t" + String(repeating: "0", count: 16 - s.count) + s
    }
}
