import BigInt
import Foundation
import LTChain
import LTCore
import LTHTTP

/// The chain side of `lt redeem` over JSON-RPC (design §4 "redeem", protocol §8): proof of
/// resolution, the holding wallet's balances, the call for the market, the routing for the wallet
/// type, and an EIP-1559 transaction signed by the wallet's owner EOA.
public final class RPCRedemptionChain: RedemptionChain {
    /// Which collateral the redemption pays: V2-era markets pay pUSD through the collateral
    /// adapters; v1-era markets pay USDC.e from the CTF (neg-risk: the NegRiskAdapter, amounts).
    public enum Collateral: String, Sendable { case pusd, usdce }

    /// `LT_REDEEM_COLLATERAL`: `auto` decides per market from its token ids (`PositionIDs.backing`);
    /// `pusd` or `usdce` forces one path for every market (an override).
    public enum CollateralSetting: String, Sendable { case auto, pusd, usdce }

    /// The redemption path's collateral for a market, and why (for the route in the log).
    /// `auto`: positions minted on USDC.e or the NegRiskAdapter's WrappedCollateral are v1 (the
    /// CTF with USDC.e, or the NegRiskAdapter); on pUSD, V2 (the collateral adapters); token ids
    /// that derive from none of them: V2, the current era (protocol §0).
    public static func collateral(setting: CollateralSetting, backing: PositionIDs.Backing?) -> (
        Collateral, String
    ) {
        switch (setting, backing) {
        case (.pusd, _): return (.pusd, "LT_REDEEM_COLLATERAL=pusd")
        case (.usdce, _): return (.usdce, "LT_REDEEM_COLLATERAL=usdce")
        case (.auto, .usdcE?), (.auto, .negRiskWrapped?):
            return (.usdce, "token ids are \(backing?.rawValue ?? "") positions: v1")
        case (.auto, .pUSD?): return (.pusd, "token ids are pUSD positions: V2")
        case (.auto, nil): return (.pusd, "token ids derive from no known collateral: V2 assumed")
        }
    }

    let rpcURL: String
    let http: HTTPClient
    let wallets: () throws(WalletConfigError) -> WalletsFile
    let chainID: UInt64
    let feeCapWei: Int64
    let collateral: CollateralSetting
    let clob: ClobClient?
    let policy: RetryPolicy

    public init(
        rpcURL: String, http: HTTPClient, wallets: @escaping () throws(WalletConfigError) -> WalletsFile,
        chainID: UInt64, feeCapWei: Int64, collateral: CollateralSetting, clob: ClobClient?,
        policy: RetryPolicy = .default
    ) {
        self.rpcURL = rpcURL
        self.http = http
        self.wallets = wallets
        self.chainID = chainID
        self.feeCapWei = feeCapWei
        self.collateral = collateral
        self.clob = clob
        self.policy = policy
    }

    /// Why type 3 is refused, in the operator's words (docs/jobs.md "redeem").
    public static let depositWalletRefusal =
        "signature type 3 (deposit wallet): its calls go only through Polymarket's relayer as WALLET batches, "
        + "which the protocol reference does not specify; lt does not guess an on-chain route. "
        + "The position stays PENDING: redeem it on polymarket.com"

    enum RPCError: Error, CustomStringConvertible {
        /// The node answered a JSON-RPC error.
        case node(String)
        /// No usable answer.
        case transport(String)
        var description: String {
            switch self {
            case .node(let m): return m
            case .transport(let m): return m
            }
        }
    }

    // MARK: RedemptionChain

    public func prepare(_ g: RedemptionGroup) -> Preparation {
        do {
            return try prepareOrThrow(g)
        } catch let e as RPCError {
            return .wait("chain not readable: \(e)")
        } catch {
            return .wait("\(error)")
        }
    }

    func prepareOrThrow(_ g: RedemptionGroup) throws -> Preparation {
        let config: WalletConfig
        let key: PrivateKey
        do {
            config = try wallets().wallet(named: g.wallet)
            key = try config.loadKey()
        } catch {
            return .wait("wallet \(g.wallet): \(error)")
        }
        let owner = key.address
        // The wallet that holds the tokens: never assumed to be the EOA.
        guard let holder = Self.holder(config, owner: owner) else { return .wait(Self.depositWalletRefusal) }
        let chain = try quantity(try call("eth_chainId", "[]"))
        guard chain == BigUInt(chainID) else {
            return .wait("the RPC serves chain id \(chain), expected \(chainID): nothing signed")
        }
        guard let cid = try? Hex.decode(g.conditionID), cid.count == 32 else {
            return .wait("condition id \(g.conditionID) is not 32 bytes of hex")
        }
        guard try ethCall(Redemption.payoutDenominatorCall(conditionID: cid)) > 0 else {
            return .wait("payoutDenominator is 0: the condition is not paid out on-chain yet")
        }
        // The market's path: from its token ids unless the operator forces one.
        let (collateral, why) = Self.collateral(
            setting: self.collateral, backing: PositionIDs.backing(conditionID: cid, tokenIDs: g.tokenIDs))
        // Balances of the outcome tokens in the holding wallet.
        var tokenOrder = g.tokenIDs
        if collateral == .usdce && g.negRisk {
            // The NegRiskAdapter takes amounts by outcome index: the CLOB lists tokens in that order.
            guard let clob else { return .wait("neg-risk v1 redemption needs LT_CLOB_URL for the outcome order") }
            tokenOrder = try clob.market(conditionID: g.conditionID).tokens.map(\.tokenID)
        }
        var balances: [BigUInt] = []
        for t in tokenOrder {
            guard let id = BigUInt(t, radix: 10) else { return .wait("token id \(t) is not a decimal integer") }
            balances.append(try ethCall(Redemption.balanceOfCall(owner: holder, tokenID: id)))
        }
        guard balances.contains(where: { $0 > 0 }) else {
            return .wait(
                "the holding wallet \(holder.checksummed) holds none of the condition's tokens: nothing to redeem")
        }
        // The call for the market, then the route for the wallet type.
        let inner: ContractCall
        let target: String
        switch (collateral, g.negRisk) {
        case (.pusd, let negRisk):
            inner = Redemption.redeem(conditionID: cid, negRisk: negRisk)
            target = negRisk ? "NegRiskCollateralAdapter (pUSD)" : "CollateralAdapter (pUSD)"
        case (.usdce, false):
            inner = Redemption.redeemDirectOnCTF(conditionID: cid)
            target = "CTF (USDC.e)"
        case (.usdce, true):
            inner = Redemption.negRiskAdapterRedeem(conditionID: cid, amounts: balances)
            target = "NegRiskAdapter (amounts)"
        }
        // A collateral adapter moves the holder's outcome tokens: the CTF must have the holder's
        // approval for it (protocol §8). A proxy or Safe grants it in the same transaction; an EOA
        // cannot batch two calls, so it is told the one call to send.
        var calls = [inner]
        var approving = false
        if collateral == .pusd {
            let adapter =
                g.negRisk ? PolymarketContracts.negRiskCollateralAdapter : PolymarketContracts.collateralAdapter
            if try ethCall(Redemption.isApprovedForAllCall(owner: holder, operator: adapter)) == 0 {
                guard config.signatureType != .eoa else {
                    // Its own transaction first (the job's step 3a), then this redemption.
                    return .approve(
                        ApprovalNeed(
                            wallet: g.wallet, holder: holder.checksummed, operatorAddress: adapter.checksummed,
                            operatorName: g.negRisk ? "NegRiskCollateralAdapter" : "CollateralAdapter"))
                }
                calls = [Redemption.setApprovalForAll(operator: adapter), inner]
                approving = true
            }
        }
        let routed: ContractCall
        switch config.signatureType {
        case .polyProxy:
            routed = ProxyWalletCalls.factoryCall(calls)
        case .polyGnosisSafe where calls.count > 1:
            let data = MultiSend.safeTransaction(calls).execTransactionCalldata(
                signatures: SafeTransaction.prevalidatedSignature(owner: owner))
            routed = ContractCall(to: holder, data: data)
        default:
            guard
                let r = WalletRouting.route(
                    inner, signatureType: config.signatureType, owner: owner,
                    safe: config.signatureType == .polyGnosisSafe ? holder : nil)
            else { return .wait(Self.depositWalletRefusal) }
            routed = r
        }
        let via: String
        switch config.signatureType {
        case .eoa: via = "EOA"
        case .polyProxy:
            via = "proxy \(holder.checksummed) via ProxyWalletFactory" + (approving ? " (+ adapter approval)" : "")
        case .polyGnosisSafe:
            via =
                "Safe \(holder.checksummed) execTransaction"
                + (approving ? " (MultiSend: adapter approval + redeem)" : "")
        case .poly1271: via = "deposit wallet"
        }
        return try signed(routed, key: key, route: "\(via) → \(target) [\(why)]")
    }

    /// Nonce from the pending count, fees from the chain within the cap, gas estimated with a
    /// margin and covered by the sender's balance, then EIP-1559 signing: the transaction to
    /// record, or why none (an estimate that reverts is `.failed`).
    func signed(_ routed: ContractCall, key: PrivateKey, route: String) throws -> Preparation {
        let owner = key.address
        let nonce = try quantity(try call("eth_getTransactionCount", #"["\#(owner.checksummed)","pending"]"#))
        let priority = try quantity(try call("eth_maxPriorityFeePerGas", "[]"))
        let history = try call("eth_feeHistory", #"["0x1","latest",[]]"#)
        guard let bases = (history as? [String: Any])?["baseFeePerGas"] as? [Any], let next = bases.last else {
            throw RPCError.transport("eth_feeHistory: no baseFeePerGas")
        }
        let base = try quantity(next)
        guard let baseWei = Int64(exactly: base), let tipWei = Int64(exactly: priority) else {
            return .wait("fees out of range (base \(base), tip \(priority) wei)")
        }
        guard let fees = RedeemRules.fees(baseFeeWei: baseWei, priorityFeeWei: tipWei, capWei: feeCapWei) else {
            return .wait(
                "base fee \(baseWei) + tip \(tipWei) wei exceeds the cap LT_REDEEM_MAX_FEE_GWEI (\(feeCapWei) wei): not sent"
            )
        }
        let estimate: BigUInt
        switch estimateGas(from: owner, call: routed) {
        case .success(let v): estimate = v
        case .failure(.node(let why)): return .failed("gas estimate reverted: \(why)")
        case .failure(let e): throw e
        }
        guard let est = Int64(exactly: estimate) else { return .failed("gas estimate \(estimate) out of range") }
        let gasLimit = RedeemRules.gasLimit(estimate: est)
        let needed = BigUInt(gasLimit) * BigUInt(fees.maxFee)
        let gasBalance = try quantity(try call("eth_getBalance", #"["\#(owner.checksummed)","latest"]"#))
        guard gasBalance >= needed else {
            return .wait(
                "gas balance of \(owner.checksummed) is \(gasBalance) wei, below the \(needed) wei this transaction may cost: "
                    + "send POL to the EOA")
        }
        guard let nonce64 = UInt64(exactly: nonce) else { return .wait("nonce \(nonce) out of range") }
        let tx = EIP1559Transaction(
            chainID: chainID, nonce: nonce64, maxPriorityFeePerGas: BigUInt(fees.priority),
            maxFeePerGas: BigUInt(fees.maxFee), gasLimit: UInt64(gasLimit), to: routed.to, value: routed.value,
            data: routed.data)
        let signed = try tx.signed(with: key)
        return .send(
            PreparedRedemption(
                submission: RedemptionSubmission(
                    sender: owner.checksummed, nonce: Int64(nonce64), rawTx: signed.rawHex, hashes: [signed.hashHex],
                    maxFeePerGasWei: fees.maxFee, maxPriorityFeePerGasWei: fees.priority, gasLimit: gasLimit),
                route: route))
    }

    public func prepareApproval(_ need: ApprovalNeed) -> Preparation {
        do {
            let key = try wallets().wallet(named: need.wallet).loadKey()
            guard key.address.checksummed.lowercased() == need.holder.lowercased() else {
                return .wait("wallet \(need.wallet)'s key is not the holder \(need.holder): no approval signed")
            }
            let chain = try quantity(try call("eth_chainId", "[]"))
            guard chain == BigUInt(chainID) else {
                return .wait("the RPC serves chain id \(chain), expected \(chainID): nothing signed")
            }
            let adapter = try Address(hex: need.operatorAddress)
            return try signed(
                Redemption.setApprovalForAll(operator: adapter), key: key,
                route: "EOA → CTF setApprovalForAll(\(need.operatorName), true)")
        } catch let e as RPCError {
            return .wait("chain not readable: \(e)")
        } catch {
            return .wait("wallet \(need.wallet): \(error)")
        }
    }

    /// The wallet that holds the tokens and receives the payout: the EOA, its proxy or its Safe
    /// (nil: a deposit wallet, which lt does not route).
    static func holder(_ config: WalletConfig, owner: Address) -> Address? {
        switch config.signatureType {
        case .eoa: return owner
        case .polyProxy: return config.funder ?? WalletDerivation.proxyWallet(owner: owner)
        case .polyGnosisSafe: return config.funder ?? WalletDerivation.safe(owner: owner)
        case .poly1271: return nil
        }
    }

    public func broadcast(rawTx: String) -> BroadcastResult {
        do throws(RPCError) {
            _ = try call("eth_sendRawTransaction", #"["\#(rawTx)"]"#)
            return .accepted
        } catch {
            switch error {
            case .node(let why):
                let lower = why.lowercased()
                if lower.contains("already known") || lower.contains("known transaction") { return .alreadyKnown }
                if lower.contains("nonce too low") { return .nonceTooLow(why) }
                return .rejected(why)
            case .transport(let why):
                return .unreachable(why)
            }
        }
    }

    public func sender(wallet: String) -> String? {
        guard let key = try? wallets().wallet(named: wallet).loadKey() else { return nil }
        return key.address.lowercased
    }

    public func transactionKnown(hash: String) -> Bool? {
        guard let answer = try? call("eth_getTransactionByHash", #"["\#(hash)"]"#) else { return nil }
        return answer is [String: Any]
    }

    public func bump(_ s: RedemptionSubmission, wallet: String) -> FeeBump {
        let old: EIP1559Transaction
        let key: PrivateKey
        do {
            old = try EIP1559Transaction.decodeSigned(raw: try Hex.decode(s.rawTx)).tx
            key = try wallets().wallet(named: wallet).loadKey()
        } catch {
            return .cannot("\(error)")
        }
        guard key.address.checksummed.lowercased() == s.sender.lowercased() else {
            return .cannot("wallet \(wallet)'s key is no longer the recorded sender \(s.sender)")
        }
        let base: Int64
        let tip: Int64
        do throws(RPCError) {
            let history = try call("eth_feeHistory", #"["0x1","latest",[]]"#)
            guard let bases = (history as? [String: Any])?["baseFeePerGas"] as? [Any], let next = bases.last,
                let b = Int64(exactly: try quantity(next)),
                let t = Int64(exactly: try quantity(try call("eth_maxPriorityFeePerGas", "[]")))
            else { return .cannot("fees not readable") }
            base = b
            tip = t
        } catch {
            return .cannot("fees not readable: \(error)")
        }
        guard let oldMax = Int64(exactly: old.maxFeePerGas), let oldTip = Int64(exactly: old.maxPriorityFeePerGas),
            let fees = RedeemRules.bumpedFees(
                oldMaxFee: oldMax, oldPriority: oldTip, baseFeeWei: base, priorityFeeWei: tip, capWei: feeCapWei)
        else {
            return .cannot("the fee cap LT_REDEEM_MAX_FEE_GWEI leaves no room for a +12.5 % replacement")
        }
        var tx = old
        tx.maxFeePerGas = BigUInt(fees.maxFee)
        tx.maxPriorityFeePerGas = BigUInt(fees.priority)
        guard let signed = try? tx.signed(with: key) else { return .cannot("signing failed") }
        var b = s
        b.rawTx = signed.rawHex
        b.hashes.append(signed.hashHex)
        b.maxFeePerGasWei = fees.maxFee
        b.maxPriorityFeePerGasWei = fees.priority
        return .bumped(b)
    }

    public func receipt(hash: String, wallet: String?) -> ReceiptResult {
        let answer: Any
        do { answer = try call("eth_getTransactionReceipt", #"["\#(hash)"]"#) } catch {
            return .unreadable(error.description)
        }
        guard let r = answer as? [String: Any] else { return .notFound }
        guard let status = r["status"] as? String else { return .unreadable("receipt without status") }
        // The payout from the receipt's logs (RedemptionLogs): what the holding wallet was paid.
        // nil when the receipt does not say (no logs for it, wallet not readable): the summary
        // then shows no chain payout and the books-vs-wallet check of `lt doctor` covers it.
        var payout: Fixed6?
        if status == "0x1", let wallet, let config = try? wallets().wallet(named: wallet),
            let owner = try? config.loadKey().address, let holder = Self.holder(config, owner: owner),
            let logs = RedemptionLogs.parse(json: r["logs"]),
            let paid = RedemptionLogs.payout(logs: logs, holder: holder), let micros = Int64(exactly: paid)
        {
            payout = Fixed6(micros: micros)
        }
        return .mined(success: status == "0x1", payout: payout)
    }

    // MARK: JSON-RPC

    /// One JSON-RPC call; `params` is the JSON array text. Repeating is safe for every method
    /// used here (a rebroadcast of the same bytes is "already known").
    func call(_ method: String, _ params: String) throws(RPCError) -> Any {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#
        let request = HTTPRequest.json(.post, rpcURL, body: body)
        let response: HTTPResponse
        do {
            response = try http.sendIdempotent(request, policy: policy).requireSuccess(for: request)
        } catch {
            throw .transport("\(method): \(error)")
        }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw .transport("\(method): the answer is not a JSON-RPC object")
        }
        if let e = obj["error"] as? [String: Any] {
            throw .node("\(e["message"] as? String ?? "error")")
        }
        return obj["result"] ?? NSNull()
    }

    func estimateGas(from owner: Address, call c: ContractCall) -> Result<BigUInt, RPCError> {
        do throws(RPCError) {
            let params =
                #"[{"from":"\#(owner.checksummed)","to":"\#(c.to.checksummed)","data":"\#(Hex.encode(c.data))"}]"#
            return .success(try quantity(try call("eth_estimateGas", params)))
        } catch {
            return .failure(error)
        }
    }

    func quantity(_ v: Any) throws(RPCError) -> BigUInt {
        guard let s = v as? String, s.hasPrefix("0x"),
            let n = BigUInt(s.dropFirst(2).isEmpty ? "0" : String(s.dropFirst(2)), radix: 16)
        else { throw .transport("not a hex quantity: \(v)") }
        return n
    }

    func ethCall(_ c: ContractCall) throws(RPCError) -> BigUInt {
        let r = try call(
            "eth_call", #"[{"to":"\#(c.to.checksummed)","data":"\#(Hex.encode(c.data))"},"latest"]"#)
        guard let s = r as? String, let bytes = try? Hex.decode(s), bytes.count == 32 else {
            throw .transport("eth_call: result is not one 32-byte word")
        }
        return BigUInt(Data(bytes))
    }
}
