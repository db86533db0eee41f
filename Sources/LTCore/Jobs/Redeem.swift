import Foundation
import Logging

// redeem (design §4): turn won positions into collateral on-chain, one transaction per (holding
// wallet, condition), each sent exactly once.
//
//   0. (lt/RedeemCommand) job lock; housekeeping: an overdue daily reset, matured cooldowns.
//   1. Read the rows whose redemption is PENDING, SUBMITTED, or FAILED and due for a retry
//      (`lt_orders_pending_redemption_idx` plus the few FAILED rows), and group them by
//      (trading wallet, condition). LOSS_CONFIRMED rows are never read: a loss sends nothing.
//   2. A group with a recorded transaction (SUBMITTED) is tracked, never re-decided: the receipt of
//      every hash sent for its nonce is looked up; mined → REDEEMED (status 1) or FAILED with the
//      reason (status 0); not mined → the same signed bytes are broadcast again.
//   3. A group without one is prepared by the chain port (`RedemptionChain.prepare`): the
//      condition's `payoutDenominator > 0`, the holding wallet's ERC-1155 balances (the EOA, its
//      proxy or its Safe — never assumed), the call for the market (collateral adapters for pUSD,
//      the CTF or the NegRiskAdapter for USDC.e), the routing for the wallet type, chain id, the
//      pending nonce, fees capped by the operator, a gas estimate with a margin, the sender's gas
//      balance. An estimate that reverts is a FAILED attempt (nothing sent); a reason to wait
//      (no tokens, gas too low, fee above the cap, wallet type without a route) leaves the rows
//      PENDING with the reason.
//   3a. An EOA whose CTF approval of the collateral adapter is missing sends that approval first,
//      as its own transaction under the same rules (RedeemApproval.swift); approvals in flight
//      are settled at the start of every run.
//   4. The signed transaction's nonce, fees, raw bytes and hash are recorded on the group's rows
//      durably (`synchronous_commit = on`) BEFORE the broadcast (design §4 rule 2). A crash after
//      this point leaves SUBMITTED rows that step 2 of the next run rebroadcasts byte for byte.
//   5. Broadcast, then look for the receipt at once (step 2's rules). A definite rejection (the
//      node answered an error and no hash of the nonce is mined) is FAILED with its reason and
//      retried with backoff; a transport failure leaves the rows SUBMITTED.
//   6. Confirmed groups release their strategies' matured cooldowns (design §3: a WON payout
//      waits for its redemption); the payout the receipt's logs report is compared with the books
//      and a difference is reported.

// MARK: Model

/// A recorded redemption transaction: what step 4 writes before broadcasting.
public struct RedemptionSubmission: Sendable, Hashable, Codable {
    /// The EOA that signs and pays gas.
    public var sender: String
    public var nonce: Int64
    /// The signed transaction (`0x02…`), rebroadcast unchanged until it is mined.
    public var rawTx: String
    /// Every hash sent with this nonce (more than one only after a fee bump).
    public var hashes: [String]
    public var maxFeePerGasWei: Int64
    public var maxPriorityFeePerGasWei: Int64
    public var gasLimit: Int64
    /// When the latest hash was recorded (nil before it is): a fee bump waits for a timeout from it.
    public var submittedAt: Date?

    public init(
        sender: String, nonce: Int64, rawTx: String, hashes: [String], maxFeePerGasWei: Int64,
        maxPriorityFeePerGasWei: Int64, gasLimit: Int64, submittedAt: Date? = nil
    ) {
        self.sender = sender
        self.nonce = nonce
        self.rawTx = rawTx
        self.hashes = hashes
        self.maxFeePerGasWei = maxFeePerGasWei
        self.maxPriorityFeePerGasWei = maxPriorityFeePerGasWei
        self.gasLimit = gasLimit
        self.submittedAt = submittedAt
    }
}

/// One won position waiting for (or in) a redemption, as step 1 reads it.
public struct RedemptionRow: Sendable, Hashable {
    public var ltOrderID: Int64
    public var strategyID: String
    /// The wallets-file entry that bought the position (its holding wallet holds the tokens).
    public var wallet: String
    public var conditionID: String
    public var tokenID: String?
    public var label: String
    public var negRisk: Bool
    public var status: RedemptionStatus
    public var attempts: Int
    /// FAILED rows: not before this instant.
    public var nextAttemptAt: Date?
    public var submission: RedemptionSubmission?
    /// What the books expect the redemption to pay this row (its WON payout in cooldown).
    public var booksPayout: Fixed6

    public init(
        ltOrderID: Int64, strategyID: String, wallet: String, conditionID: String, tokenID: String?, label: String,
        negRisk: Bool, status: RedemptionStatus, attempts: Int = 0, nextAttemptAt: Date? = nil,
        submission: RedemptionSubmission? = nil, booksPayout: Fixed6
    ) {
        self.ltOrderID = ltOrderID
        self.strategyID = strategyID
        self.wallet = wallet
        self.conditionID = conditionID
        self.tokenID = tokenID
        self.label = label
        self.negRisk = negRisk
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.submission = submission
        self.booksPayout = booksPayout
    }
}

/// The rows one transaction redeems: one trading wallet, one condition.
public struct RedemptionGroup: Sendable, Hashable {
    public var wallet: String
    public var conditionID: String
    public var negRisk: Bool
    public var rows: [RedemptionRow]

    public var ltOrderIDs: [Int64] { rows.map(\.ltOrderID) }
    /// The outcome tokens the books say the wallet holds.
    public var tokenIDs: [String] { Array(Set(rows.compactMap(\.tokenID))).sorted() }
    public var booksPayout: Fixed6 { rows.reduce(.zero) { $0 + $1.booksPayout } }
    /// The recorded transaction, when any row carries one.
    public var submission: RedemptionSubmission? { rows.lazy.compactMap(\.submission).first }
    public var attempts: Int { rows.map(\.attempts).max() ?? 0 }
}

/// What an EOA's redemption through a collateral adapter needs first: the CTF's
/// `setApprovalForAll(operator, true)` from the holder, its own transaction (an EOA cannot batch).
/// One per (holder, operator), shared by every condition the wallet redeems through that adapter.
public struct ApprovalNeed: Sendable, Hashable {
    /// The wallets-file entry whose key signs.
    public var wallet: String
    /// The address granting the approval (lower-case hex).
    public var holder: String
    /// The adapter approved (lower-case hex).
    public var operatorAddress: String
    /// The adapter's name, for the operator.
    public var operatorName: String

    public init(wallet: String, holder: String, operatorAddress: String, operatorName: String) {
        self.wallet = wallet
        self.holder = holder.lowercased()
        self.operatorAddress = operatorAddress.lowercased()
        self.operatorName = operatorName
    }

    var key: String { holder + "|" + operatorAddress }
}

/// An approval lt recorded (`lt_chain_approvals`).
public struct AdapterApproval: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        case submitted = "SUBMITTED"
        case confirmed = "CONFIRMED"
        case failed = "FAILED"
    }

    public var status: Status
    /// The recorded transaction (SUBMITTED only).
    public var submission: RedemptionSubmission?
    public var attempts: Int
    public var txHash: String?
    public var error: String?
    public var nextAttemptAt: Date?

    public init(
        status: Status, submission: RedemptionSubmission?, attempts: Int, txHash: String? = nil, error: String? = nil,
        nextAttemptAt: Date? = nil
    ) {
        self.status = status
        self.submission = submission
        self.attempts = attempts
        self.txHash = txHash
        self.error = error
        self.nextAttemptAt = nextAttemptAt
    }
}

// MARK: Ports

/// A transaction ready to record and broadcast.
public struct PreparedRedemption: Sendable, Hashable {
    public var submission: RedemptionSubmission
    /// How the call was routed, for the log and summary ("EOA → CollateralAdapter", …).
    public var route: String

    public init(submission: RedemptionSubmission, route: String) {
        self.submission = submission
        self.route = route
    }
}

public enum Preparation: Sendable, Hashable {
    case send(PreparedRedemption)
    /// Nothing sent yet: an EOA's redemption needs the CTF approval of a collateral adapter first,
    /// a transaction of its own (`RedeemJob.approval`).
    case approve(ApprovalNeed)
    /// Nothing sent; the rows stay PENDING and carry the reason (no tokens, gas too low, fee above
    /// the cap, condition not paid out, wallet type without an on-chain route).
    case wait(String)
    /// Nothing sent, but the attempt failed (the gas estimate reverted): FAILED, retried later.
    case failed(String)
}

public enum BroadcastResult: Sendable, Hashable {
    case accepted
    /// The node already has these bytes (a rebroadcast).
    case alreadyKnown
    /// Another transaction, ours or not, used the nonce.
    case nonceTooLow(String)
    /// The node refused the transaction: it is not in the pool.
    case rejected(String)
    /// No answer that proves anything (transport failure, 5xx).
    case unreachable(String)
}

public enum ReceiptResult: Sendable, Hashable {
    /// Mined: `success` is the receipt's status; `payout` the collateral the redemption paid, when
    /// the receipt says.
    case mined(success: Bool, payout: Fixed6?)
    case notFound
    case unreadable(String)
}

/// A recorded transaction's outcome step 2 settles on.
public enum FeeBump: Sendable, Hashable {
    /// The same call and nonce re-signed with higher fees: `hashes` gains the new hash.
    case bumped(RedemptionSubmission)
    /// Not bumped (the cap leaves no room for the 10 % nodes require, the key is unreadable, …).
    case cannot(String)
}

/// The chain side of redeem (LTPolymarket: JSON-RPC, wallets file, calldata and routing).
public protocol RedemptionChain: AnyObject {
    func prepare(_ group: RedemptionGroup) -> Preparation
    /// The approval transaction `need` asks for, signed by the EOA's key: `.send`, or why not.
    func prepareApproval(_ need: ApprovalNeed) -> Preparation
    func broadcast(rawTx: String) -> BroadcastResult
    /// The receipt of `hash`; `wallet` (the wallets-file entry whose holding wallet is paid) lets
    /// the payout be read from the receipt's logs (nil: not a redemption, no payout to read).
    func receipt(hash: String, wallet: String?) -> ReceiptResult
    /// The EOA (lower-case hex) that signs `wallet`'s transactions; nil when the wallets file or the
    /// key cannot be read. `--shard` splits the work by it: one sender's nonces, one process.
    func sender(wallet: String) -> String?
    /// Whether the node knows the transaction (pending or mined); nil when it cannot tell.
    func transactionKnown(hash: String) -> Bool?
    /// Step 2's replacement after a timeout: `s` re-signed by `wallet`'s key, same nonce, fees
    /// raised by at least the 10 % nodes require, within the operator's cap.
    func bump(_ s: RedemptionSubmission, wallet: String) -> FeeBump
}

public protocol RedeemStore: AnyObject {
    /// Step 1: rows PENDING or SUBMITTED, and FAILED rows due at `now`.
    func redemptionRows(now: Date) throws -> [RedemptionRow]
    /// Step 4, durable: the group's rows become SUBMITTED with `submission`, attempts + 1 — only if
    /// every one is still PENDING or FAILED (false: another run changed them; nothing written).
    func recordSubmission(ltOrderIDs: [Int64], submission: RedemptionSubmission, at: Date) throws -> Bool
    /// A fee bump, durable before its broadcast: the raw bytes, fees and latest hash replace the
    /// recorded ones and the hash joins the nonce's list — only while the rows are SUBMITTED with
    /// that nonce (false: nothing written).
    func recordBump(ltOrderIDs: [Int64], submission: RedemptionSubmission, at: Date) throws -> Bool
    /// Confirmation: REDEEMED with the mined hash and `redeemed_at` (SUBMITTED rows, and PENDING
    /// rows of the same wallet and condition that the transaction redeemed too).
    func markRedeemed(ltOrderIDs: [Int64], txHash: String, at: Date) throws
    /// The transaction that already redeemed this wallet's tokens of this condition, if any.
    func redeemedBy(wallet: String, conditionID: String) throws -> String?
    /// FAILED with the reason, retried at `nextAttemptAt`; the recorded transaction is cleared.
    func markFailed(ltOrderIDs: [Int64], reason: String, nextAttemptAt: Date, countAttempt: Bool, at: Date) throws
    /// The reason a PENDING group waits (status unchanged).
    func noteWaiting(ltOrderIDs: [Int64], reason: String, at: Date) throws

    /// The approval recorded for this (holder, operator) pair, if any.
    func approval(_ need: ApprovalNeed) throws -> AdapterApproval?
    /// The pairs whose approval is SUBMITTED (recorded, not known mined).
    func approvalsInFlight() throws -> [ApprovalNeed]
    /// Durable like `recordSubmission`: the pair's approval becomes SUBMITTED with `submission`,
    /// attempts + 1 — only if none is recorded or the recorded one is not SUBMITTED (false: another
    /// run recorded one; nothing written). One row per pair: never two approvals in flight.
    func recordApproval(_ need: ApprovalNeed, submission: RedemptionSubmission, at: Date) throws -> Bool
    /// A fee bump of the pair's SUBMITTED approval (same nonce), durable before its broadcast.
    func recordApprovalBump(_ need: ApprovalNeed, submission: RedemptionSubmission, at: Date) throws -> Bool
    func markApprovalConfirmed(_ need: ApprovalNeed, txHash: String, at: Date) throws
    /// FAILED with the reason, retried at `nextAttemptAt`; the recorded transaction is cleared.
    func markApprovalFailed(_ need: ApprovalNeed, reason: String, nextAttemptAt: Date, at: Date) throws
}

// MARK: Decisions (pure)

public enum RedeemRules {
    /// Step 1: due rows grouped by (wallet, condition), in a stable order.
    public static func groups(_ rows: [RedemptionRow], now: Date) -> [RedemptionGroup] {
        let due = rows.filter { r in
            switch r.status {
            case .pending, .submitted: return true
            case .failed: return (r.nextAttemptAt ?? .distantPast) <= now
            case .none, .redeemed, .lossConfirmed: return false
            }
        }
        let byKey = Dictionary(grouping: due) { "\($0.wallet)\u{0}\($0.conditionID.lowercased())" }
        return byKey.keys.sorted().map { k in
            let rows = byKey[k]!.sorted { $0.ltOrderID < $1.ltOrderID }
            return RedemptionGroup(
                wallet: rows[0].wallet, conditionID: rows[0].conditionID, negRisk: rows.contains(where: \.negRisk),
                rows: rows)
        }
    }

    /// How long a FAILED group waits before its next attempt: 15 min, doubling, at most 24 h.
    public static func backoff(attempts: Int) -> TimeInterval {
        let n = max(1, attempts)
        return min(900 * pow(2, Double(min(n - 1, 10))), 86_400)
    }

    /// Fees for a new transaction: tip from the chain, max fee = 2 × base fee + tip (room for the
    /// base fee to rise for a few blocks), both capped by the operator. nil (and why) when the cap
    /// cannot cover the current base fee plus tip: such a transaction would sit unmined.
    public static func fees(baseFeeWei: Int64, priorityFeeWei: Int64, capWei: Int64) -> (
        maxFee: Int64, priority: Int64
    )? {
        let priority = min(max(priorityFeeWei, 0), capWei)
        let wanted = baseFeeWei.multipliedReportingOverflow(by: 2).partialValue &+ priority
        let maxFee = min(wanted, capWei)
        guard maxFee >= baseFeeWei &+ priority, baseFeeWei >= 0 else { return nil }
        return (maxFee, priority)
    }

    /// A replacement's fees: both at least +12.5 % over the old ones (nodes require +10 %; the
    /// margin absorbs their rounding), and no less than what a new transaction would pay now; nil
    /// when the cap leaves no room for the increase.
    public static func bumpedFees(
        oldMaxFee: Int64, oldPriority: Int64, baseFeeWei: Int64, priorityFeeWei: Int64, capWei: Int64
    ) -> (maxFee: Int64, priority: Int64)? {
        func raised(_ v: Int64) -> Int64 { v + (v + 7) / 8 }
        let priority = max(raised(oldPriority), priorityFeeWei)
        let maxFee = min(max(raised(oldMaxFee), baseFeeWei &* 2 &+ priority), capWei)
        guard maxFee >= raised(oldMaxFee), priority <= maxFee else { return nil }
        return (maxFee, priority)
    }

    /// Gas limit from an estimate: +25 % (state can change between estimate and inclusion).
    public static func gasLimit(estimate: Int64) -> Int64 { estimate + estimate / 4 }

    public enum Tracking: Sendable, Hashable {
        case redeemed(hash: String, payout: Fixed6?)
        case reverted(hash: String)
        /// No hash mined: broadcast the recorded bytes again.
        case rebroadcast
        /// A receipt could not be read: decide nothing this run.
        case unknown(String)
    }

    /// Step 2: given the receipts of every hash sent for the nonce. A success anywhere wins (only
    /// one of them can be mined: they share the nonce).
    public static func track(_ receipts: [(hash: String, result: ReceiptResult)]) -> Tracking {
        for (h, r) in receipts {
            if case .mined(true, let payout) = r { return .redeemed(hash: h, payout: payout) }
        }
        for (h, r) in receipts {
            if case .mined(false, _) = r { return .reverted(hash: h) }
        }
        for (_, r) in receipts {
            if case .unreadable(let why) = r { return .unknown(why) }
        }
        return .rebroadcast
    }
}

// MARK: Summary

public struct RedeemSummary: JobSummary, Sendable, Equatable {
    public struct Redeemed: Codable, Sendable, Equatable {
        public var wallet: String
        public var conditionID: String
        public var ltOrderIDs: [Int64]
        public var txHash: String
        public var booksPayout: Fixed6
        /// What the chain reports the redemption paid (nil: the receipt does not say).
        public var chainPayout: Fixed6?
        /// chain − books, when both are known and differ.
        public var difference: Fixed6?
    }

    public struct Line: Codable, Sendable, Equatable {
        public var wallet: String
        public var conditionID: String
        public var ltOrderIDs: [Int64]
        public var detail: String
    }

    /// An EOA's adapter approval (step 3a): sent, rebroadcast, confirmed, waiting or failed.
    public struct ApprovalLine: Codable, Sendable, Equatable {
        public var wallet: String
        public var holder: String
        public var operatorAddress: String
        public var detail: String
    }

    public var groups = 0
    public var approvals: [ApprovalLine] = []
    /// Transactions broadcast for the first time this run.
    public var sent: [Line] = []
    public var rebroadcast: [Line] = []
    public var redeemed: [Redeemed] = []
    public var waiting: [Line] = []
    /// Attempts that failed (reverted, estimate reverted, rejected): retried with backoff.
    public var failed: [Line] = []
    public var cooldownsReleased: [String: Fixed6] = [:]

    public init() {}

    public var failedCount: Int { failed.count }

    public var textLines: [String] {
        let esc = TextEscaping.controls
        var lines = [
            "redeem: \(groups) groups, \(sent.count) sent, \(rebroadcast.count) rebroadcast, \(redeemed.count) redeemed, "
                + "\(waiting.count) waiting, \(failed.count) failed"
        ]
        for r in redeemed {
            var line =
                "  REDEEMED \(esc(r.wallet)) \(esc(r.conditionID)) rows \(r.ltOrderIDs) tx \(esc(r.txHash)) books "
                + r.booksPayout.formatted(places: 6)
            if let c = r.chainPayout { line += " chain \(c.formatted(places: 6))" }
            if let d = r.difference { line += " DIFFERENCE \(d.formatted(places: 6))" }
            lines.append(line)
        }
        for a in approvals {
            lines.append(
                "  APPROVAL \(esc(a.wallet)) \(esc(a.holder)) → \(esc(a.operatorAddress)): \(esc(a.detail))")
        }
        for (tag, list) in [("SENT", sent), ("REBROADCAST", rebroadcast), ("WAITING", waiting), ("FAILED", failed)] {
            for l in list {
                lines.append("  \(tag) \(esc(l.wallet)) \(esc(l.conditionID)) rows \(l.ltOrderIDs): \(esc(l.detail))")
            }
        }
        for (s, a) in cooldownsReleased.sorted(by: { $0.key < $1.key }) {
            lines.append("  cooldown released \(esc(s)): \(a.formatted(places: 2))")
        }
        return lines
    }
}

// MARK: Job

public struct RedeemJob {
    let store: any RedeemStore
    let ledger: any Ledger
    let chain: any RedemptionChain
    /// A recorded transaction not mined after this long is replaced with a higher fee.
    let bumpAfter: TimeInterval
    let now: () -> Date
    let logger: Logger
    /// Crash tests: called at each step boundary, by name.
    let crashPoint: (String) -> Void
    /// `--shard i/n`: only the wallets whose sending EOA hashes to shard i (nil: all). Sharding by
    /// the sender, not the strategy, keeps every nonce of an EOA in one process, and every
    /// (wallet, condition) group and (holder, adapter) approval with it.
    let shard: Shard?
    /// Senders whose broadcast went unanswered this run: their pending nonce may not count that
    /// transaction, so no other group of theirs is signed until a later run knows more.
    let unanswered = Senders()
    /// Approvals already handled this run (step 3a), by (holder, operator): a second group of the
    /// same wallet reuses the answer instead of touching the approval again.
    let approvalsSeen = ApprovalsSeen()

    final class Senders {
        var senders = Set<String>()
    }

    final class ApprovalsSeen {
        var steps: [String: ApprovalStep] = [:]
    }

    public init(
        store: any RedeemStore, ledger: any Ledger, chain: any RedemptionChain, bumpAfter: TimeInterval = 600,
        shard: Shard? = nil, now: @escaping () -> Date, logger: Logger,
        crashPoint: @escaping (String) -> Void = { _ in }
    ) {
        self.bumpAfter = bumpAfter
        self.shard = shard
        self.store = store
        self.ledger = ledger
        self.chain = chain
        self.now = now
        self.logger = logger
        self.crashPoint = crashPoint
    }

    public func run() throws -> RedeemSummary {
        var summary = RedeemSummary()
        // 1. Due rows, grouped by (wallet, condition).
        // Recorded transactions first: once rebroadcast they count in their sender's pending nonce,
        // so a new transaction signed after them cannot take their nonce.
        let all = RedeemRules.groups(try store.redemptionRows(now: now()), now: now()).filter { inShard($0.wallet) }
        let groups = all.filter { $0.submission != nil } + all.filter { $0.submission == nil }
        summary.groups = groups.count
        // 3a first for approvals in flight, whether or not a group still asks for one (once mined,
        // the chain shows the approval and no group asks): confirmed, or rebroadcast / bumped.
        for need in try store.approvalsInFlight() where inShard(need.wallet) {
            do {
                _ = try approval(need, into: &summary)
            } catch {
                summary.approvals.append(approvalLine(need, "not settled: \(error)"))
            }
        }
        var confirmedStrategies = Set<String>()
        for g in groups {
            do {
                if let submission = g.submission {
                    // 2. A recorded transaction: track it, never decide a new one. Rows of the
                    // group that joined later (resolved after it was sent) wait for it to settle:
                    // the same wallet and condition cannot have two transactions in flight.
                    let late = g.rows.filter { $0.submission == nil }
                    var g = g
                    if !late.isEmpty {
                        g.rows.removeAll { $0.submission == nil }
                        var waiting = g
                        waiting.rows = late
                        summary.waiting.append(
                            line(waiting, "a transaction for this wallet and condition is in flight; next run"))
                    }
                    if try track(g, submission, into: &summary) {
                        confirmedStrategies.formUnion(g.rows.map(\.strategyID))
                        // The transaction redeemed the wallet's whole balance of the condition, the
                        // late rows' tokens included (trading stopped at resolution, before it).
                        if !late.isEmpty, let hash = try store.redeemedBy(wallet: g.wallet, conditionID: g.conditionID)
                        {
                            try store.markRedeemed(ltOrderIDs: late.map(\.ltOrderID), txHash: hash, at: now())
                            confirmedStrategies.formUnion(late.map(\.strategyID))
                        }
                    }
                } else if try send(g, into: &summary) {
                    confirmedStrategies.formUnion(g.rows.map(\.strategyID))
                }
            } catch {
                summary.failed.append(line(g, "\(error)"))
                logger.error("redemption failed", metadata: meta(g).merging(["error": "\(error)"]) { $1 })
            }
        }
        // 6. Confirmed payouts may now leave cooldown (design §3).
        for s in confirmedStrategies.sorted() {
            let released = try ledger.releaseMaturedCooldown(strategyID: s, now: now())
            if released.isPositive { summary.cooldownsReleased[s] = released }
        }
        return summary
    }

    /// Whether this run handles `wallet`: its sender hashes to the shard. A wallet whose sender
    /// cannot be read goes to shard 0, which reports why once.
    func inShard(_ wallet: String) -> Bool {
        guard let shard else { return true }
        guard let sender = chain.sender(wallet: wallet) else { return shard.index == 0 }
        return shard.contains(key: sender)
    }

    /// Steps 3–5 for a group with no recorded transaction. Answers whether it was confirmed.
    func send(_ g: RedemptionGroup, into summary: inout RedeemSummary) throws -> Bool {
        // 3. Prepare: proof, balances, call, routing, nonce, fees, gas.
        var preparation = chain.prepare(g)
        if case .approve(let need) = preparation {
            // 3a. An EOA's adapter approval first, its own transaction (RedeemApproval.swift).
            switch try approval(need, into: &summary) {
            case .ready:
                preparation = chain.prepare(g)
                if case .approve = preparation {
                    preparation = .wait(
                        "the approval of \(need.operatorName) is mined but the chain does not show it yet; next run")
                }
            case .wait(let why): preparation = .wait(why)
            case .failed(let why): preparation = .failed(why)
            }
        }
        let prepared: PreparedRedemption
        switch preparation {
        case .approve(let need):
            // Not reached (step 3a answers every approval); said plainly rather than trapped.
            summary.waiting.append(line(g, "the approval of \(need.operatorName) is needed first"))
            return false
        case .wait(let why):
            // Rows that joined after their wallet and condition were redeemed find no tokens left:
            // that transaction paid them (trading stopped at resolution, before it was sent).
            if let hash = try store.redeemedBy(wallet: g.wallet, conditionID: g.conditionID) {
                try store.markRedeemed(ltOrderIDs: g.ltOrderIDs, txHash: hash, at: now())
                summary.redeemed.append(
                    .init(
                        wallet: g.wallet, conditionID: g.conditionID, ltOrderIDs: g.ltOrderIDs, txHash: hash,
                        booksPayout: g.booksPayout, chainPayout: nil, difference: nil))
                logger.info(
                    "redeemed by an earlier transaction", metadata: meta(g).merging(["tx_hash": .string(hash)]) { $1 })
                return true
            }
            try store.noteWaiting(ltOrderIDs: g.ltOrderIDs, reason: why, at: now())
            summary.waiting.append(line(g, why))
            logger.info("redemption waits", metadata: meta(g).merging(["reason": .string(why)]) { $1 })
            return false
        case .failed(let why):
            fail(g, why, countAttempt: true, into: &summary)
            return false
        case .send(let p):
            prepared = p
        }
        guard !unanswered.senders.contains(prepared.submission.sender.lowercased()) else {
            summary.waiting.append(line(g, "an earlier broadcast of this sender went unanswered this run; next run"))
            return false
        }
        // 4. Durable record before anything leaves the process.
        guard try store.recordSubmission(ltOrderIDs: g.ltOrderIDs, submission: prepared.submission, at: now()) else {
            summary.waiting.append(line(g, "rows changed since they were read; left for the next run"))
            return false
        }
        let hash = prepared.submission.hashes.last ?? "?"
        logger.info(
            "redemption recorded",
            metadata: meta(g).merging(
                [
                    "tx_hash": .string(hash), "nonce": .stringConvertible(prepared.submission.nonce),
                    "route": .string(prepared.route),
                ]) { $1 })
        crashPoint("after-record")
        // 5. Broadcast, then the receipt at once.
        switch chain.broadcast(rawTx: prepared.submission.rawTx) {
        case .accepted, .alreadyKnown:
            summary.sent.append(line(g, "tx \(hash) nonce \(prepared.submission.nonce) via \(prepared.route)"))
        case .unreachable(let why):
            unanswered.senders.insert(prepared.submission.sender.lowercased())
            // Nothing proves it left or not: SUBMITTED stays, the next run rebroadcasts the bytes.
            summary.sent.append(line(g, "tx \(hash) broadcast unanswered (\(why)); rebroadcast next run"))
            logger.warning("broadcast unanswered", metadata: meta(g).merging(["error": .string(why)]) { $1 })
            return false
        case .nonceTooLow(let why), .rejected(let why):
            return try settleRejection(g, prepared.submission, why, into: &summary)
        }
        crashPoint("after-broadcast")
        var grouped = g
        for i in grouped.rows.indices {
            grouped.rows[i].status = .submitted
            grouped.rows[i].submission = prepared.submission
        }
        return try track(grouped, prepared.submission, into: &summary, justSent: true)
    }

    /// Step 2. Answers whether the group was confirmed.
    func track(
        _ g: RedemptionGroup, _ s: RedemptionSubmission, into summary: inout RedeemSummary, justSent: Bool = false
    ) throws -> Bool {
        let receipts = s.hashes.map { (hash: $0, result: chain.receipt(hash: $0, wallet: g.wallet)) }
        switch RedeemRules.track(receipts) {
        case .redeemed(let hash, let payout):
            crashPoint("after-receipt")
            try store.markRedeemed(ltOrderIDs: g.ltOrderIDs, txHash: hash, at: now())
            let books = g.booksPayout
            let difference = payout.flatMap { $0 == books ? nil : $0 - books }
            summary.redeemed.append(
                .init(
                    wallet: g.wallet, conditionID: g.conditionID, ltOrderIDs: g.ltOrderIDs, txHash: hash,
                    booksPayout: books, chainPayout: payout, difference: difference))
            var m = meta(g).merging(["tx_hash": .string(hash), "books_payout": .string(books.exactText)]) { $1 }
            m["chain_payout"] = .string(payout?.exactText ?? "-")
            if let difference {
                // Reported, never hidden: the books keep their figure; an operator looks (lt doctor).
                m["difference"] = .string(difference.exactText)
                logger.warning("redeemed: the chain paid a different amount than the books expect", metadata: m)
            } else {
                logger.info("redeemed", metadata: m)
            }
            return true
        case .reverted(let hash):
            fail(g, "transaction \(hash) reverted on-chain (receipt status 0)", countAttempt: false, into: &summary)
            return false
        case .unknown(let why):
            summary.waiting.append(line(g, "receipt not readable: \(why)"))
            return false
        case .rebroadcast:
            guard !justSent else {
                // Sent this run and not mined yet: the next run looks again.
                return false
            }
            if let at = s.submittedAt, now().timeIntervalSince(at) >= bumpAfter {
                switch chain.bump(s, wallet: g.wallet) {
                case .bumped(let b):
                    return try sendBump(g, b, into: &summary)
                case .cannot(let why):
                    logger.warning(
                        "fee bump not possible; the recorded bytes are sent again",
                        metadata: meta(g).merging(["reason": .string(why)]) { $1 })
                }
            }
            switch chain.broadcast(rawTx: s.rawTx) {
            case .accepted, .alreadyKnown:
                summary.rebroadcast.append(
                    line(g, "tx \(s.hashes.last ?? "?") nonce \(s.nonce) not mined; same bytes sent again"))
                // A node that mines at once (the paper chain) has the receipt now.
                if case .redeemed = RedeemRules.track(s.hashes.map { ($0, chain.receipt(hash: $0, wallet: g.wallet)) })
                {
                    return try track(g, s, into: &summary, justSent: true)
                }
                return false
            case .unreachable(let why):
                unanswered.senders.insert(s.sender.lowercased())
                summary.waiting.append(line(g, "rebroadcast unanswered: \(why)"))
                return false
            case .nonceTooLow(let why), .rejected(let why):
                return try settleRejection(g, s, why, into: &summary)
            }
        }
    }

    /// A replacement (same nonce, higher fee): recorded durably, then broadcast; every hash of the
    /// nonce stays tracked.
    func sendBump(_ g: RedemptionGroup, _ b: RedemptionSubmission, into summary: inout RedeemSummary) throws -> Bool {
        guard try store.recordBump(ltOrderIDs: g.ltOrderIDs, submission: b, at: now()) else {
            summary.waiting.append(line(g, "rows changed since they were read; left for the next run"))
            return false
        }
        crashPoint("after-record-bump")
        let hash = b.hashes.last ?? "?"
        switch chain.broadcast(rawTx: b.rawTx) {
        case .accepted, .alreadyKnown:
            summary.rebroadcast.append(
                line(
                    g,
                    "fee bump: tx \(hash) replaces \(b.hashes.dropLast().joined(separator: ", ")) with nonce \(b.nonce), "
                        + "max fee \(b.maxFeePerGasWei) wei"))
        case .unreachable(let why):
            summary.waiting.append(line(g, "fee bump unanswered: \(why)"))
            return false
        case .nonceTooLow(let why), .rejected(let why):
            // Another hash of the nonce may be mined or still pending: settleRejection decides.
            return try settleRejection(g, b, why, into: &summary)
        }
        var bumped = g
        for i in bumped.rows.indices { bumped.rows[i].submission = b }
        return try track(bumped, b, into: &summary, justSent: true)
    }

    /// A node refused the recorded transaction. Before anything else, look up every hash of the
    /// nonce again: "nonce too low" may mean ours was mined meanwhile.
    func settleRejection(
        _ g: RedemptionGroup, _ s: RedemptionSubmission, _ why: String, into summary: inout RedeemSummary
    ) throws -> Bool {
        switch RedeemRules.track(s.hashes.map { ($0, chain.receipt(hash: $0, wallet: g.wallet)) }) {
        case .redeemed, .reverted:
            var g2 = g
            for i in g2.rows.indices { g2.rows[i].submission = s }
            return try track(g2, s, into: &summary, justSent: true)
        case .unknown(let e):
            summary.waiting.append(line(g, "broadcast refused (\(why)) and receipt not readable: \(e)"))
            return false
        case .rebroadcast:
            // Not mined and refused. A new attempt later is safe only if no hash of the nonce can
            // still mine: the node must not know any of them (a pending one stays tracked).
            for h in s.hashes where chain.transactionKnown(hash: h) != false {
                summary.waiting.append(
                    line(g, "broadcast refused (\(why)) while tx \(h) of the nonce may still be pending; tracked"))
                return false
            }
            fail(g, "broadcast refused: \(why)", countAttempt: false, into: &summary)
            return false
        }
    }

    func fail(_ g: RedemptionGroup, _ why: String, countAttempt: Bool, into summary: inout RedeemSummary) {
        let attempts = g.attempts + (countAttempt ? 1 : 0)
        let next = now().addingTimeInterval(RedeemRules.backoff(attempts: attempts))
        do {
            try store.markFailed(
                ltOrderIDs: g.ltOrderIDs, reason: why, nextAttemptAt: next, countAttempt: countAttempt, at: now())
        } catch {
            summary.failed.append(line(g, "\(why); and recording it failed: \(error)"))
            return
        }
        summary.failed.append(line(g, "\(why); next attempt after \(ISO8601DateFormatter().string(from: next))"))
        logger.warning("redemption failed", metadata: meta(g).merging(["reason": .string(why)]) { $1 })
    }

    func line(_ g: RedemptionGroup, _ detail: String) -> RedeemSummary.Line {
        .init(wallet: g.wallet, conditionID: g.conditionID, ltOrderIDs: g.ltOrderIDs, detail: detail)
    }

    func meta(_ g: RedemptionGroup) -> Logger.Metadata {
        [
            "wallet": .string(g.wallet), "condition_id": .string(g.conditionID),
            "lt_order_ids": .string(g.ltOrderIDs.map(String.init).joined(separator: ",")),
        ]
    }
}
