import Foundation
import LTCore

/// The reads and writes of `lt redeem` (design §4). A redemption moves no cash column: the WON
/// payout already sits in cooldown (resolve booked it through the ledger) and the ledger's
/// `releaseMaturedCooldown` frees it once the row says REDEEMED. So these writes touch only the
/// redemption columns of `lt_orders`, each in one transaction.
public final class RedeemStore: LTCore.RedeemStore {
    let db: any Database

    public init(database: any Database) { db = database }

    /// PENDING and SUBMITTED rows, and FAILED rows due at `now`, with what the books expect each
    /// to be paid (its unreleased-or-released WON cooldown rows). The WHERE clause states the
    /// predicate of `lt_orders_redemption_due_idx` (sql/007), so the cost follows the rows
    /// waiting for a redemption, not history.
    public func redemptionRows(now: Date) throws -> [RedemptionRow] {
        try db.query(
            """
            SELECT o.lt_order_id, o.strategy_id, o.wallet, o.condition_id, o.token_id, o.token_label,
                   coalesce(o.neg_risk, false) AS neg_risk, o.redemption_status, o.redemption_attempts,
                   o.redemption_next_attempt_at, o.redemption_sender, o.redemption_nonce, o.redemption_raw_tx,
                   array_to_string(o.redemption_tx_hashes, ',') AS hashes, o.redemption_max_fee_wei,
                   o.redemption_priority_fee_wei, o.redemption_gas_limit, o.redemption_submitted_at,
                   (SELECT coalesce(sum(q.amount), 0) FROM lt_cooldown_queue q
                     WHERE q.lt_order_id = o.lt_order_id)::numeric(20,6) AS books_payout
              FROM lt_orders o
             WHERE o.redemption_status IN ('PENDING', 'SUBMITTED', 'FAILED')
               AND o.outcome = 'WON' AND o.wallet IS NOT NULL AND o.condition_id IS NOT NULL
               AND (o.redemption_status <> 'FAILED' OR o.redemption_next_attempt_at IS NULL
                    OR o.redemption_next_attempt_at <= \(now))
             ORDER BY o.wallet, o.condition_id, o.lt_order_id
            """
        ) { r throws(RowDecodingError) in
            var submission: RedemptionSubmission?
            if let raw = try r.text("redemption_raw_tx"), let nonce = try r.decode("redemption_nonce", as: Int64?.self)
            {
                submission = RedemptionSubmission(
                    sender: try r.text("redemption_sender") ?? "", nonce: nonce, rawTx: raw,
                    hashes: (try r.text("hashes") ?? "").split(separator: ",").map(String.init),
                    maxFeePerGasWei: try r.decode("redemption_max_fee_wei", as: Int64?.self) ?? 0,
                    maxPriorityFeePerGasWei: try r.decode("redemption_priority_fee_wei", as: Int64?.self) ?? 0,
                    gasLimit: try r.decode("redemption_gas_limit", as: Int64?.self) ?? 0,
                    submittedAt: try r.decode("redemption_submitted_at", as: Date?.self))
            }
            return RedemptionRow(
                ltOrderID: try r.decode("lt_order_id"), strategyID: try r.decode("strategy_id"),
                wallet: try r.decode("wallet"), conditionID: try r.decode("condition_id"),
                tokenID: try r.text("token_id"), label: try r.text("token_label") ?? "",
                negRisk: try r.decode("neg_risk"), status: try r.decode("redemption_status"),
                attempts: try r.decode("redemption_attempts"),
                nextAttemptAt: try r.decode("redemption_next_attempt_at", as: Date?.self), submission: submission,
                booksPayout: try r.decode("books_payout"))
        }
    }

    /// Durable (design §4 rule 2): committed with `synchronous_commit = on` whatever the server
    /// default, because the broadcast follows and an asynchronous commit lost in a crash would let
    /// the next run sign a second transaction for the same group. All rows or none.
    public func recordSubmission(ltOrderIDs: [Int64], submission s: RedemptionSubmission, at: Date) throws -> Bool {
        do {
            return try record(ltOrderIDs: ltOrderIDs, submission: s, at: at)
        } catch is RowsChanged {
            return false
        }
    }

    func record(ltOrderIDs: [Int64], submission s: RedemptionSubmission, at: Date) throws -> Bool {
        try db.transaction { () throws -> Bool in
            try db.requireDurableCommit()
            let n = try db.execute(
                """
                UPDATE lt_orders
                   SET redemption_status = 'SUBMITTED', redemption_sender = \(s.sender),
                       redemption_nonce = \(s.nonce), redemption_raw_tx = \(s.rawTx),
                       redemption_tx_hashes = \(s.hashes)::text[], redemption_tx_hash = \(s.hashes.last),
                       redemption_max_fee_wei = \(s.maxFeePerGasWei),
                       redemption_priority_fee_wei = \(s.maxPriorityFeePerGasWei),
                       redemption_gas_limit = \(s.gasLimit), redemption_submitted_at = \(at),
                       redemption_attempts = redemption_attempts + 1, redemption_error = NULL,
                       redemption_next_attempt_at = NULL, updated_at = \(at)
                 WHERE lt_order_id = ANY(\(ltOrderIDs)::bigint[]) AND redemption_status IN ('PENDING', 'FAILED')
                """)
            guard n == ltOrderIDs.count else {
                // Another run moved a row: write nothing, decide again next run.
                throw RowsChanged()
            }
            return true
        }
    }

    struct RowsChanged: Error {}

    /// Durable like `recordSubmission`: the replacement's bytes must survive before they leave.
    public func recordBump(ltOrderIDs: [Int64], submission s: RedemptionSubmission, at: Date) throws -> Bool {
        do {
            return try db.transaction { () throws -> Bool in
                try db.requireDurableCommit()
                let n = try db.execute(
                    """
                    UPDATE lt_orders
                       SET redemption_raw_tx = \(s.rawTx), redemption_tx_hashes = \(s.hashes)::text[],
                           redemption_tx_hash = \(s.hashes.last), redemption_max_fee_wei = \(s.maxFeePerGasWei),
                           redemption_priority_fee_wei = \(s.maxPriorityFeePerGasWei),
                           redemption_submitted_at = \(at), updated_at = \(at)
                     WHERE lt_order_id = ANY(\(ltOrderIDs)::bigint[]) AND redemption_status = 'SUBMITTED'
                       AND redemption_nonce = \(s.nonce)
                    """)
                guard n == ltOrderIDs.count else { throw RowsChanged() }
                return true
            }
        } catch is RowsChanged {
            return false
        }
    }

    public func markRedeemed(ltOrderIDs: [Int64], txHash: String, at: Date) throws {
        _ = try db.execute(
            """
            UPDATE lt_orders
               SET redemption_status = 'REDEEMED', redemption_tx_hash = \(txHash), redeemed_at = \(at),
                   redemption_error = NULL, redemption_next_attempt_at = NULL, updated_at = \(at)
             WHERE lt_order_id = ANY(\(ltOrderIDs)::bigint[]) AND redemption_status IN ('SUBMITTED', 'PENDING')
            """)
    }

    public func redeemedBy(wallet: String, conditionID: String) throws -> String? {
        try db.queryFirst(
            """
            SELECT redemption_tx_hash FROM lt_orders
             WHERE wallet = \(wallet) AND condition_id = \(conditionID) AND redemption_status = 'REDEEMED'
               AND redemption_tx_hash IS NOT NULL
             ORDER BY redeemed_at DESC LIMIT 1
            """)?.text("redemption_tx_hash")
    }

    /// The recorded transaction is cleared (its hashes stay in the error text and the log): a
    /// FAILED group's next attempt is a new transaction with the then-pending nonce, which is
    /// safe only because this one is mined (reverted) or provably not in the pool.
    public func markFailed(ltOrderIDs: [Int64], reason: String, nextAttemptAt: Date, countAttempt: Bool, at: Date)
        throws
    {
        _ = try db.execute(
            """
            UPDATE lt_orders
               SET redemption_status = 'FAILED', redemption_error = \(reason),
                   redemption_next_attempt_at = \(nextAttemptAt),
                   redemption_attempts = redemption_attempts + \(countAttempt ? 1 : 0),
                   redemption_raw_tx = NULL, redemption_nonce = NULL, updated_at = \(at)
             WHERE lt_order_id = ANY(\(ltOrderIDs)::bigint[])
               AND redemption_status IN ('PENDING', 'SUBMITTED', 'FAILED')
            """)
    }

    public func noteWaiting(ltOrderIDs: [Int64], reason: String, at: Date) throws {
        _ = try db.execute(
            """
            UPDATE lt_orders SET redemption_error = \(reason), updated_at = \(at)
             WHERE lt_order_id = ANY(\(ltOrderIDs)::bigint[]) AND redemption_status IN ('PENDING', 'FAILED')
               AND redemption_error IS DISTINCT FROM \(reason)
            """)
    }
    // MARK: Adapter approvals (lt_chain_approvals, sql/011)

    public func approval(_ need: ApprovalNeed) throws -> AdapterApproval? {
        try db.queryFirst(
            """
            SELECT status, sender, nonce, raw_tx, array_to_string(tx_hashes, ',') AS hashes, tx_hash, max_fee_wei,
                   priority_fee_wei, gas_limit, submitted_at, attempts, error, next_attempt_at
              FROM lt_chain_approvals WHERE holder = \(need.holder) AND operator = \(need.operatorAddress)
            """
        ).map { r throws(RowDecodingError) in
            var submission: RedemptionSubmission?
            if let raw = try r.text("raw_tx"), let nonce = try r.decode("nonce", as: Int64?.self) {
                submission = RedemptionSubmission(
                    sender: try r.decode("sender"), nonce: nonce, rawTx: raw,
                    hashes: (try r.text("hashes") ?? "").split(separator: ",").map(String.init),
                    maxFeePerGasWei: try r.decode("max_fee_wei", as: Int64?.self) ?? 0,
                    maxPriorityFeePerGasWei: try r.decode("priority_fee_wei", as: Int64?.self) ?? 0,
                    gasLimit: try r.decode("gas_limit", as: Int64?.self) ?? 0,
                    submittedAt: try r.decode("submitted_at", as: Date?.self))
            }
            guard let status = AdapterApproval.Status(rawValue: try r.decode("status")) else {
                throw RowDecodingError(column: "status", message: "unknown approval status")
            }
            return AdapterApproval(
                status: status, submission: submission, attempts: try r.decode("attempts"),
                txHash: try r.text("tx_hash"), error: try r.text("error"),
                nextAttemptAt: try r.decode("next_attempt_at", as: Date?.self))
        }
    }

    public func approvalsInFlight() throws -> [ApprovalNeed] {
        try db.query(
            """
            SELECT holder, operator, wallet, operator_name FROM lt_chain_approvals
             WHERE status = 'SUBMITTED' ORDER BY holder, operator
            """
        ) { r throws(RowDecodingError) in
            ApprovalNeed(
                wallet: try r.decode("wallet"), holder: try r.decode("holder"),
                operatorAddress: try r.decode("operator"),
                operatorName: try r.decode("operator_name"))
        }
    }

    /// Durable like `recordSubmission`. The primary key (holder, operator) and the `status <>
    /// 'SUBMITTED'` condition make a second approval in flight for the pair impossible.
    public func recordApproval(_ need: ApprovalNeed, submission s: RedemptionSubmission, at: Date) throws -> Bool {
        try db.transaction { () throws -> Bool in
            try db.requireDurableCommit()
            let n = try db.execute(
                """
                INSERT INTO lt_chain_approvals AS a (holder, operator, operator_name, wallet, status, sender, nonce, raw_tx, tx_hashes,
                                                     tx_hash, max_fee_wei, priority_fee_wei, gas_limit, submitted_at,
                                                     attempts, created_at, updated_at)
                VALUES (\(need.holder), \(need.operatorAddress), \(need.operatorName), \(need.wallet), 'SUBMITTED', \(s.sender), \(s.nonce),
                        \(s.rawTx), \(s.hashes)::text[], \(s.hashes.last), \(s.maxFeePerGasWei),
                        \(s.maxPriorityFeePerGasWei), \(s.gasLimit), \(at), 1, \(at), \(at))
                ON CONFLICT (holder, operator) DO UPDATE
                   SET wallet = excluded.wallet, status = 'SUBMITTED', sender = excluded.sender,
                       nonce = excluded.nonce, raw_tx = excluded.raw_tx, tx_hashes = excluded.tx_hashes,
                       tx_hash = excluded.tx_hash, max_fee_wei = excluded.max_fee_wei,
                       priority_fee_wei = excluded.priority_fee_wei, gas_limit = excluded.gas_limit,
                       submitted_at = excluded.submitted_at, confirmed_at = NULL, attempts = a.attempts + 1,
                       error = NULL, next_attempt_at = NULL, updated_at = excluded.updated_at
                 WHERE a.status <> 'SUBMITTED'
                """)
            return n == 1
        }
    }

    public func recordApprovalBump(_ need: ApprovalNeed, submission s: RedemptionSubmission, at: Date) throws -> Bool {
        try db.transaction { () throws -> Bool in
            try db.requireDurableCommit()
            let n = try db.execute(
                """
                UPDATE lt_chain_approvals
                   SET raw_tx = \(s.rawTx), tx_hashes = \(s.hashes)::text[], tx_hash = \(s.hashes.last),
                       max_fee_wei = \(s.maxFeePerGasWei), priority_fee_wei = \(s.maxPriorityFeePerGasWei),
                       submitted_at = \(at), updated_at = \(at)
                 WHERE holder = \(need.holder) AND operator = \(need.operatorAddress) AND status = 'SUBMITTED'
                   AND nonce = \(s.nonce)
                """)
            return n == 1
        }
    }

    public func markApprovalConfirmed(_ need: ApprovalNeed, txHash: String, at: Date) throws {
        _ = try db.execute(
            """
            UPDATE lt_chain_approvals
               SET status = 'CONFIRMED', tx_hash = \(txHash), confirmed_at = \(at), error = NULL,
                   next_attempt_at = NULL, updated_at = \(at)
             WHERE holder = \(need.holder) AND operator = \(need.operatorAddress) AND status = 'SUBMITTED'
            """)
    }

    /// Like `markFailed`: the recorded bytes are cleared (the hashes stay for the operator), safe only
    /// because the transaction is mined (reverted) or provably not in the pool.
    public func markApprovalFailed(_ need: ApprovalNeed, reason: String, nextAttemptAt: Date, at: Date) throws {
        _ = try db.execute(
            """
            UPDATE lt_chain_approvals
               SET status = 'FAILED', error = \(reason), next_attempt_at = \(nextAttemptAt), raw_tx = NULL,
                   nonce = NULL, updated_at = \(at)
             WHERE holder = \(need.holder) AND operator = \(need.operatorAddress)
            """)
    }
}
