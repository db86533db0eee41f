import Foundation
import Logging

// resolve (design §4): settle the open positions of resolved markets through the ledger.
//
//   0. (lt/ResolveCommand) job lock; housekeeping: an overdue daily reset, matured cooldowns.
//   1. Read the open positions — BUY rows with shares remaining, outcome OPEN — in one index-backed
//      query (`lt_orders_open_positions_idx`), and group them by condition.
//   2. Read each condition once, in one batch: with an RPC the chain's payout vector
//      (`payoutDenominator > 0`, `payoutNumerators(i)`); without one the CLOB's `closed` +
//      `tokens[].winner`, logged as unproven. Closed but not paid out: wait.
//   3. For each position of a resolved condition: the pure `ResolveRules.decide` — payout =
//      shares × numerator / denominator, P&L = payout − cost basis (fees included), WON/LOST with
//      the payout per share, redemption PENDING or LOSS_CONFIRMED; a row whose order or fill is not
//      final waits for the next run.
//   4. Book it through the ledger: row, cash (§3) and risk state (`ResolveRules.riskAfter`: daily
//      loss, consecutive losses, peak equity, drawdown, breakers) in one transaction under the
//      strategy lock, refused if the row changed since step 1 (an exit sold shares meanwhile).
//   5. One summary: settled rows with their P&L and FT's, rows waiting and why, failures.

// MARK: Ports

/// One outcome of a resolved condition and its share of the payout vector.
public struct PayoutOutcome: Sendable, Hashable, Codable {
    public var tokenID: String
    public var label: String
    public var numerator: Int64

    public init(tokenID: String, label: String, numerator: Int64) {
        self.tokenID = tokenID
        self.label = label
        self.numerator = numerator
    }
}

/// A resolved condition's payout vector: one share of outcome i pays `numerator_i / denominator`.
public struct ConditionPayout: Sendable, Hashable, Codable {
    /// In outcome-index order.
    public var outcomes: [PayoutOutcome]
    public var denominator: Int64
    /// True when read from the chain (`payoutDenominator > 0`); false for the CLOB's winner flags,
    /// which no contract stands behind.
    public var proven: Bool

    public init(outcomes: [PayoutOutcome], denominator: Int64, proven: Bool) {
        self.outcomes = outcomes
        self.denominator = denominator
        self.proven = proven
    }

    /// The outcome a position holds: by token id, else by label (case-insensitive).
    public func outcome(tokenID: String?, label: String) -> PayoutOutcome? {
        if let tokenID, let o = outcomes.first(where: { $0.tokenID == tokenID }) { return o }
        return outcomes.first { $0.label.caseInsensitiveCompare(label) == .orderedSame }
    }
}

/// What the payout source knows about one condition.
public enum ConditionResolution: Sendable, Hashable {
    /// Not resolved: trading or waiting for its result.
    case open
    /// Closed on the venue but the payout is not reported (on the chain, or unambiguously on the
    /// CLOB): nothing is paid yet, so nothing is settled.
    case awaitingPayout(String)
    case resolved(ConditionPayout)
    /// The read failed; the next run tries again.
    case unreadable(String)
}

/// Reads conditions' payouts (LTPolymarket: the chain over JSON-RPC, or the CLOB without one).
public protocol PayoutSource: AnyObject {
    /// Whether answers are proven on-chain (false: the CLOB fallback).
    var provesPayouts: Bool { get }
    /// One answer per condition id asked, read in as few requests as the source allows.
    func resolutions(conditionIDs: [String]) -> [String: ConditionResolution]
}

/// An open position as resolve reads it (step 1).
public struct OpenPosition: Sendable, Hashable {
    public var ltOrderID: Int64
    public var strategyID: String
    public var conditionID: String
    public var tokenID: String?
    public var label: String
    public var status: OrderStatus
    public var settlement: Settlement?
    public var isShadow: Bool
    public var sharesRemaining: Fixed6
    public var costBasisRemaining: Fixed6
    public var cooldownHours: Int
    /// FT's P&L for the signal, when FT has resolved its paper order.
    public var ftPnL: Fixed6?

    public init(
        ltOrderID: Int64, strategyID: String, conditionID: String, tokenID: String?, label: String,
        status: OrderStatus, settlement: Settlement?, isShadow: Bool, sharesRemaining: Fixed6,
        costBasisRemaining: Fixed6, cooldownHours: Int, ftPnL: Fixed6?
    ) {
        self.ltOrderID = ltOrderID
        self.strategyID = strategyID
        self.conditionID = conditionID
        self.tokenID = tokenID
        self.label = label
        self.status = status
        self.settlement = settlement
        self.isShadow = isShadow
        self.sharesRemaining = sharesRemaining
        self.costBasisRemaining = costBasisRemaining
        self.cooldownHours = cooldownHours
        self.ftPnL = ftPnL
    }
}

public protocol ResolveStore: AnyObject {
    /// Every open BUY position (outcome OPEN, shares remaining), cost following open positions.
    func openPositions() throws -> [OpenPosition]
}

// MARK: Decisions (pure)

public enum ResolveRules {
    public struct Settlement: Sendable, Hashable {
        /// WON when the position was paid anything (a 50/50 half too), LOST when paid nothing.
        public var outcome: PositionOutcome
        /// What won, named honestly: "Yes", or "50/50: Yes 1/2, No 1/2" for a split.
        public var winningLabel: String
        /// This outcome's numerator / denominator, to 6 places (display and the FT comparison).
        public var payoutPerShare: Fixed6
        public var payout: Fixed6
        /// payout − cost basis (the cost basis includes the fees).
        public var pnl: Fixed6
        public var redemption: RedemptionStatus
        public var events: [CapitalEvent]
    }

    public enum Decision: Sendable, Hashable {
        case settle(Settlement)
        /// Not settled this run, and why.
        case wait(String)
    }

    /// Step 3 for one position of a condition.
    public static func decide(_ p: OpenPosition, _ resolution: ConditionResolution) -> Decision {
        let vector: ConditionPayout
        switch resolution {
        case .open: return .wait("market not resolved")
        case .awaitingPayout(let why): return .wait(why)
        case .unreadable(let why): return .wait("payout not readable: \(why)")
        case .resolved(let v): vector = v
        }
        // Settle what is proven: an order still open on the venue, or a fill whose on-chain
        // settlement is not final (it could still revert; its fee of record is not known), waits.
        guard p.status == .filled else { return .wait("order is \(p.status.rawValue), not final") }
        if let s = p.settlement, s != .confirmed {
            return .wait("fill settlement \(s.rawValue) is not final")
        }
        guard vector.denominator > 0 else { return .wait("payout denominator is 0") }
        guard let held = vector.outcome(tokenID: p.tokenID, label: p.label) else {
            return .wait("outcome \(p.label) is not in the condition's payout vector")
        }
        let payout = payout(shares: p.sharesRemaining, numerator: held.numerator, denominator: vector.denominator)
        let cost = p.costBasisRemaining
        let won = payout.isPositive
        return .settle(
            Settlement(
                outcome: won ? .won : .lost, winningLabel: winningLabel(vector),
                payoutPerShare: perShare(numerator: held.numerator, denominator: vector.denominator),
                payout: payout, pnl: payout - cost,
                // Shadow positions hold no tokens: there is nothing to redeem, so the payout is
                // "redeemed" at once and only the cooldown time holds it.
                redemption: won ? (p.isShadow ? .redeemed : .pending) : .lossConfirmed,
                events: won ? [.resolvedWon(costBasis: cost, payout: payout)] : [.resolvedLost(costBasis: cost)]))
    }

    /// What the CTF pays for `shares` of an outcome: base units × numerator / denominator, rounded
    /// down (the contract's integer division). Exact in 128 bits.
    public static func payout(shares: Fixed6, numerator: Int64, denominator: Int64) -> Fixed6 {
        guard denominator > 0, numerator > 0, shares.isPositive else { return .zero }
        let micros = Int128(shares.micros) * Int128(numerator) / Int128(denominator)
        return Fixed6(micros: Int64(clamping: micros))
    }

    static func perShare(numerator: Int64, denominator: Int64) -> Fixed6 {
        payout(shares: .one, numerator: numerator, denominator: denominator)
    }

    /// "Yes" when one outcome takes all; "50/50: Yes 1/2, No 1/2" (reduced fractions) for a split.
    public static func winningLabel(_ v: ConditionPayout) -> String {
        let paid = v.outcomes.filter { $0.numerator > 0 }
        if paid.count == 1, paid[0].numerator == v.denominator { return paid[0].label }
        if paid.isEmpty { return "none" }
        let parts = paid.map { o -> String in
            let g = gcd(o.numerator, v.denominator)
            return "\(o.label) \(o.numerator / g)/\(v.denominator / g)"
        }
        let even = paid.count == v.outcomes.count && Set(paid.map(\.numerator)).count == 1
        return (even && paid.count == 2 ? "50/50: " : "split: ") + parts.joined(separator: ", ")
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? max(a, 1) : gcd(b, a % b) }

    /// Step 4's risk state (seed 000 §9.3, seed 002 §3) after a settlement with `pnl`, given the
    /// state read under the lock once the cash moved (`equity` = initial + realized P&L):
    /// - a loss adds to today's loss and to the consecutive losses; a win resets the count; a
    ///   zero P&L changes neither;
    /// - peak equity rises to equity; drawdown = (peak − equity) / peak, in percent;
    /// - daily loss ≥ `max_daily_loss_usd` trips the DAILY_LOSS breaker (daily-reset clears it);
    ///   drawdown ≥ `circuit_breaker_loss_pct` trips DRAWDOWN, which replaces a DAILY_LOSS reason
    ///   so that it survives daily-reset (an operator clears it). A MANUAL or DRAWDOWN breaker is
    ///   kept as it is.
    public static func riskAfter(_ s: RiskSnapshot, pnl: Fixed6) -> RiskSnapshot {
        var n = s
        if pnl.isNegative {
            n.dailyLossUSD += pnl.magnitude
            n.consecutiveLosses += 1
        } else if pnl.isPositive {
            n.consecutiveLosses = 0
        }
        n.peakEquity = max(s.peakEquity, s.equity)
        n.currentDrawdownPct = drawdownPct(peak: n.peakEquity, equity: s.equity)
        let reason = s.circuitBreakerReason.flatMap {
            CircuitBreakerReason(rawValue: String($0.prefix { $0 != ":" }))
        }
        if let limit = s.circuitBreakerLossPct, drawdownReached(peak: n.peakEquity, equity: s.equity, pct: limit),
            !s.circuitBreakerActive || reason == .dailyLoss
        {
            n.circuitBreakerActive = true
            n.circuitBreakerReason =
                "\(CircuitBreakerReason.drawdown.rawValue): drawdown \(n.currentDrawdownPct.plainText)% ≥ \(limit.plainText)%"
        } else if let limit = s.maxDailyLossUSD, n.dailyLossUSD >= limit, !s.circuitBreakerActive {
            n.circuitBreakerActive = true
            n.circuitBreakerReason =
                "\(CircuitBreakerReason.dailyLoss.rawValue): lost today \(n.dailyLossUSD.plainText) ≥ \(limit.plainText)"
        }
        return n
    }

    /// (peak − equity) / peak in percent, rounded down to 6 places; 0 when not below the peak.
    public static func drawdownPct(peak: Fixed6, equity: Fixed6) -> Fixed6 {
        guard peak.isPositive, equity < peak else { return .zero }
        let micros = Int128((peak - equity).micros) * 100 * Int128(Fixed6.scale) / Int128(peak.micros)
        return Fixed6(micros: Int64(clamping: micros))
    }

    /// (peak − equity) / peak ≥ pct / 100, compared exactly (no rounded percentage decides a trip).
    public static func drawdownReached(peak: Fixed6, equity: Fixed6, pct: Fixed6) -> Bool {
        guard peak.isPositive, pct.isPositive else { return false }
        let lhs = Int128((peak - equity).micros) * 100 * Int128(Fixed6.scale)
        return lhs >= Int128(pct.micros) * Int128(peak.micros)
    }
}

// MARK: LT vs FT (pure)

/// One BUY row's P&L beside FT's (issue 11 item 5): the seeds' "LT P&L within 2 % of FT" per row.
public struct FTComparisonRow: Sendable, Hashable {
    public var skipped: Bool
    public var signalPrice: Fixed6?
    /// FT's paper order size, USD.
    public var signalSizeUSD: Fixed6?
    public var requestedUSD: Fixed6?
    public var executedUSD: Fixed6
    public var executedShares: Fixed6
    public var feesUSD: Fixed6
    public var payoutPerShare: Fixed6?
    /// Ours (nil: not settled).
    public var pnl: Fixed6?
    /// FT's (nil: FT has not resolved it).
    public var ftPnL: Fixed6?

    public init(
        skipped: Bool, signalPrice: Fixed6?, signalSizeUSD: Fixed6?, requestedUSD: Fixed6?, executedUSD: Fixed6,
        executedShares: Fixed6, feesUSD: Fixed6, payoutPerShare: Fixed6?, pnl: Fixed6?, ftPnL: Fixed6?
    ) {
        self.skipped = skipped
        self.signalPrice = signalPrice
        self.signalSizeUSD = signalSizeUSD
        self.requestedUSD = requestedUSD
        self.executedUSD = executedUSD
        self.executedShares = executedShares
        self.feesUSD = feesUSD
        self.payoutPerShare = payoutPerShare
        self.pnl = pnl
        self.ftPnL = ftPnL
    }
}

/// LT − FT, decomposed. Every part is in USD and they add up to `gap` exactly: what the data
/// cannot attribute (rounding, exits before resolution, FT's own P&L convention) is `unexplained`.
public struct FTGap: Sendable, Hashable, Codable {
    /// Rows both sides settled (plus skipped rows FT settled).
    public var comparedRows = 0
    /// Rows we settled that FT has not resolved: no comparison yet.
    public var ftUnresolvedRows = 0
    public var ltPnL = Fixed6.zero
    public var ftPnL = Fixed6.zero
    /// ltPnL − ftPnL.
    public var gap = Fixed6.zero
    /// Fees we paid (FT's paper orders pay none): negative.
    public var fees = Fixed6.zero
    /// Shares we got for our dollars vs at the signal price, valued at the payout.
    public var entrySlippage = Fixed6.zero
    /// Filled less than we asked for.
    public var partialFill = Fixed6.zero
    /// Our order size vs the leader's (FT's) size.
    public var sizing = Fixed6.zero
    /// FT's P&L on signals we skipped (we made nothing on them).
    public var skipped = Fixed6.zero
    public var unexplained = Fixed6.zero

    public init() {}

    /// gap / |FT P&L| in percent, to 2 places; nil when FT's P&L is zero.
    public var gapPct: Fixed6? {
        guard !ftPnL.isZero else { return nil }
        return gap.times(100).divided(by: ftPnL.magnitude, rounding: .halfEven).rounded(toPlaces: 2, .halfEven)
    }

    public static func + (a: FTGap, b: FTGap) -> FTGap {
        var s = a
        s.comparedRows += b.comparedRows
        s.ftUnresolvedRows += b.ftUnresolvedRows
        s.ltPnL += b.ltPnL
        s.ftPnL += b.ftPnL
        s.gap += b.gap
        s.fees += b.fees
        s.entrySlippage += b.entrySlippage
        s.partialFill += b.partialFill
        s.sizing += b.sizing
        s.skipped += b.skipped
        s.unexplained += b.unexplained
        return s
    }

    /// One row's decomposition. With FT size S at price P, our request R, fill E dollars for N
    /// shares, fee F and payout q per share, and FT's P&L f:
    /// sizing = f·R/S − f, partial fill = f·E/S − f·R/S, entry slippage = (N − E/P)·q, fees = −F;
    /// for FT's paper order f = (S/P)·q − S, so these sum to our P&L N·q − E − F up to rounding.
    public static func of(_ r: FTComparisonRow) -> FTGap {
        var g = FTGap()
        guard let ft = r.ftPnL else {
            if r.pnl != nil && !r.skipped { g.ftUnresolvedRows = 1 }
            return g
        }
        if r.skipped {
            g.comparedRows = 1
            g.ftPnL = ft
            g.gap = -ft
            g.skipped = -ft
            return g
        }
        guard let lt = r.pnl else { return g }
        g.comparedRows = 1
        g.ltPnL = lt
        g.ftPnL = ft
        g.gap = lt - ft
        g.fees = -r.feesUSD
        if let size = r.signalSizeUSD, size.isPositive {
            let requested = r.requestedUSD ?? r.executedUSD
            let atRequested = (try? ft.scaled(by: requested, per: size, rounding: .halfEven)) ?? ft
            let atExecuted = (try? ft.scaled(by: r.executedUSD, per: size, rounding: .halfEven)) ?? atRequested
            g.sizing = atRequested - ft
            g.partialFill = atExecuted - atRequested
        }
        if let price = r.signalPrice, price.isPositive, let q = r.payoutPerShare {
            let sharesAtSignal = r.executedUSD.divided(by: price, rounding: .halfEven)
            g.entrySlippage = (r.executedShares - sharesAtSignal).multiplied(by: q, rounding: .halfEven)
        }
        g.unexplained = g.gap - (g.fees + g.entrySlippage + g.partialFill + g.sizing)
        return g
    }
}

// MARK: The job

public struct ResolveSummary: JobSummary, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var ltOrderID: Int64
        public var strategyID: String
        public var conditionID: String
        public var label: String
        public var outcome: PositionOutcome
        public var winningLabel: String
        public var payoutPerShare: Fixed6
        public var payout: Fixed6
        public var pnl: Fixed6
        public var ftPnL: Fixed6?
        public var proven: Bool
    }

    public var payoutSource: String
    public var conditionsRead = 0
    public var conditionsResolved = 0
    public var settled: [Row] = []
    /// Rows left for a later run, by reason.
    public var waiting: [String: Int] = [:]
    /// Rows whose settlement the ledger refused or the database failed.
    public var failed: [String] = []
    /// Strategies whose circuit breaker a settlement of this run tripped, with the reason.
    public var breakersTripped: [String: String] = [:]

    public var failedCount: Int { failed.count }

    public var textLines: [String] {
        let esc = TextEscaping.controls
        var lines = [
            "resolve (\(payoutSource)): \(conditionsRead) conditions read, \(conditionsResolved) resolved, "
                + "\(settled.count) positions settled, \(waiting.values.reduce(0, +)) waiting, \(failed.count) failed"
        ]
        for r in settled {
            let ft = r.ftPnL.map { " ft_pnl \($0.formatted(places: 2))" } ?? " ft_pnl -"
            lines.append(
                "  #\(r.ltOrderID) \(esc(r.strategyID)) \(esc(r.label)): \(r.outcome.rawValue) (\(esc(r.winningLabel)), "
                    + "\(r.payoutPerShare.plainText)/share\(r.proven ? "" : ", unproven")) payout "
                    + "\(r.payout.formatted(places: 2)) pnl \(r.pnl.formatted(places: 2))" + ft)
        }
        for (reason, n) in waiting.sorted(by: { $0.key < $1.key }) { lines.append("  waiting \(n): \(esc(reason))") }
        for (s, why) in breakersTripped.sorted(by: { $0.key < $1.key }) {
            lines.append("  BREAKER \(esc(s)): \(esc(why))")
        }
        for f in failed { lines.append("  FAILED \(esc(f))") }
        return lines
    }
}

public struct ResolveJob {
    let store: any ResolveStore
    let ledger: any Ledger
    let payouts: any PayoutSource
    let shard: Shard?
    let now: () -> Date
    let logger: Logger
    /// Crash tests: called at each step boundary, by name.
    let crashPoint: (String) -> Void

    public init(
        store: any ResolveStore, ledger: any Ledger, payouts: any PayoutSource, shard: Shard? = nil,
        now: @escaping () -> Date, logger: Logger, crashPoint: @escaping (String) -> Void = { _ in }
    ) {
        self.store = store
        self.ledger = ledger
        self.payouts = payouts
        self.shard = shard
        self.now = now
        self.logger = logger
        self.crashPoint = crashPoint
    }

    public func run() throws -> ResolveSummary {
        var summary = ResolveSummary(payoutSource: payouts.provesPayouts ? "chain" : "clob, unproven")
        // 1. Open positions, grouped by condition.
        let positions = try store.openPositions().filter { shard?.contains(strategyID: $0.strategyID) ?? true }
        let byCondition = Dictionary(grouping: positions, by: \.conditionID)
        let conditions = byCondition.keys.sorted()
        guard !conditions.isEmpty else { return summary }
        crashPoint("after-read-positions")

        // 2. Each condition once, in one batch.
        let resolutions = payouts.resolutions(conditionIDs: conditions)
        summary.conditionsRead = conditions.count
        crashPoint("after-read-payouts")

        // 3–4. Decide and book each position of a resolved condition.
        for cid in conditions {
            let resolution = resolutions[cid] ?? .unreadable("no answer for the condition")
            if case .resolved(let v) = resolution {
                summary.conditionsResolved += 1
                if !v.proven {
                    logger.warning(
                        "payout from the CLOB's winner flag, unproven on-chain (set LT_POLYGON_RPC_URL)",
                        metadata: ["condition_id": .string(cid)])
                }
            }
            if case .unreadable(let why) = resolution {
                logger.warning(
                    "condition not readable", metadata: ["condition_id": .string(cid), "error": .string(why)])
            }
            for p in byCondition[cid] ?? [] {
                switch ResolveRules.decide(p, resolution) {
                case .wait(let why):
                    if case .open = resolution { continue }  // the common case: not worth a line
                    summary.waiting[why, default: 0] += 1
                    logger.info(
                        "position waits", metadata: meta(p).merging(["reason": .string(why)]) { $1 })
                case .settle(let s):
                    guard case .resolved(let v) = resolution else { continue }
                    settle(p, s, proven: v.proven, into: &summary)
                    crashPoint("after-settle")
                }
            }
        }
        return summary
    }

    func settle(_ p: OpenPosition, _ s: ResolveRules.Settlement, proven: Bool, into summary: inout ResolveSummary) {
        let at = now()
        var fields = OrderFields(sharesRemaining: .zero, costBasisRemaining: .zero, outcome: s.outcome)
        fields.winningLabel = s.winningLabel
        fields.pnl = s.pnl
        fields.ftPnL = p.ftPnL
        fields.payoutPerShare = s.payoutPerShare
        fields.redemptionStatus = s.redemption
        fields.resolvedAt = at
        let pnl = s.pnl
        var tripped: String?
        let entry = LedgerEntry(
            strategyID: p.strategyID, change: .update(ltOrderID: p.ltOrderID, to: .filled, fields: fields),
            events: s.events, at: at, cooldownAvailableAt: at.addingTimeInterval(Double(p.cooldownHours) * 3600),
            riskUpdate: { before in
                let after = ResolveRules.riskAfter(before, pnl: pnl)
                if after.circuitBreakerActive && after.circuitBreakerReason != before.circuitBreakerReason {
                    tripped = after.circuitBreakerReason
                }
                return after
            },
            expectedPosition: ExpectedPosition(
                sharesRemaining: p.sharesRemaining, costBasisRemaining: p.costBasisRemaining))
        do {
            _ = try ledger.apply(entry)
        } catch LedgerError.positionChanged {
            // An exit or another run changed the row since step 1: the next run reads it again.
            summary.waiting["position changed since it was read", default: 0] += 1
            logger.info("position changed since it was read; left for the next run", metadata: meta(p))
            return
        } catch {
            summary.failed.append("#\(p.ltOrderID) \(p.strategyID): \(error)")
            logger.error("settlement failed", metadata: meta(p).merging(["error": .string("\(error)")]) { $1 })
            return
        }
        if let tripped {
            summary.breakersTripped[p.strategyID] = tripped
            logger.warning(
                "circuit breaker tripped: no new entries",
                metadata: meta(p).merging(["reason": .string(tripped)]) { $1 })
        }
        summary.settled.append(
            ResolveSummary.Row(
                ltOrderID: p.ltOrderID, strategyID: p.strategyID, conditionID: p.conditionID, label: p.label,
                outcome: s.outcome, winningLabel: s.winningLabel, payoutPerShare: s.payoutPerShare, payout: s.payout,
                pnl: s.pnl, ftPnL: p.ftPnL, proven: proven))
        logger.info(
            "position settled",
            metadata: meta(p).merging(
                [
                    "outcome": .string(s.outcome.rawValue), "winning_label": .string(s.winningLabel),
                    "payout": .string(s.payout.exactText), "pnl": .string(s.pnl.exactText),
                    "ft_pnl": .string(p.ftPnL?.exactText ?? "-"), "proven": .stringConvertible(proven),
                ]) { $1 })
    }

    func meta(_ p: OpenPosition) -> Logger.Metadata {
        [
            "strategy_id": .string(p.strategyID), "lt_order_id": .stringConvertible(p.ltOrderID),
            "condition_id": .string(p.conditionID),
        ]
    }
}
