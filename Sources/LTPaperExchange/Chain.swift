import BigInt
import Foundation
import LTChain
import LTCore
import LTPolymarket

/// Reads ABI-encoded calldata (after the selector): 32-byte words, dynamic `bytes` and arrays.
struct ABIReader {
    let data: [UInt8]

    struct Malformed: Error {}

    func word(_ offset: Int) throws(Malformed) -> [UInt8] {
        guard offset >= 0, offset + 32 <= data.count else { throw Malformed() }
        return Array(data[offset..<offset + 32])
    }

    func uint(_ offset: Int) throws(Malformed) -> BigUInt { BigUInt(Data(try word(offset))) }

    func int(_ offset: Int) throws(Malformed) -> Int {
        let v = try uint(offset)
        guard v < BigUInt(1) << 40 else { throw Malformed() }
        return Int(v)
    }

    func address(_ offset: Int) throws(Malformed) -> String {
        "0x" + (try word(offset))[12...].map { String(format: "%02x", $0) }.joined()
    }

    func hex32(_ offset: Int) throws(Malformed) -> String {
        "0x" + (try word(offset)).map { String(format: "%02x", $0) }.joined()
    }

    /// `bytes` whose head word (at `offset`) points, relative to `base`, to length + data.
    func bytes(head offset: Int, base: Int = 0) throws(Malformed) -> [UInt8] {
        let start = base + (try int(offset))
        let length = try int(start)
        guard start + 32 + length <= data.count else { throw Malformed() }
        return Array(data[start + 32..<start + 32 + length])
    }

    func uintArray(head offset: Int, base: Int = 0) throws(Malformed) -> [BigUInt] {
        let start = base + (try int(offset))
        let count = try int(start)
        guard count <= 256 else { throw Malformed() }
        var out: [BigUInt] = []
        for i in 0..<count { out.append(try uint(start + 32 + 32 * i)) }
        return out
    }

    func sub(_ from: Int) -> ABIReader { ABIReader(data: from < data.count ? Array(data[from...]) : []) }
}

/// A decoded, signature-checked EIP-1559 transaction.
struct DecodedTransaction {
    var chainID: Int64
    var nonce: Int64
    var to: String
    var data: [UInt8]
    var sender: String
    var hash: String
    var maxFee: BigUInt = 0
    var tip: BigUInt = 0
}

/// A transaction accepted but not mined (`"hold_next_transactions"`).
struct PooledTransaction: Sendable {
    var tx: DecodedTransaction
    var maxFee: BigUInt
    var tip: BigUInt
}

enum Selector {
    static let redeemCTF = "01b7037c"  // redeemPositions(address,bytes32,bytes32,uint256[])
    static let redeemNegRisk = "dbeccb23"  // redeemPositions(bytes32,uint256[])
    static let proxy = "34ee9791"  // proxy((uint8,address,uint256,bytes)[])
    static let multiSend = "8d80ff0a"
    static let execTransaction = "6a761202"
    static let setApprovalForAll = "a22cb465"
    static let approve = "095ea7b3"
    static let balanceOf = "70a08231"  // ERC-20 balanceOf(address)
    static let balanceOf1155 = "00fdd58e"  // balanceOf(address,uint256)
    static let payoutDenominator = "dd34de67"
    static let payoutNumerators = "0504c814"
    static let outcomeSlotCount = "d42dc0c2"
    static let isApprovedForAll = "e985e9c5"
    static let allowance = "dd62ed3e"
    static let safeNonce = "affed0e0"
}

/// JSON-RPC (`POST /rpc`): the chain calls `redeem` makes, over the same balances the CLOB moves.
extension ExchangeState {
    static let gasPriceWei = "0x6fc23ac00"  // 30 gwei

    mutating func rpc(_ req: PaperRequest, now: Int64) -> PaperResponse {
        guard let body = try? JSON.parse(req.body) else { return .json(rpcError(.null, -32700, "parse error")) }
        if let batch = body.arrayValue { return .json(.array(batch.map { rpcCall($0, now: now) })) }
        return .json(rpcCall(body, now: now))
    }

    func rpcError(_ id: JSON, _ code: Int, _ message: String) -> JSON {
        .object([
            ("jsonrpc", "2.0"), ("id", id), ("error", .object([("code", .int(code)), ("message", .string(message))])),
        ])
    }

    func rpcResult(_ id: JSON, _ result: JSON) -> JSON {
        .object([("jsonrpc", "2.0"), ("id", id), ("result", result)])
    }

    static func hexQuantity(_ v: Int64) -> JSON { .string("0x" + String(v, radix: 16)) }

    static func hexWord(_ v: BigUInt) -> String {
        let hex = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 64 - hex.count)) + hex
    }

    mutating func rpcCall(_ call: JSON, now: Int64) -> JSON {
        let id = call["id"] ?? .null
        guard let method = call["method"]?.stringValue else { return rpcError(id, -32600, "invalid request") }
        let params = call["params"]?.arrayValue ?? []
        switch method {
        case "eth_chainId": return rpcResult(id, Self.hexQuantity(scenario.chainID))
        case "net_version": return rpcResult(id, .string(String(scenario.chainID)))
        case "eth_blockNumber": return rpcResult(id, Self.hexQuantity(blockNumber))
        case "eth_gasPrice", "eth_maxPriorityFeePerGas": return rpcResult(id, .string(Self.gasPriceWei))
        case "eth_estimateGas": return rpcResult(id, "0x493e0")  // 300000
        case "eth_getBalance":
            // 100 POL for gas unless a test set the balance.
            return rpcResult(
                id, .string("0x" + String(gasBalanceWei ?? BigUInt("56bc75e2d63100000", radix: 16)!, radix: 16)))
        case "eth_feeHistory":
            let blocks = max(1, min(Int(params.first?.textValue.flatMap { Self.parseQuantity($0) } ?? 1), 16))
            return rpcResult(
                id,
                .object([
                    ("oldestBlock", Self.hexQuantity(blockNumber - Int64(blocks) + 1)),
                    ("baseFeePerGas", .array(Array(repeating: .string(Self.gasPriceWei), count: blocks + 1))),
                    ("gasUsedRatio", .array(Array(repeating: .number("0.5"), count: blocks))),
                    ("reward", .array(Array(repeating: .array([.string(Self.gasPriceWei)]), count: blocks))),
                ]))
        case "eth_getTransactionCount":
            guard let a = params.first?.stringValue else { return rpcError(id, -32602, "missing address") }
            let pooled =
                params.count > 1 && params[1].stringValue == "pending"
                ? pool.values.filter { addressKey($0.tx.sender) == addressKey(a) }.count : 0
            return rpcResult(id, Self.hexQuantity((chainNonces[addressKey(a)] ?? 0) + Int64(pooled)))
        case "eth_call":
            guard let tx = params.first, let to = tx["to"]?.stringValue,
                let data = (tx["data"] ?? tx["input"])?.stringValue
            else { return rpcError(id, -32602, "eth_call needs to and data") }
            do { return rpcResult(id, .string(try ethCall(to: to, data: Self.hexBytes(data)))) } catch {
                return rpcError(id, 3, "execution reverted")
            }
        case "eth_sendRawTransaction":
            guard let raw = params.first?.stringValue, let bytes = try? Self.hexBytes(raw) else {
                return rpcError(id, -32602, "invalid raw transaction")
            }
            return sendRawTransaction(bytes, id: id)
        case "eth_getTransactionReceipt":
            guard let h = params.first?.stringValue else { return rpcError(id, -32602, "missing hash") }
            guard let r = receipts[h.lowercased()] else { return rpcResult(id, .null) }
            return rpcResult(id, receiptJSON(r))
        case "eth_getTransactionByHash":
            guard let h = params.first?.stringValue else { return rpcError(id, -32602, "missing hash") }
            if let p = pool[h.lowercased()] {
                return rpcResult(
                    id,
                    .object([
                        ("hash", .string(h.lowercased())), ("from", .string(p.tx.sender)), ("to", .string(p.tx.to)),
                        ("nonce", Self.hexQuantity(p.tx.nonce)), ("blockNumber", .null),
                    ]))
            }
            guard let r = receipts[h.lowercased()] else { return rpcResult(id, .null) }
            return rpcResult(
                id,
                .object([
                    ("hash", .string(r.hash)), ("from", .string(r.from)), ("to", .string(r.to)),
                    ("nonce", Self.hexQuantity(r.nonce)), ("blockNumber", Self.hexQuantity(r.blockNumber)),
                ]))
        default:
            return rpcError(id, -32601, "method not found: \(method)")
        }
    }

    static func parseQuantity(_ s: String) -> Int64? {
        s.hasPrefix("0x") ? Int64(s.dropFirst(2), radix: 16) : Int64(s)
    }

    static func hexBytes(_ s: String) throws(ABIReader.Malformed) -> [UInt8] {
        var t = Substring(s)
        if t.hasPrefix("0x") || t.hasPrefix("0X") { t = t.dropFirst(2) }
        guard t.count % 2 == 0 else { throw ABIReader.Malformed() }
        var out: [UInt8] = []
        out.reserveCapacity(t.count / 2)
        var i = t.startIndex
        while i < t.endIndex {
            let j = t.index(i, offsetBy: 2)
            guard let b = UInt8(t[i..<j], radix: 16) else { throw ABIReader.Malformed() }
            out.append(b)
            i = j
        }
        return out
    }

    static func selector(_ data: [UInt8]) -> String {
        data.prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    func receiptJSON(_ r: ChainReceipt) -> JSON {
        .object([
            ("transactionHash", .string(r.hash)), ("transactionIndex", "0x0"),
            ("blockHash", .string(Self.hexWord(BigUInt(r.blockNumber)))),
            ("blockNumber", Self.hexQuantity(r.blockNumber)),
            ("from", .string(r.from)), ("to", .string(r.to)), ("cumulativeGasUsed", Self.hexQuantity(r.gasUsed)),
            ("gasUsed", Self.hexQuantity(r.gasUsed)), ("effectiveGasPrice", .string(Self.gasPriceWei)),
            ("contractAddress", .null),
            ("logs", .array(r.logs.enumerated().map { i, log in logJSON(log, index: i, of: r) })),
            ("logsBloom", .string("0x" + String(repeating: "0", count: 512))),
            ("type", "0x2"), ("status", .string(r.status ? "0x1" : "0x0")),
        ])
    }

    /// One receipt log as a node answers it.
    func logJSON(_ log: ReceiptLog, index: Int, of r: ChainReceipt) -> JSON {
        let topics: [JSON] = log.topics.map { .string(Hex.encode($0)) }
        return .object([
            ("address", .string(log.address.lowercased)), ("topics", .array(topics)),
            ("data", .string(Hex.encode(log.data))), ("blockNumber", Self.hexQuantity(r.blockNumber)),
            ("transactionHash", .string(r.hash)), ("transactionIndex", "0x0"),
            ("blockHash", .string(Self.hexWord(BigUInt(r.blockNumber)))),
            ("logIndex", Self.hexQuantity(Int64(index))), ("removed", false),
        ])
    }

    // MARK: eth_call

    func ethCall(to: String, data: [UInt8]) throws(ABIReader.Malformed) -> String {
        let args = ABIReader(data: Array(data.dropFirst(4)))
        let target = addressKey(to)
        switch Self.selector(data) {
        case Selector.balanceOf:
            let holder = try args.address(0)
            guard target == addressKey(Contracts.collateral) || target == addressKey(Contracts.usdce) else {
                return Self.hexWord(0)
            }
            // pUSD and USDC.e are one balance here: the wallet's collateral.
            return Self.hexWord(BigUInt(max(0, wallets[holder]?.collateral.micros ?? 0)))
        case Selector.balanceOf1155:
            let holder = try args.address(0)
            let token = String(try args.uint(32))
            return Self.hexWord(BigUInt(max(0, wallets[holder]?.tokens[token]?.micros ?? 0)))
        case Selector.payoutDenominator:
            let cid = try args.hex32(0)
            return Self.hexWord(BigUInt(market(cid)?.chainPayout?.reduce(0, +) ?? 0))
        case Selector.payoutNumerators:
            let cid = try args.hex32(0)
            let index = try args.int(32)
            guard let v = market(cid)?.chainPayout, index < v.count else { return Self.hexWord(0) }
            return Self.hexWord(BigUInt(v[index]))
        case Selector.outcomeSlotCount:
            return Self.hexWord(BigUInt(market(try args.hex32(0))?.outcomes.count ?? 0))
        case Selector.isApprovedForAll:
            let approved = isApproved(holder: try args.address(0), operator: try args.address(32))
            return Self.hexWord(approved ? 1 : 0)
        case Selector.allowance:
            let owner = try args.address(0)
            let a = wallets[owner]?.allowance ?? .zero
            return Self.hexWord(
                a >= PaperScenario.unlimitedAllowance ? (BigUInt(1) << 256) - 1 : BigUInt(max(0, a.micros)))
        case Selector.safeNonce:
            return Self.hexWord(BigUInt(safeNonces[target] ?? 0))
        default:
            return "0x"
        }
    }

    // MARK: eth_sendRawTransaction

    mutating func sendRawTransaction(_ raw: [UInt8], id: JSON) -> JSON {
        let tx: DecodedTransaction
        do { tx = try Verify.decodeTransaction(raw) } catch {
            return rpcError(id, -32000, "invalid transaction: \(error.reason)")
        }
        guard tx.chainID == scenario.chainID else {
            return rpcError(id, -32000, "invalid chain id \(tx.chainID), expected \(scenario.chainID)")
        }
        if receipts[tx.hash.lowercased()] != nil { return rpcError(id, -32000, "already known") }
        if chainRejectNext > 0 {
            chainRejectNext -= 1
            return rpcError(id, -32000, chainRejectMessage)
        }
        let sender = addressKey(tx.sender)
        let hash = tx.hash.lowercased()
        if pool[hash] != nil { return rpcError(id, -32000, "already known") }
        let expected = chainNonces[sender] ?? 0
        // A pooled transaction of the sender with this nonce: a replacement needs +10 % on both fees.
        if let (oldHash, old) = pool.first(where: {
            addressKey($0.value.tx.sender) == sender && $0.value.tx.nonce == tx.nonce
        }) {
            guard tx.maxFee * 10 >= old.maxFee * 11, tx.tip * 10 >= old.tip * 11 else {
                return rpcError(id, -32000, "replacement transaction underpriced")
            }
            pool[oldHash] = nil
            pool[hash] = PooledTransaction(tx: tx, maxFee: tx.maxFee, tip: tx.tip)
            return rpcResult(id, .string(hash))
        }
        let pendingNonce = expected + Int64(pool.values.filter { addressKey($0.tx.sender) == sender }.count)
        if chainHoldNext > 0 && tx.nonce == pendingNonce {
            // Accepted into the pool, mined only by `"mine_pending": true`.
            chainHoldNext -= 1
            pool[hash] = PooledTransaction(tx: tx, maxFee: tx.maxFee, tip: tx.tip)
            return rpcResult(id, .string(hash))
        }
        guard tx.nonce == expected else {
            return rpcError(
                id, -32000,
                tx.nonce < expected
                    ? "nonce too low: next nonce \(expected), tx nonce \(tx.nonce)"
                    : "nonce too high: next nonce \(expected), tx nonce \(tx.nonce)")
        }
        if chainDropNext > 0 {
            // Accepted, then dropped from the pool: a hash is answered, nothing is mined.
            chainDropNext -= 1
            droppedTransactions += 1
            return rpcResult(id, .string(tx.hash.lowercased()))
        }
        mine(tx)
        return rpcResult(id, .string(tx.hash.lowercased()))
    }

    /// Mines the pool in nonce order (`/_control/flags` `"mine_pending": true`).
    mutating func minePending() {
        for (h, p) in pool.sorted(by: { $0.value.tx.nonce < $1.value.tx.nonce }) {
            pool[h] = nil
            guard p.tx.nonce == chainNonces[addressKey(p.tx.sender)] ?? 0 else { continue }
            mine(p.tx)
        }
    }

    /// Includes `tx` in a new block: the nonce moves, the call runs (or reverts), a receipt is kept.
    mutating func mine(_ tx: DecodedTransaction) {
        let sender = addressKey(tx.sender)
        chainNonces[sender] = (chainNonces[sender] ?? 0) + 1
        blockNumber += 1
        // Execute on a copy: a reverted transaction changes nothing but the nonce.
        var trial = self
        trial.pendingLogs = []
        var ok = true
        do { _ = try trial.execute(from: sender, to: addressKey(tx.to), data: tx.data) } catch { ok = false }
        let logs = ok ? trial.pendingLogs : []
        trial.pendingLogs = []
        if ok && chainRevertNext > 0 {
            // A scripted revert (`revert_next_transactions`): mined, status 0, no state change.
            chainRevertNext -= 1
            ok = false
        }
        if ok { self = trial }
        receipts[tx.hash.lowercased()] = ChainReceipt(
            hash: tx.hash.lowercased(), from: tx.sender, to: tx.to, nonce: tx.nonce, blockNumber: blockNumber,
            status: ok, gasUsed: 150_000, logs: logs, selector: Self.selector(tx.data))
    }

    /// The CTF's `isApprovedForAll(holder, operator)`: assumed unless `require_approvals` is set.
    func isApproved(holder: String, operator op: String) -> Bool {
        !chainRequireApprovals || chainApprovals.contains(addressKey(holder) + "|" + addressKey(op))
    }

    struct Revert: Error { let reason: String }

    /// Runs one call as `from`; answers the collateral paid out by redemptions.
    mutating func execute(from: String, to: String, data: [UInt8]) throws(Revert) -> Fixed6 {
        let args = ABIReader(data: Array(data.dropFirst(4)))
        do {
            switch (Self.selector(data), to) {
            case (Selector.redeemCTF, addressKey(Contracts.ctf)),
                (Selector.redeemCTF, addressKey(Contracts.collateralAdapter)),
                (Selector.redeemCTF, addressKey(Contracts.negRiskCollateralAdapter)):
                let cid = try args.hex32(64)
                let indexSets = try args.uintArray(head: 96)
                guard let m = market(cid) else { throw Revert(reason: "unknown condition") }
                // An adapter moves the holder's outcome tokens: the CTF needs the holder's approval.
                if to != addressKey(Contracts.ctf) && !isApproved(holder: from, operator: to) {
                    throw Revert(reason: "ERC1155: need operator approval for 3rd party transfers.")
                }
                if to == addressKey(Contracts.negRiskCollateralAdapter) && !m.negRisk {
                    throw Revert(reason: "not a neg-risk market")
                }
                if to != addressKey(Contracts.negRiskCollateralAdapter) && m.negRisk {
                    throw Revert(reason: "neg-risk positions redeem through the neg-risk adapter")
                }
                var amounts: [Fixed6?] = Array(repeating: nil, count: m.outcomes.count)
                let reached = reaches(m, collateral: try args.address(0), via: to)
                for set in indexSets where reached {
                    for i in 0..<m.outcomes.count where set & (BigUInt(1) << i) != 0 { amounts[i] = .max }
                }
                // Called on the CTF: the holder redeems USDC.e itself. Called on an adapter: the
                // adapter redeems on the CTF and pays the holder pUSD.
                let direct = to == addressKey(Contracts.ctf)
                return try redeem(
                    holder: from, market: m, amounts: amounts,
                    logs: .init(
                        redeemer: direct ? from : to, indexSets: indexSets,
                        paidIn: direct ? Contracts.usdce : Contracts.collateral, paidBy: direct ? Contracts.ctf : to))
            case (Selector.redeemNegRisk, addressKey(Contracts.negRiskAdapter)):
                let cid = try args.hex32(0)
                let raw = try args.uintArray(head: 32)
                guard let m = market(cid), m.negRisk else { throw Revert(reason: "not a neg-risk condition") }
                var amounts: [Fixed6?] = Array(repeating: nil, count: m.outcomes.count)
                let reached = reaches(m, collateral: nil, via: to)
                for (i, a) in raw.enumerated() where i < amounts.count && reached {
                    guard a < BigUInt(Int64.max) else { throw Revert(reason: "amount too large") }
                    amounts[i] = Fixed6(micros: Int64(a))
                }
                return try redeem(
                    holder: from, market: m, amounts: amounts,
                    logs: .init(
                        redeemer: to, indexSets: [1, 2], paidIn: Contracts.usdce, paidBy: Contracts.negRiskAdapter))
            case (Selector.setApprovalForAll, addressKey(Contracts.ctf)):
                let key = addressKey(from) + "|" + addressKey(try args.address(0))
                if try args.uint(32) != 0 { chainApprovals.insert(key) } else { chainApprovals.remove(key) }
                return .zero
            case (Selector.setApprovalForAll, _), (Selector.approve, _):
                return .zero
            case (Selector.proxy, addressKey(Contracts.proxyFactory)):
                // The factory forwards each call from the sender's proxy wallet.
                guard let proxyWallet = proxyWallet(of: from) else { throw Revert(reason: "no proxy wallet") }
                var paid = Fixed6.zero
                for call in try ProxyWalletCalls.decode(data) {
                    paid += try execute(from: proxyWallet, to: addressKey(call.to.checksummed), data: call.data)
                }
                return paid
            case (Selector.execTransaction, _):
                return try execSafe(safe: to, sender: from, data: data)
            default:
                throw Revert(reason: "unsupported call")
            }
        } catch let e as ABIReader.Malformed {
            _ = e
            throw Revert(reason: "malformed calldata")
        } catch let r as Revert {
            throw r
        } catch {
            throw Revert(reason: "\(error)")
        }
    }

    /// Whether a redemption through `target` reaches the market's positions, which are ERC-1155 ids
    /// derived from the collateral they are minted on (`PositionIDs.backing`): the CTF redeems only
    /// the positions of the collateral it is given, the collateral adapters pUSD positions, the
    /// NegRiskAdapter its WrappedCollateral's. Any other call redeems nothing and pays 0 — no
    /// revert, as on Polygon. Markets whose token ids derive from no known collateral (hand-written
    /// scenarios) are reached by every path.
    func reaches(_ m: PaperMarket, collateral: String?, via target: String) -> Bool {
        guard let cid = try? Self.hexBytes(m.conditionID),
            let backing = PositionIDs.backing(conditionID: cid, tokenIDs: m.outcomes.map(\.tokenID))
        else { return true }
        switch target {
        case addressKey(Contracts.ctf): return collateral.map(addressKey) == addressKey(backing.token.checksummed)
        case addressKey(Contracts.collateralAdapter), addressKey(Contracts.negRiskCollateralAdapter):
            return backing == .pUSD
        case addressKey(Contracts.negRiskAdapter): return backing == .negRiskWrapped
        default: return false
        }
    }

    /// Burns the holder's positions in the condition and pays the winning ones 1:1 in collateral.
    /// `amounts[i]` nil = leave outcome i alone, `.max` = all of it.
    /// Who the redemption's logs name: `redeemer` called the CTF; `paidBy` transfers `paidIn` to
    /// the holder.
    struct RedemptionLogParties {
        var redeemer: String
        var indexSets: [BigUInt]
        var paidIn: String
        var paidBy: String
    }

    mutating func redeem(
        holder: String, market m: PaperMarket, amounts: [Fixed6?], logs: RedemptionLogParties
    ) throws(Revert) -> Fixed6 {
        guard let vector = m.chainPayout else { throw Revert(reason: "result for condition not received yet") }
        let denominator = Int64(vector.reduce(0, +))
        var w =
            wallets[holder]
            ?? PaperWallet(
                address: holder, owner: holder, signatureType: 0, credentials: nil, collateral: .zero,
                allowance: PaperScenario.unlimitedAllowance, tokens: [:])
        var payout = Fixed6.zero
        for (i, o) in m.outcomes.enumerated() {
            guard let want = amounts[i] else { continue }
            let held = w.tokens[o.tokenID] ?? .zero
            let burn = want == .max ? held : want
            guard burn <= held else { throw Revert(reason: "insufficient balance") }
            w.tokens[o.tokenID] = held - burn
            costs[holder]?[o.tokenID] = .zero
            // The CTF's integer arithmetic: base units × numerator / denominator, rounded down.
            payout += Fixed6(micros: burn.micros * Int64(vector[i]) / denominator)
        }
        w.collateral += payout
        if wallets[holder] == nil { walletIDs.append(holder) }
        wallets[holder] = w
        emitRedemptionLogs(holder: holder, market: m, payout: payout, logs)
        return payout
    }

    /// The logs Polygon's contracts emit for a redemption: the CTF's `PayoutRedemption` (redeemer =
    /// whoever called the CTF; collateral USDC.e, which backs the outcome tokens) and, when
    /// something is paid, the collateral ERC-20 `Transfer` to the holder.
    mutating func emitRedemptionLogs(
        holder: String, market m: PaperMarket, payout: Fixed6, _ p: RedemptionLogParties
    ) {
        guard let redeemer = try? Address(hex: p.redeemer), let holderAddress = try? Address(hex: holder),
            let usdce = try? Address(hex: Contracts.usdce), let token = try? Address(hex: p.paidIn),
            let payer = try? Address(hex: p.paidBy), let cid = try? Hex.decode(m.conditionID), cid.count == 32
        else { return }
        let paid = BigUInt(max(0, payout.micros))
        pendingLogs.append(
            RedemptionLogs.payoutRedemptionLog(
                redeemer: redeemer, collateral: usdce, conditionID: cid, indexSets: p.indexSets, payout: paid))
        if paid > 0 {
            pendingLogs.append(RedemptionLogs.transferLog(token: token, from: payer, to: holderAddress, value: paid))
        }
    }

    func proxyWallet(of eoa: String) -> String? {
        if let w = walletIDs.compactMap({ wallets[$0] }).first(where: {
            $0.signatureType == 1 && addressKey($0.owner) == eoa
        }) {
            return addressKey(w.address)
        }
        return Verify.derivedWallets(owner: eoa, signatureType: 1).first.map(addressKey)
    }

    /// Safe `execTransaction`: checks the owner's signature over the SafeTx digest (with the
    /// Safe's current nonce) and runs the call, or a MultiSend batch, as the Safe.
    mutating func execSafe(safe: String, sender: String, data: [UInt8]) throws -> Fixed6 {
        guard let wallet = wallets[safe], wallet.signatureType == 2 else { throw Revert(reason: "not a Safe") }
        var (tx, signatures) = try SafeTransaction.decodeExecTransaction(data)
        let nonce = safeNonces[safe] ?? 0
        tx.nonce = BigUInt(nonce)
        let digest = try tx.digest(safe: try Address(hex: safe), chainID: Int(scenario.chainID))
        guard let signer = Verify.safeSigner(digest: digest, signature: signatures, sender: sender),
            addressKey(signer) == addressKey(wallet.owner)
        else { throw Revert(reason: "GS026") }
        safeNonces[safe] = nonce + 1
        let target = addressKey(tx.to.checksummed)
        if tx.operation == .call { return try execute(from: safe, to: target, data: tx.data) }
        guard target == addressKey(Contracts.multiSend), Self.selector(tx.data) == Selector.multiSend else {
            throw Revert(reason: "delegatecall only to MultiSend")
        }
        let packed = try ABIReader(data: Array(tx.data.dropFirst(4))).bytes(head: 0)
        var paid = Fixed6.zero
        var i = 0
        // Each packed call: uint8 operation ‖ address to ‖ uint256 value ‖ uint256 length ‖ data.
        while i + 85 <= packed.count {
            let to = "0x" + packed[i + 1..<i + 21].map { String(format: "%02x", $0) }.joined()
            let length = Int(BigUInt(Data(packed[i + 53..<i + 85])))
            guard i + 85 + length <= packed.count else { throw Revert(reason: "malformed multiSend") }
            paid += try execute(from: safe, to: to, data: Array(packed[i + 85..<i + 85 + length]))
            i += 85 + length
        }
        return paid
    }
}
