import BigInt
import Foundation
import LTCore

/// The control API (`/_control/...`): scenario, books, leaders, resolution, clock, faults, flags,
/// and the order log. Bodies are documented in docs/paper-exchange.md.
extension PaperExchange {
    func handleControl(_ req: PaperRequest) -> PaperResponse {
        let body: JSON
        if req.body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            body = .object([])
        } else {
            do { body = try JSON.parse(req.body) } catch { return .error(400, "control: \(error)") }
        }
        do {
            switch (req.method, req.path) {
            case ("POST", "/_control/scenario"):
                let scenario: PaperScenario
                if body.objectValue?.isEmpty ?? false {
                    scenario = initial.withLock { $0 }
                } else if let path = body["path"]?.stringValue, body.objectValue?.count == 1 {
                    do { scenario = try PaperScenario.load(path: path) } catch {
                        throw PaperInputError("cannot load scenario file \(path): \(error)")
                    }
                } else {
                    scenario = try PaperScenario.parse(body)
                }
                state.withLock { $0 = ExchangeState(scenario: scenario, realNowMs: PaperExchange.realNowMs()) }
                return ok()
            case ("GET", "/_control/orders"):
                return state.withLock { s in .json(.array(s.orderLog.map(ExchangeState.logJSON))) }
            case ("GET", "/_control/state"):
                return state.withLock { s in
                    let now = s.nowMs(realNowMs: PaperExchange.realNowMs())
                    s.runDueEvents(now: now)
                    return .json(s.stateJSON(now: now))
                }
            case ("GET", "/_control/requests"):
                return state.withLock { s in
                    .json(.object(s.requestCounts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }))
                }
            case ("GET", "/_control/faults"):
                return state.withLock { s in .json(.array(s.faults.map(ExchangeState.faultJSON))) }
            case ("DELETE", "/_control/faults"):
                state.withLock { $0.faults.removeAll() }
                return ok()
            case ("POST", "/_control/faults"):
                let fault = try ExchangeState.parseFault(Fields(body, "fault"))
                state.withLock { $0.faults.append(fault) }
                return ok()
            default:
                return try state.withLock { s throws(PaperInputError) -> PaperResponse in
                    let now = s.nowMs(realNowMs: PaperExchange.realNowMs())
                    s.runDueEvents(now: now)
                    return try s.control(req, body: body, now: now)
                }
            }
        } catch {
            return .error(400, (error as? PaperInputError)?.message ?? "\(error)")
        }
    }

    func ok() -> PaperResponse { .json(.object([("ok", true)])) }
}

extension ExchangeState {
    mutating func control(_ req: PaperRequest, body: JSON, now: Int64) throws(PaperInputError) -> PaperResponse {
        let f = try Fields(body, "body")
        switch (req.method, req.path) {
        case ("POST", "/_control/book"):
            try applyBook(f, now: now)
        case ("POST", "/_control/leader-position"):
            try applyLeaderPosition(f)
        case ("POST", "/_control/resolve"):
            try resolve(f)
        case ("POST", "/_control/clock"):
            if let set = try f.optFixed("set") {
                let target = set.micros / 1000
                if fixedNowMs != nil {
                    fixedNowMs = target; offsetMs = 0
                } else {
                    offsetMs = target - PaperExchange.realNowMs()
                }
            }
            if let adv = try f.optFixed("advance_seconds") { offsetMs += adv.micros / 1000 }
            if let adv = try f.optInt("advance_ms") { offsetMs += adv }
            let t = nowMs(realNowMs: PaperExchange.realNowMs())
            runDueEvents(now: t)
            return .json(.object([("now_ms", .int(t)), ("now", .int(t / 1000))]))
        case ("POST", "/_control/flags"):
            if let d = try f.optBool("drop_filled_orders") { dropFilledOrders = d }
            if let v = try f.optInt("exchange_version") { exchangeVersion = Int(v) }
            if f.has("closed_only") {
                var accounts: Set<String> = []
                for a in try f.array("closed_only") {
                    guard let s = a.stringValue else { throw PaperInputError("closed_only must list EOA addresses") }
                    accounts.insert(addressKey(s))
                }
                closedOnlyAccounts = accounts
            }
            if let r = try f.optBool("require_approvals") { chainRequireApprovals = r }
            if let n = try f.optInt("drop_next_transactions") { chainDropNext = Int(max(0, n)) }
            if let n = try f.optInt("reject_next_transactions") { chainRejectNext = Int(max(0, n)) }
            if let n = try f.optInt("revert_next_transactions") { chainRevertNext = Int(max(0, n)) }
            if let m = try f.optString("reject_message") { chainRejectMessage = m }
            if let n = try f.optInt("hold_next_transactions") { chainHoldNext = Int(max(0, n)) }
            if try f.optBool("mine_pending") == true { minePending() }
            if let g = try f.optString("gas_balance_wei") {
                guard let v = BigUInt(g, radix: 10) else {
                    throw PaperInputError("gas_balance_wei must be decimal wei")
                }
                gasBalanceWei = v
            }
        case ("POST", "/_control/trade-status"):
            let status = try f.string("status").uppercased()
            guard ["MATCHED", "MINED", "CONFIRMED", "RETRYING", "FAILED"].contains(status) else {
                throw PaperInputError("status must be MATCHED, MINED, CONFIRMED, RETRYING or FAILED")
            }
            try forceTradeStatus(status, tradeID: try f.optString("trade_id"))
        case ("POST", "/_control/wallet"):
            try applyWallet(f)
        default:
            throw PaperInputError("unknown control endpoint \(req.method) \(req.path)")
        }
        return .json(.object([("ok", true)]))
    }

    /// Fires scripted events whose time has come, in order. A bad event is recorded, not fatal.
    mutating func runDueEvents(now: Int64) {
        while let e = pendingEvents.first, startMs + e.atMs <= now {
            pendingEvents.removeFirst()
            do {
                let f = try Fields(e.body, "event \(e.kind)")
                switch e.kind {
                case "book": try applyBook(f, now: startMs + e.atMs)
                case "leader_position": try applyLeaderPosition(f)
                default: try resolve(f)
                }
            } catch {
                eventErrors.append(error.message)
            }
        }
    }

    mutating func applyBook(_ f: Fields, now: Int64) throws(PaperInputError) {
        var b = try PaperScenario.parseBook(f, timestampMs: now)
        guard market(forToken: b.tokenID) != nil else { throw PaperInputError("unknown token id \(b.tokenID)") }
        if b.lastTradePrice == nil {
            b.lastTradePrice = books[b.tokenID]?.lastTradePrice
            b.lastTradeSide = books[b.tokenID]?.lastTradeSide
        }
        books[b.tokenID] = b
        crossRestingOrders(token: b.tokenID, now: now)
    }

    mutating func applyLeaderPosition(_ f: Fields) throws(PaperInputError) {
        let address = try f.string("address")
        let p = try PaperScenario.parseLeaderPosition(f)
        let k = addressKey(address)
        var list = leaders[k] ?? []
        list.removeAll { $0.tokenID == p.tokenID }
        if p.size.isPositive { list.append(p) }
        leaders[k] = list
        if leaderDisplay[k] == nil { leaderDisplay[k] = address }
    }

    /// `{"winner_token_id"}` (winner-takes-all) or `{"condition_id", "payout_numerators": [1, 1]}`
    /// (a payout vector, e.g. 50/50); `"payout_reported": false` closes the market and shows its
    /// winners on the CLOB while the chain still answers `payoutDenominator` 0 — a later resolve
    /// without it reports the payout.
    mutating func resolve(_ f: Fields) throws(PaperInputError) {
        let winner = try f.optString("winner_token_id")
        let key: String
        if let winner {
            guard let k = tokenMarket[winner], markets[k] != nil else {
                throw PaperInputError("unknown winner_token_id \(winner)")
            }
            if let cid = try f.optString("condition_id"), addressKey(cid) != k {
                throw PaperInputError("winner_token_id does not belong to condition \(cid)")
            }
            key = k
        } else {
            let cid = try f.string("condition_id")
            guard markets[addressKey(cid)] != nil else { throw PaperInputError("unknown condition_id \(cid)") }
            key = addressKey(cid)
        }
        guard var m = markets[key] else { throw PaperInputError("unknown market") }
        let vector = try PaperScenario.parsePayoutNumerators(f, outcomes: m.outcomes.count)
        guard winner != nil || vector != nil else {
            throw PaperInputError("resolve needs winner_token_id or payout_numerators")
        }
        m.closed = true
        if let winner { m.winnerTokenID = winner }
        if let vector { m.payoutNumerators = vector }
        m.payoutPending = !(try f.optBool("payout_reported") ?? true)
        markets[key] = m
        for id in orderIDs where orders[id]?.conditionID == m.conditionID && orders[id]?.status == "LIVE" {
            orders[id]?.status = "CANCELED_MARKET_RESOLVED"
        }
    }

    mutating func applyWallet(_ f: Fields) throws(PaperInputError) {
        let address = try f.string("address")
        let k = addressKey(address)
        var w: PaperWallet
        if let existing = wallets[k] { w = existing } else { w = try PaperScenario.parseWallet(f) }
        if let c = try f.optFixed("collateral") { w.collateral = c }
        if let a = try f.optFixed("allowance") { w.allowance = a }
        for (i, p) in try f.array("positions").enumerated() {
            let pf = try Fields(p, "positions[\(i)]")
            w.tokens[try pf.string("token_id")] = try pf.fixed("size")
        }
        if wallets[k] == nil { walletIDs.append(k) }
        wallets[k] = w
    }

    static func parseFault(_ f: Fields) throws(PaperInputError) -> PaperFault {
        let kind = try f.string("kind")
        guard PaperFault.kinds.contains(kind) else {
            throw PaperInputError("fault kind must be one of \(PaperFault.kinds.joined(separator: ", "))")
        }
        let count = try f.optInt("count") ?? 1
        let defaultProcess = ["latency", "malformed_json", "drop_after_accept", "replace_body"].contains(kind)
        var fault = PaperFault(
            method: try f.optString("method")?.uppercased(),
            path: try f.string("path"),
            kind: kind,
            remaining: count <= 0 ? nil : Int(count),
            retryAfterSeconds: Int(try f.optInt("retry_after") ?? 1),
            latencyMs: Int(try f.optInt("latency_ms") ?? (kind == "timeout" ? 30_000 : 500)),
            status: Int(try f.optInt("status") ?? (kind == "http_429" ? 429 : 500)),
            process: try f.optBool("process") ?? defaultProcess)
        fault.body = try f.optString("body")
        return fault
    }

    static func faultJSON(_ f: PaperFault) -> JSON {
        .object([
            ("method", f.method.map { .string($0) } ?? .null), ("path", .string(f.path)), ("kind", .string(f.kind)),
            ("count", f.remaining.map { .int($0) } ?? .int(0)), ("retry_after", .int(f.retryAfterSeconds)),
            ("latency_ms", .int(f.latencyMs)), ("status", .int(f.status)), ("process", .bool(f.process)),
        ])
    }

    static func logJSON(_ e: OrderLogEntry) -> JSON {
        .object([
            ("seq", .int(e.seq)), ("order_id", e.orderID.map { .string($0) } ?? .null), ("body", .string(e.body)),
            ("time_ms", .int(e.timeMs)), ("http_status", .int(e.httpStatus)), ("response", .string(e.response)),
            ("accepted", .bool(e.httpStatus == 200)), ("fault", e.fault.map { .string($0) } ?? .null),
            ("answer_delivered", .bool(!["drop_after_accept", "timeout"].contains(e.fault ?? ""))),
        ])
    }

    func stateJSON(now: Int64) -> JSON {
        let ws: [JSON] = walletIDs.compactMap { wallets[$0] }.map { w in
            .object([
                ("address", .string(w.address)), ("owner", .string(w.owner)), ("signature_type", .int(w.signatureType)),
                ("collateral", .string(w.collateral.plainText)),
                ("allowance", .string(w.allowance.plainText)),
                ("reserved_collateral", .string(reservedCollateral(addressKey(w.address)).plainText)),
                (
                    "positions",
                    .array(
                        w.tokens.sorted(by: { $0.key < $1.key }).map { token, size in
                            .object([("token_id", .string(token)), ("size", .string(size.plainText))])
                        })
                ),
                ("chain_nonce", .int(chainNonces[addressKey(w.address)] ?? 0)),
            ])
        }
        let ms: [JSON] = marketIDs.compactMap { markets[$0] }.map { m in
            .object([
                ("condition_id", .string(m.conditionID)), ("closed", .bool(m.closed)),
                ("winner_token_id", m.winnerTokenID.map { .string($0) } ?? .null),
                ("payout_numerators", m.chainPayout.map { v in .array(v.map { .int(Int64($0)) }) } ?? .null),
            ])
        }
        let ls: [JSON] = leaders.keys.sorted().map { k in
            .object([
                ("address", .string(leaderDisplay[k] ?? k)),
                (
                    "positions",
                    .array(
                        (leaders[k] ?? []).map { p in
                            .object([
                                ("token_id", .string(p.tokenID)), ("size", .string(p.size.plainText)),
                                ("avg_price", .string(p.avgPrice.plainText)),
                            ])
                        })
                ),
            ])
        }
        return .object([
            ("now_ms", .int(now)), ("wallets", .array(ws)), ("markets", .array(ms)), ("leaders", .array(ls)),
            ("orders", .array(orderIDs.compactMap { orders[$0] }.map(orderJSON))),
            ("trades", .array(trades.map { tradeJSON($0, now: now) })),
            ("pending_events", .int(pendingEvents.count)),
            ("event_errors", .array(eventErrors.map { .string($0) })),
            ("receipts", .int(receipts.count)), ("dropped_transactions", .int(Int64(droppedTransactions))),
            ("pending_transactions", .int(Int64(pool.count))),
            (
                "transactions",
                .array(
                    receipts.values.sorted(by: { $0.blockNumber < $1.blockNumber }).map { r in
                        .object([
                            ("hash", .string(r.hash)), ("from", .string(r.from)), ("to", .string(r.to)),
                            ("nonce", .int(r.nonce)), ("status", .bool(r.status)), ("selector", .string(r.selector)),
                        ])
                    })
            ),
        ])
    }
}
