import Foundation
import Logging

// `lt force …` (issue 14 §3, seed 000 §12.3 "force test trades"): an operator's buy, sell, cooldown
// processing and simulated FT signal, each through the jobs' own code — `ExecuteJob.decideForced`,
// `CheckExitsJob.forceSell`, `CooldownRelease` — never a second copy of the pipeline. Forced rows
// carry `forced = true` (schema v9) and the signal key `force:<key>`: the key makes a rerun place
// nothing twice (UNIQUE(strategy_id, signal_key)); the flag leaves them out of every LT-vs-FT
// comparison (`lt status`, `lt report`, resolve's ft_pnl).

/// The reads `lt force` needs besides the jobs' (LTPostgres `ForceStore`).
public protocol ForceStoring: AnyObject {
    /// The strategy exists (active or not).
    func strategyExists(_ id: String) throws -> Bool
    /// The row of a strategy's signal key, if any.
    func order(strategyID: String, signalKey: String) throws -> LTOrder?
}

/// A force command's idempotency key.
public enum ForceKey {
    /// At most this long, so `force:<key>` fits a signal key (128 bytes) with room to spare.
    public static let maxLength = 100

    /// `given` when it is valid (1–100 of A–Z a–z 0–9 . _ : / -), else why not; without one, the
    /// default: `<action>-` and the FNV-1a-64 of the command's arguments in hex. The same command
    /// gets the same key, so running it again places nothing; `--key` names a new force.
    public static func resolve(_ given: String?, action: String, arguments: [String]) -> Result<String, UsageProblem> {
        guard let given else {
            let h = UInt64(bitPattern: AdvisoryLockKey.fnv1a64(([action] + arguments).joined(separator: "\u{1F}")))
            let hex = String(h, radix: 16)
            return .success("\(action)-" + String(repeating: "0", count: 16 - hex.count) + hex)
        }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/-")
        guard !given.isEmpty, given.count <= maxLength, given.allSatisfy({ allowed.contains($0) }) else {
            return .failure(UsageProblem("--key must be 1–\(maxLength) characters of A-Z a-z 0-9 . _ : / -"))
        }
        return .success(given)
    }

    public static func signalKey(_ key: String) -> String { "force:" + key }
}

/// What a force command did, printed as its summary.
public struct ForceSummary: JobSummary, Sendable {
    public var action: String
    public var strategyID: String?
    public var key: String?
    public var signalKey: String?
    /// A row with this key existed already: nothing new was decided or placed.
    public var rerun = false
    /// The row the key names, as it stands after the command.
    public var order: LTOrder?
    /// `cooldown`: strategy id → amount released.
    public var released: [String: Fixed6] = [:]
    /// Why the force did not do what it was asked (exit 1).
    public var problems: [String] = []
    /// The venue or a leader could not be read: nothing decided, run it again (exit 69).
    public var unavailable: [String] = []
    /// A wallet could not be used (exit 78).
    public var configuration: [String] = []
    public var lines: [String] = []

    public init(action: String, strategyID: String?, key: String? = nil) {
        self.action = action
        self.strategyID = strategyID
        self.key = key
        self.signalKey = key.map(ForceKey.signalKey)
    }

    enum CodingKeys: String, CodingKey {
        case action, strategyID, key, signalKey, rerun, order, released, problems, unavailable, configuration
    }

    public var failedCount: Int { problems.count }

    public var textLines: [String] {
        let esc = TextEscaping.controls
        return lines.map(esc) + unavailable.map { "UNAVAILABLE: \(esc($0))" }
            + configuration.map { "CONFIGURATION: \(esc($0))" } + problems.map { "FAILED: \(esc($0))" }
    }

    /// One line for the row the key names.
    static func describe(_ o: LTOrder) -> String {
        var parts = [
            "\(o.side.rawValue) row \(o.ltOrderID.map { "\($0)" } ?? "?") \(o.status.rawValue)"
                + (o.isShadow ? " (shadow)" : "") + (o.forced ? " forced" : "")
        ]
        if let r = o.skipReason { parts.append("reason \(r)") }
        if let t = o.orderType { parts.append("\(t.rawValue)") }
        if let l = o.limitPrice { parts.append("limit \(l.plainText)") }
        if let r = o.requestedUSD { parts.append("requested $\(r.plainText)") }
        if let r = o.requestedShares, o.side == .sell { parts.append("requested \(r.plainText) shares") }
        if o.executedShares.isPositive {
            parts.append(
                "executed \(o.executedShares.plainText) shares for $\(o.executedUSD.plainText)"
                    + (o.executedPrice.map { " at \($0.plainText)" } ?? "") + ", fee $\(o.feesUSD.plainText)")
        }
        if let h = o.orderHash { parts.append("order \(h)") }
        if let e = o.error { parts.append("(\(e))") }
        return parts.joined(separator: ", ")
    }
}

public enum Force {
    /// Whether a forced order ended as asked. A buy or a sell that was skipped, unfilled,
    /// rejected, failed, not placed or is unknown did not (exit 1); `simulate-ft` reports any
    /// decision, a skip included, as its answer.
    static func judge(_ s: inout ForceSummary, skipIsAnAnswer: Bool) {
        guard let o = s.order else { return }
        s.lines.append(ForceSummary.describe(o))
        switch o.status {
        case .filled, .submitted, .partial, .intent: return
        case .skipped where skipIsAnAnswer: return
        default:
            s.problems.append(
                "the \(o.side.rawValue) ended \(o.status.rawValue)" + (o.skipReason.map { " (\($0))" } ?? ""))
        }
    }

    /// A row with the key that is not NOT_PLACED (which the pipeline decides again) ends the
    /// command: a rerun places nothing.
    static func existing(_ store: any ForceStoring, _ s: inout ForceSummary) throws -> Bool {
        guard let id = s.strategyID, let key = s.signalKey, let o = try store.order(strategyID: id, signalKey: key),
            o.status != .notPlaced
        else { return false }
        s.rerun = true
        s.order = o
        s.lines.append("already done under key \(s.key ?? ""): nothing placed (give --key for a new one)")
        return true
    }

    /// The execute pipeline's outcome for one forced signal, read back from its row.
    static func executed(
        _ job: ExecuteJob, _ outcome: Result<Void, ExecuteJob.ForcedRefusal>, store: any ForceStoring,
        _ s: inout ForceSummary, skipIsAnAnswer: Bool
    ) throws {
        switch outcome {
        case .failure(.noStrategy): s.problems.append("no active strategy \(s.strategyID ?? "")")
        case .failure(.misconfigured(let why)): s.problems.append("strategy misconfigured: \(why)")
        case .failure(.noPrice(let why)): s.problems.append("no reference price: \(why)")
        case .failure(.venueUnavailable(let why)): s.unavailable.append("the venue could not be read: \(why)")
        case .success:
            let e = job.summary
            if e.deferred > 0 { s.unavailable.append("the venue could not be read: nothing decided, run it again") }
            s.configuration += e.walletErrors.sorted { $0.key < $1.key }.map { "wallet \($0.key): \($0.value)" }
            s.problems += e.errors
            if e.alreadyDecided > 0 { s.lines.append("decided by another run at the same time") }
            s.order = try store.order(strategyID: s.strategyID ?? "", signalKey: s.signalKey ?? "")
            judge(&s, skipIsAnAnswer: skipIsAnAnswer)
        }
    }

    /// `lt force buy`: `amountUSD` of `outcome` in `conditionID` for the strategy, through execute's
    /// pipeline (`ExecuteJob.decideForced`) with the amount as a FIXED size. `price` is the
    /// reference the slippage limit applies to (default: the best ask now).
    public static func buy(
        store: any ForceStoring, job: ExecuteJob, strategyID: String, conditionID: String, outcome: String,
        amountUSD: Fixed6, price: Fixed6?, key: String, now: Date
    ) throws -> ForceSummary {
        let signal = FTSignalRow(
            orderID: ForceKey.signalKey(key), orderTime: now, side: "BUY", conditionID: conditionID,
            tokenLabel: outcome, entryPrice: price?.exactText, size: amountUSD.exactText)
        return try throughExecute(
            "buy", store: store, job: job, strategyID: strategyID, key: key, signal: signal, amountUSD: amountUSD,
            skipIsAnAnswer: false)
    }

    /// A forced signal through execute: the key's row when it exists (a rerun places nothing),
    /// else `ExecuteJob.decideForced` and the row it wrote.
    static func throughExecute(
        _ action: String, store: any ForceStoring, job: ExecuteJob, strategyID: String, key: String,
        signal: FTSignalRow, amountUSD: Fixed6?, skipIsAnAnswer: Bool
    ) throws -> ForceSummary {
        var s = ForceSummary(action: action, strategyID: strategyID, key: key)
        if try existing(store, &s) {
            judge(&s, skipIsAnAnswer: skipIsAnAnswer)
            return s
        }
        let outcome = try job.decideForced(strategyID: strategyID, signal: signal, amountUSD: amountUSD)
        try executed(job, outcome, store: store, &s, skipIsAnAnswer: skipIsAnAnswer)
        return s
    }

    /// A synthetic FT signal (what FT would write to `ft_orders`, which is never written).
    public struct SimulatedSignal: Sendable {
        public var conditionID: String
        public var outcome: String
        public var price: Fixed6
        public var sizeUSD: Fixed6
        public var leader: String?
        public var signalTime: Date

        public init(
            conditionID: String, outcome: String, price: Fixed6, sizeUSD: Fixed6, leader: String?, signalTime: Date
        ) {
            self.conditionID = conditionID
            self.outcome = outcome
            self.price = price
            self.sizeUSD = sizeUSD
            self.leader = leader
            self.signalTime = signalTime
        }
    }

    /// `lt force simulate-ft` (seed 000 §12.3 "create fake FT order and execute"): the signal is
    /// decided by execute's code exactly as an FT row would be — validation, staleness, the
    /// strategy's own sizing, risk, price protection — and executed like one: a shadow fill, or
    /// with both live keys a real order. FT's table is not written; the decision is a forced row.
    public static func simulateFT(
        store: any ForceStoring, job: ExecuteJob, strategyID: String, signal: SimulatedSignal, key: String
    ) throws -> ForceSummary {
        let row = FTSignalRow(
            orderID: ForceKey.signalKey(key), orderTime: signal.signalTime, side: "BUY",
            conditionID: signal.conditionID, tokenLabel: signal.outcome, entryPrice: signal.price.exactText,
            size: signal.sizeUSD.exactText, traderWallet: signal.leader)
        return try throughExecute(
            "simulate-ft", store: store, job: job, strategyID: strategyID, key: key, signal: row, amountUSD: nil,
            skipIsAnAnswer: true)
    }

    /// `lt force sell`: `fraction` (0 < f ≤ 1) of a position through check-exits' SELL path
    /// (`CheckExitsJob.forceSell`), reason MANUAL.
    public static func sell(
        store: any ForceStoring, job: CheckExitsJob, strategyID: String, conditionID: String, outcome: String,
        leader: String?, fraction: Fixed6, key: String
    ) throws -> ForceSummary {
        var s = ForceSummary(action: "sell", strategyID: strategyID, key: key)
        if try existing(store, &s) {
            judge(&s, skipIsAnAnswer: false)
            return s
        }
        let refusal = try job.forceSell(
            strategyID: strategyID, conditionID: conditionID, outcome: outcome, leader: leader, fraction: fraction,
            signalKey: ForceKey.signalKey(key))
        switch refusal {
        case .noStrategy?: s.problems.append("no active strategy \(strategyID)")
        case .halted?: s.problems.append("strategy \(strategyID) is HALTED: no exits (lt strategy resume first)")
        case .noPosition(let open)?:
            s.problems.append(
                "no open position \(conditionID) \(outcome)" + (leader.map { " of leader \($0)" } ?? "") + "; open: "
                    + (open.isEmpty ? "none" : open.joined(separator: "; ")))
        case .ambiguous(let leaders)?:
            s.problems.append("several leaders' positions match: give --leader (\(leaders.joined(separator: ", ")))")
        case .exitInFlight?: s.problems.append("an exit of this position is not final yet: nothing sold")
        case .booksUnavailable(let why)?: s.unavailable.append("the book could not be read: \(why)")
        case nil:
            s.problems += job.summary.errors
            s.order = try store.order(strategyID: strategyID, signalKey: ForceKey.signalKey(key))
            if s.order == nil, s.problems.isEmpty {
                let why = job.lastDeferral ?? "nothing to sell"
                if why.hasPrefix("the book") || why.hasPrefix("no book") || why.hasPrefix("fee schedule") {
                    s.unavailable.append("not sold: \(why)")
                } else {
                    s.problems.append("not sold: \(why)")
                }
            }
            if job.summary.alreadyDecided > 0 { s.lines.append("decided by another run at the same time") }
            judge(&s, skipIsAnAnswer: false)
        }
        return s
    }

    /// `lt force cooldown`: the matured cooldowns released now, through the ledger (what every
    /// job's housekeeping does), for one strategy or all. Immature money and WON payouts whose
    /// redemption is not confirmed stay. A rerun finds nothing left to release.
    public static func cooldown(_ ctx: JobContext, ledger: any Ledger, store: any ForceStoring, strategyID: String?)
        throws -> ForceSummary
    {
        var s = ForceSummary(action: "cooldown", strategyID: strategyID)
        if let strategyID, try !store.strategyExists(strategyID) {
            s.problems.append("no strategy \(strategyID)")
            return s
        }
        s.released = try CooldownRelease.run(ctx, ledger: ledger, strategyID: strategyID).released
        s.lines =
            s.released.isEmpty
            ? ["nothing matured to release"]
            : s.released.sorted { $0.key < $1.key }.map { "\($0.key): released \($0.value.plainText) to available" }
        return s
    }
}
