import Foundation
import Logging

// `lt sync-order-status` (design §4, docs/jobs.md "sync-order-status"): every order proven. The
// numbered steps below are the ones docs/jobs.md describes; the decisions are SyncReconcile's.

/// The SQL side of sync besides the ledger (LTPostgres' `SyncStore`).
public protocol SyncStoring: AnyObject {
    /// Every live (non-shadow) order that is not final: INTENT, SUBMITTED, UNKNOWN, PARTIAL, and
    /// fills whose settlement is not final — in one index-backed query, oldest first.
    func nonFinalOrders() throws -> [LTOrder]
    /// Whether the run's liveness lock is held (design §4 "run liveness").
    func isRunAlive(_ runID: String) throws -> Bool
}

public struct SyncOptions: Sendable {
    public var graceSeconds: Int
    /// Resting orders older than this are cancelled; nil never cancels.
    public var ttlSeconds: Int?
    public var shard: Shard?
    /// Read a wallet's trades only from this long before its oldest visited order (the venue's
    /// `after`, on the venue's clock); nil reads the wallet's whole trade history.
    public var tradesLookbackSeconds: Int?

    public init(graceSeconds: Int = 300, ttlSeconds: Int? = nil, shard: Shard? = nil, tradesLookbackSeconds: Int? = nil)
    {
        self.graceSeconds = graceSeconds
        self.ttlSeconds = ttlSeconds
        self.shard = shard
        self.tradesLookbackSeconds = tradesLookbackSeconds
    }
}

/// The run's counts (design §6), printed as the summary.
public struct SyncSummary: Sendable, Hashable, Encodable {
    public var visited = 0
    public var filled = 0
    public var partlyFilled = 0
    public var corrected = 0
    public var settling = 0
    public var settled = 0
    public var reverted = 0
    public var failed = 0
    public var unfilled = 0
    public var live = 0
    public var unchanged = 0
    public var stillUnknown = 0
    /// Age in seconds of the oldest order whose outcome is still unproven.
    public var oldestUnknownSeconds: Int?
    /// UNKNOWN orders older than the grace period left unproven (exit 1 while any remain).
    public var staleUnknown = 0
    public var cancelled = 0
    /// Net cash this run moved back to available (negative when fees of record exceeded the ones
    /// locked, or trades spent more than the provisional answers said).
    public var cashReleasedUSD = Fixed6.zero
    /// Rows left for the next run because the venue could not be read.
    public var deferred = 0
    /// Rows whose wallet could not be used (exit 78).
    public var configurationErrors = 0
    /// Updates the ledger refused: the row changed under us (the posting run's answer, another
    /// sync), so this run's view was stale and changed nothing.
    public var notBooked = 0
    /// Wallet trade reads (one paging read each) and order lookups: per wallet, not per order.
    public var tradeReads = 0
    public var orderLookups = 0

    public init() {}

    mutating func count(_ kind: SyncReconcile.Kind) {
        switch kind {
        case .filled: filled += 1
        case .partlyFilled: partlyFilled += 1
        case .corrected: corrected += 1
        case .settling: settling += 1
        case .settled: settled += 1
        case .reverted: reverted += 1
        case .failed: failed += 1
        case .unfilled: unfilled += 1
        case .live: live += 1
        case .stillUnknown: stillUnknown += 1
        case .unchanged: unchanged += 1
        }
    }

    public var text: String {
        var lines = [
            "sync-order-status: visited \(visited)",
            "  filled \(filled), partly filled \(partlyFilled), corrected \(corrected)",
            "  settled \(settled), settling \(settling), reverted \(reverted)",
            "  failed \(failed), unfilled \(unfilled), live \(live), cancelled \(cancelled), unchanged \(unchanged)",
            "  still unknown \(stillUnknown)" + (oldestUnknownSeconds.map { " (oldest \($0)s)" } ?? "")
                + (staleUnknown > 0 ? ", past the grace period \(staleUnknown)" : ""),
            "  cash released \(cashReleasedUSD.exactText)",
            "  venue reads: \(tradeReads) wallet trade reads, \(orderLookups) order lookups",
        ]
        if deferred > 0 { lines.append("  deferred (venue unavailable) \(deferred)") }
        if configurationErrors > 0 { lines.append("  not looked up (wallet configuration) \(configurationErrors)") }
        if notBooked > 0 { lines.append("  not booked (row changed by another run) \(notBooked)") }
        return lines.joined(separator: "\n")
    }
}

extension SyncSummary: JobSummary {
    /// UNKNOWN orders past the grace period whose outcome is still unproven (exit 1).
    public var failedCount: Int { staleUnknown }
    public var textLines: [String] { text.split(separator: "\n").map(String.init) }
}

/// `lt sync-order-status`: looks every non-final order up at the venue and books the venue's
/// truth through the ledger.
public final class SyncOrderStatusJob {
    let store: any SyncStoring
    let ledger: any Ledger
    let venue: any TradingVenue
    let options: SyncOptions
    let now: () -> Date
    let logger: Logger
    /// Crash-test seam ("after-read", "after-lookups", "before-apply", "after-apply",
    /// "after-cancel"); the command wires it to `LT_TEST_CRASH_POINT`.
    let crashPoint: (String) -> Void
    public private(set) var summary = SyncSummary()

    public init(
        store: any SyncStoring, ledger: any Ledger, venue: any TradingVenue, options: SyncOptions,
        now: @escaping () -> Date, logger: Logger, crashPoint: @escaping (String) -> Void = { _ in }
    ) {
        self.store = store
        self.ledger = ledger
        self.venue = venue
        self.options = options
        self.now = now
        self.logger = logger
        self.crashPoint = crashPoint
    }

    struct Visit {
        var row: LTOrder
        var hash: String
        var wallet: String
        var runAlive: Bool
        var log: Logger
    }

    /// Database errors propagate (exit 69 at the command); venue read errors leave the rows
    /// concerned for the next run.
    public func run() throws -> SyncSummary {
        // 1. Non-final orders (one index-backed query; a run with nothing to do stops here), of
        //    this shard.
        let rows = try store.nonFinalOrders().filter { options.shard?.contains(strategyID: $0.strategyID) ?? true }
        summary.visited = rows.count
        if rows.isEmpty { return summary }
        crashPoint("after-read")

        // 2. Run liveness of the runs that wrote INTENT/UNKNOWN rows, once per run: a live run's
        //    INTENT may be in flight and is left alone without a venue call.
        var alive: [String: Bool] = [:]
        var visits: [Visit] = []
        for row in rows {
            var log = logger
            log[metadataKey: "strategy_id"] = .string(row.strategyID)
            if let t = row.traceID { log[metadataKey: "trace_id"] = .string(t) }
            if let id = row.ltOrderID { log[metadataKey: "lt_order_id"] = .stringConvertible(id) }
            var runAlive = false
            if [.intent, .unknown].contains(row.status), let run = row.runID {
                if alive[run] == nil { alive[run] = try store.isRunAlive(run) }
                runAlive = alive[run] ?? false
            }
            if row.status == .intent && runAlive {
                summary.count(.stillUnknown)
                log.debug("INTENT of a live run: its post may be in flight", metadata: ["stage": "liveness"])
                continue
            }
            guard let hash = row.orderHash, let wallet = row.wallet else {
                summary.deferred += 1
                log.error("row has no order hash or wallet: cannot be looked up", metadata: ["stage": "read"])
                continue
            }
            log[metadataKey: "order_hash"] = .string(hash)
            visits.append(Visit(row: row, hash: hash, wallet: wallet, runAlive: runAlive, log: log))
        }

        // 3. Lookups, batched: per wallet one paging read of its trades since its oldest order,
        //    matched against all its orders; then `/data/order` for the orders whose state the
        //    trades cannot prove (unproven, resting, or a market order nobody traded).
        var tradesByHash: [String: [VenueTrade]] = [:]
        var unreadable: Set<String> = []
        let byWallet = Dictionary(grouping: visits, by: \.wallet)
        for (wallet, group) in byWallet.sorted(by: { $0.key < $1.key }) {
            // The venue's `after` is compared with its own match times, not our clock (a paper
            // scenario's clock can be months away from ours): only an explicit look-back narrows it.
            let oldest = group.compactMap { $0.row.createdAt ?? $0.row.submittedAt }.min()
            let after = options.tradesLookbackSeconds.flatMap { s in oldest.map { $0.addingTimeInterval(-Double(s)) } }
            do {
                summary.tradeReads += 1
                // Our hash is the CLOB order id; a venue id answered differently is matched too.
                let ids = Set(group.flatMap { [$0.hash] + ($0.row.venueOrderID.map { [$0] } ?? []) })
                let found = try venue.trades(wallet: wallet, orderHashes: ids, after: after)
                for (k, v) in found { tradesByHash[k] = v }
            } catch {
                unreadable.insert(wallet)
                if error.kind == .configuration {
                    summary.configurationErrors += group.count
                } else {
                    summary.deferred += group.count
                }
                logger.error(
                    "cannot read the wallet's trades: its orders are left for the next run",
                    metadata: ["stage": "lookup", "wallet": .string(wallet), "error": "\(error)"])
            }
        }
        crashPoint("after-lookups")

        let policy = SyncReconcile.Policy(graceSeconds: options.graceSeconds, ttlSeconds: options.ttlSeconds)
        for v in visits where !unreadable.contains(v.wallet) {
            var trades = tradesByHash[v.hash.lowercased()] ?? []
            if let other = v.row.venueOrderID?.lowercased(), other != v.hash.lowercased() {
                let seen = Set(trades.map(\.id))
                trades += (tradesByHash[other] ?? []).filter { !seen.contains($0.id) }
            }
            try visit(v, trades: trades, policy: policy)
        }
        return summary
    }

    /// 4.–6. One order: its state where trades cannot prove it, the pure decision, a cancel past
    /// the time-to-live, and the ledger entry.
    func visit(_ v: Visit, trades: [VenueTrade], policy: SyncReconcile.Policy) throws {
        let row = v.row
        var log = v.log
        // 4. Order state: a market order named by trades is done by type (a matched order may
        //    answer 404 anyway); a fill tracked for settlement needs only its trades.
        let marketOrder = row.orderType == .fok || row.orderType == .fak
        let needsState = row.status != .filled && !(marketOrder && !trades.isEmpty)
        var order: VenueOrder?
        if needsState {
            do {
                summary.orderLookups += 1
                order = try venue.order(hash: v.hash, wallet: v.wallet)
                if order == nil, let other = row.venueOrderID, other.lowercased() != v.hash.lowercased() {
                    summary.orderLookups += 1
                    order = try venue.order(hash: other, wallet: v.wallet)
                }
            } catch {
                if error.kind == .configuration { summary.configurationErrors += 1 } else { summary.deferred += 1 }
                log.error(
                    "cannot read the order: left for the next run", metadata: ["stage": "lookup", "error": "\(error)"])
                return
            }
        }
        var view = SyncReconcile.VenueView(order: order, trades: trades)
        var decision = SyncReconcile.decide(row: row, runAlive: v.runAlive, view: view, policy: policy, now: now())

        // 5. Resting past the time-to-live: cancel; the unfilled part is released only once the
        //    venue confirms the cancel (the decision is taken again with the order cancelled).
        if case .cancel(let reason) = decision {
            let cancelled: Bool
            do {
                cancelled = try venue.cancel(orderHash: order?.id ?? v.hash, wallet: v.wallet)
            } catch {
                summary.deferred += 1
                log.error("cancel failed: left for the next run", metadata: ["stage": "cancel", "error": "\(error)"])
                return
            }
            crashPoint("after-cancel")
            guard cancelled else {
                summary.count(.live)
                log.warning(
                    "the venue did not confirm the cancel", metadata: ["stage": "cancel", "reason": .string(reason)])
                return
            }
            summary.cancelled += 1
            log.info("cancelled", metadata: ["stage": "cancel", "reason": .string(reason)])
            var o = order ?? VenueOrder(id: v.hash, status: "CANCELED", sizeMatched: .zero, tradeIDs: [])
            o.status = "CANCELED"
            view.order = o
            decision = SyncReconcile.decide(
                row: row, runAlive: v.runAlive,
                view: view, policy: SyncReconcile.Policy(graceSeconds: policy.graceSeconds, ttlSeconds: nil),
                now: now())
        }

        switch decision {
        case .leave(let kind, let reason):
            summary.count(kind)
            if kind == .stillUnknown { noteUnknown(row) }
            log.debug(
                "left as is", metadata: ["stage": "decide", "kind": .string(kind.rawValue), "reason": .string(reason)])
        case .cancel:
            summary.count(.live)
        case .apply(let to, let fields, let events, let kind, let note):
            try book(row, to: to, fields: fields, events: events, reduction: nil, kind: kind, note: note, log: log)
        case .applySell(let to, let fields, let reduction, let kind, let note):
            try book(row, to: to, fields: fields, events: [], reduction: reduction, kind: kind, note: note, log: log)
        }
        log[metadataKey: "stage"] = nil
    }

    /// 6. One reconciled row through the ledger.
    func book(
        _ row: LTOrder, to: OrderStatus, fields: OrderFields, events: [CapitalEvent], reduction: PositionReduction?,
        kind: SyncReconcile.Kind, note: String, log: Logger
    ) throws {
        // 6. Through the ledger: under the strategy lock, the transition table decides a race
        //    with the posting run's answer or another sync; the loser changes nothing.
        guard let id = row.ltOrderID else { return }
        crashPoint("before-apply")
        var entry = LedgerEntry(
            strategyID: row.strategyID, change: .update(ltOrderID: id, to: to, fields: fields), events: events,
            at: now(), reduction: reduction)
        entry.basedOn = OrderSnapshot(row)
        do {
            _ = try ledger.apply(entry)
        } catch let refused as LedgerError {
            summary.notBooked += 1
            log.warning(
                "not booked: the ledger refused it (the row changed under this run, or a capital rule)",
                metadata: ["stage": "apply", "error": "\(refused)"])
            return
        }
        crashPoint("after-apply")
        summary.count(kind)
        if kind == .stillUnknown { noteUnknown(row) }
        let released = events.reduce(Fixed6.zero) { $0 + $1.delta.available }
        summary.cashReleasedUSD += released
        log.info(
            "reconciled",
            metadata: [
                "stage": "apply", "from": .string(row.status.rawValue), "to": .string(to.rawValue),
                "kind": .string(kind.rawValue), "cash_released": .string(released.exactText),
                "note": .string(note),
            ])
    }

    /// Counts an order whose outcome is still unproven: its age, and whether it is past the grace
    /// period (exit 1).
    func noteUnknown(_ row: LTOrder) {
        guard row.status == .unknown || row.status == .intent else { return }
        let age = Int(now().timeIntervalSince(row.submittedAt ?? row.createdAt ?? now()))
        summary.oldestUnknownSeconds = max(summary.oldestUnknownSeconds ?? 0, age)
        if age >= options.graceSeconds { summary.staleUnknown += 1 }
    }
}

/// The store port, timed as database work (`timings` in the JSON summary).
public final class TimedSyncStore: SyncStoring {
    let base: any SyncStoring
    let timings: StageTimings

    public init(_ base: any SyncStoring, timings: StageTimings) {
        self.base = base
        self.timings = timings
    }

    public func nonFinalOrders() throws -> [LTOrder] { try timings.measure(.database) { try base.nonFinalOrders() } }

    public func isRunAlive(_ runID: String) throws -> Bool {
        try timings.measure(.database) { try base.isRunAlive(runID) }
    }
}
