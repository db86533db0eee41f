import Foundation
import Logging

// redeem step 3a (design §4): an EOA cannot batch calls, so the CTF approval a V2 collateral adapter
// needs (`setApprovalForAll(adapter, true)`) is a transaction of its own before the redemption. It
// follows the redemption's rules exactly: recorded durably (`lt_chain_approvals`, one row per
// (holder, adapter)) before its broadcast, only ever rebroadcast or fee-bumped with the same nonce
// while it may mine, its receipt tracked on later runs. A proxy or Safe never comes here: it
// grants the approval inside the redemption's own transaction.

/// What the approval step answers for a group.
enum ApprovalStep: Equatable {
    /// The approval is mined: the redemption can be prepared now.
    case ready
    /// Nothing more this run; the group's rows stay PENDING with this reason.
    case wait(String)
    /// The approval failed (reverted, refused, its gas estimate reverted): the group's rows are
    /// FAILED with this reason and retried with backoff, like a failed redemption.
    case failed(String)
}

extension RedeemJob {
    /// Step 3a for `need`, at most once per run and (holder, operator).
    func approval(_ need: ApprovalNeed, into summary: inout RedeemSummary) throws -> ApprovalStep {
        if let seen = approvalsSeen.steps[need.key] { return seen }
        let step = try approvalStep(need, into: &summary)
        approvalsSeen.steps[need.key] = step
        return step
    }

    func approvalStep(_ need: ApprovalNeed, into summary: inout RedeemSummary) throws -> ApprovalStep {
        let recorded = try store.approval(need)
        if let r = recorded, r.status == .submitted, let s = r.submission {
            // A recorded approval: tracked, rebroadcast or bumped — never a second nonce.
            return try trackApproval(need, s, justSent: false, into: &summary)
        }
        if let r = recorded, r.status == .failed, let next = r.nextAttemptAt, next > now() {
            return .wait(
                "the approval of \(need.operatorName) failed (\(r.error ?? "no reason recorded")); "
                    + "retried after \(ISO8601DateFormatter().string(from: next))")
        }
        // None recorded, a FAILED one due, or a CONFIRMED one the chain no longer shows (revoked).
        let prepared: PreparedRedemption
        switch chain.prepareApproval(need) {
        case .send(let p): prepared = p
        case .wait(let why): return .wait(why)
        case .failed(let why): return .failed("approval of \(need.operatorName): \(why)")
        case .approve: return .wait("the approval of \(need.operatorName) could not be prepared")
        }
        let s = prepared.submission
        guard !unanswered.senders.contains(s.sender.lowercased()) else {
            return .wait("an earlier broadcast of this sender went unanswered this run; next run")
        }
        guard try store.recordApproval(need, submission: s, at: now()) else {
            return .wait("the approval of \(need.operatorName) changed since it was read; next run")
        }
        logger.info(
            "approval recorded",
            metadata: approvalMeta(need).merging(
                ["tx_hash": .string(s.hashes.last ?? "?"), "nonce": .stringConvertible(s.nonce)]) { $1 })
        crashPoint("after-record-approval")
        return try broadcastApproval(need, s, what: "sent", into: &summary)
    }

    /// Broadcasts a recorded approval (first send, rebroadcast or fee bump), then reads its receipt.
    func broadcastApproval(
        _ need: ApprovalNeed, _ s: RedemptionSubmission, what: String, into summary: inout RedeemSummary
    ) throws -> ApprovalStep {
        let hash = s.hashes.last ?? "?"
        switch chain.broadcast(rawTx: s.rawTx) {
        case .accepted, .alreadyKnown:
            summary.approvals.append(approvalLine(need, "\(what): tx \(hash) nonce \(s.nonce)"))
        case .unreachable(let why):
            unanswered.senders.insert(s.sender.lowercased())
            summary.approvals.append(
                approvalLine(need, "tx \(hash) broadcast unanswered (\(why)); rebroadcast next run"))
            return .wait("the approval tx \(hash) of \(need.operatorName) went unanswered (\(why)); next run")
        case .nonceTooLow(let why), .rejected(let why):
            return try settleApprovalRejection(need, s, why, into: &summary)
        }
        crashPoint("after-broadcast-approval")
        return try trackApproval(need, s, justSent: true, into: &summary)
    }

    /// The receipts of every hash of the approval's nonce decide (`RedeemRules.track`).
    func trackApproval(
        _ need: ApprovalNeed, _ s: RedemptionSubmission, justSent: Bool, into summary: inout RedeemSummary
    ) throws -> ApprovalStep {
        switch RedeemRules.track(s.hashes.map { ($0, chain.receipt(hash: $0, wallet: nil)) }) {
        case .redeemed(let hash, _):
            try store.markApprovalConfirmed(need, txHash: hash, at: now())
            summary.approvals.append(approvalLine(need, "confirmed: tx \(hash)"))
            logger.info("approval confirmed", metadata: approvalMeta(need).merging(["tx_hash": .string(hash)]) { $1 })
            return .ready
        case .reverted(let hash):
            return try failApproval(
                need, "the approval tx \(hash) of \(need.operatorName) reverted on-chain (receipt status 0)",
                into: &summary)
        case .unknown(let why):
            return .wait("the approval's receipt is not readable: \(why)")
        case .rebroadcast:
            let pending =
                "the approval tx \(s.hashes.last ?? "?") (nonce \(s.nonce)) of \(need.operatorName) is not mined yet"
            if justSent { return .wait(pending + "; next run") }
            if let at = s.submittedAt, now().timeIntervalSince(at) >= bumpAfter {
                switch chain.bump(s, wallet: need.wallet) {
                case .bumped(let b):
                    guard try store.recordApprovalBump(need, submission: b, at: now()) else {
                        return .wait("the approval of \(need.operatorName) changed since it was read; next run")
                    }
                    crashPoint("after-record-approval-bump")
                    return try broadcastApproval(need, b, what: "fee bump (same nonce)", into: &summary)
                case .cannot(let why):
                    logger.warning(
                        "approval fee bump not possible; the recorded bytes are sent again",
                        metadata: approvalMeta(need).merging(["reason": .string(why)]) { $1 })
                }
            }
            return try broadcastApproval(need, s, what: "not mined; same bytes sent again", into: &summary)
        }
    }

    /// A node refused the recorded approval: every hash of its nonce is looked up first ("nonce too
    /// low" may mean one was mined); a new attempt later only if no hash can still mine.
    func settleApprovalRejection(
        _ need: ApprovalNeed, _ s: RedemptionSubmission, _ why: String, into summary: inout RedeemSummary
    ) throws -> ApprovalStep {
        switch RedeemRules.track(s.hashes.map { ($0, chain.receipt(hash: $0, wallet: nil)) }) {
        case .redeemed, .reverted:
            return try trackApproval(need, s, justSent: true, into: &summary)
        case .unknown(let e):
            return .wait("the approval broadcast was refused (\(why)) and its receipt is not readable: \(e)")
        case .rebroadcast:
            for h in s.hashes where chain.transactionKnown(hash: h) != false {
                return .wait(
                    "the approval broadcast was refused (\(why)) while tx \(h) of its nonce may still be pending")
            }
            return try failApproval(need, "the approval broadcast was refused: \(why)", into: &summary)
        }
    }

    func failApproval(_ need: ApprovalNeed, _ why: String, into summary: inout RedeemSummary) throws -> ApprovalStep {
        let attempts = try store.approval(need)?.attempts ?? 1
        let next = now().addingTimeInterval(RedeemRules.backoff(attempts: attempts))
        try store.markApprovalFailed(need, reason: why, nextAttemptAt: next, at: now())
        summary.approvals.append(
            approvalLine(need, "FAILED: \(why); next attempt after \(ISO8601DateFormatter().string(from: next))"))
        logger.warning("approval failed", metadata: approvalMeta(need).merging(["reason": .string(why)]) { $1 })
        return .failed(why)
    }

    func approvalLine(_ need: ApprovalNeed, _ detail: String) -> RedeemSummary.ApprovalLine {
        .init(wallet: need.wallet, holder: need.holder, operatorAddress: need.operatorAddress, detail: detail)
    }

    func approvalMeta(_ need: ApprovalNeed) -> Logger.Metadata {
        ["wallet": .string(need.wallet), "holder": .string(need.holder), "operator": .string(need.operatorAddress)]
    }
}
