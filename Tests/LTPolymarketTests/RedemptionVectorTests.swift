import BigInt
import Foundation
import LTChain
import Testing

@testable import LTPolymarket

/// redemption.json: selectors, redeem calldata, proxy-factory and Safe encodings, relayer hashes and
/// signatures, wallet derivations — every entry.
struct RedemptionVectorTests {
    nonisolated(unsafe) static let file = Vectors.load("redemption.json")
    static var calls: [String: [String: String]] { file["calls"] as! [String: [String: String]] }
    static var requests: [[String: Any]] { file["relayer_requests"] as! [[String: Any]] }

    static func call(_ json: [String: Any]) throws -> ContractCall {
        ContractCall(
            to: try Address(hex: json["to"] as! String), data: try Hex.decode(json["data"] as! String),
            value: BigUInt(Vectors.string(json["value"]))!)
    }

    /// Rebuilds a call from its decoded arguments with the builders `lt` uses.
    static func rebuild(_ c: ContractCall) throws -> ContractCall {
        switch Hex.encode(c.data.prefix(4)) {
        case "0x01b7037c":
            let a = try ABI.decodeCall(signature: Redemption.redeemPositionsSignature, data: c.data)
            #expect(a[1].bytesValue == Word.zero)
            let built = Redemption.redeemPositions(
                target: c.to, collateral: a[0].addressValue!, conditionID: a[2].bytesValue!,
                indexSets: a[3].arrayValue!.map { $0.uintValue! })
            // The era- and market-specific builders pick the same target and collateral.
            let cid = a[2].bytesValue!
            switch c.to {
            case PolymarketContracts.collateralAdapter:
                #expect(Redemption.redeem(conditionID: cid, negRisk: false) == c)
            case PolymarketContracts.negRiskCollateralAdapter:
                #expect(Redemption.redeem(conditionID: cid, negRisk: true) == c)
            case PolymarketContracts.conditionalTokens: #expect(Redemption.redeemDirectOnCTF(conditionID: cid) == c)
            default: Issue.record("unexpected redeem target \(c.to)")
            }
            return built
        case "0xa22cb465":
            let a = try ABI.decodeCall(signature: Redemption.setApprovalForAllSignature, data: c.data)
            return Redemption.setApprovalForAll(operator: a[0].addressValue!, approved: a[1].boolValue!)
        default:
            Issue.record("unknown call selector in vectors")
            return c
        }
    }

    @Test func selectors() {
        for (signature, selector) in Self.file["selectors"] as! [String: String] {
            #expect(Hex.encode(ABI.selector(signature)) == selector, "\(signature)")
        }
    }

    @Test("redeem and approval calldata", arguments: calls.keys.sorted())
    func callData(name: String) throws {
        let c = try Self.call(Self.calls[name]!)
        #expect(try Self.rebuild(c) == c)
        let proxy = Self.file["proxy_encoding_polymarket_client"] as! [String: String]
        #expect(Hex.encode(ProxyWalletCalls.encode([c])) == proxy[name])
        #expect(try ProxyWalletCalls.decode(ProxyWalletCalls.encode([c])) == [c])
    }

    @Test func negRiskAdapterRedeem() throws {
        let v = Self.file["neg_risk_adapter_redeemPositions"] as! [String: Any]
        let inputs = v["inputs"] as! [String: Any]
        let call = Redemption.negRiskAdapterRedeem(
            conditionID: try Hex.decode(inputs["condition_id"] as! String),
            amounts: (inputs["amounts"] as! [Any]).map { BigUInt(Vectors.string($0))! })
        #expect(call.to == (try Address(hex: v["to"] as! String)))
        #expect(Hex.encode(call.data) == v["data"] as! String)
    }

    @Test("relayer requests: proxy and Safe", arguments: 0..<requests.count)
    func relayerRequest(index: Int) throws {
        let r = Self.requests[index]
        let key = Vectors.testKey
        let safeTx: SafeTransaction
        let safe = r["safe"] as! [String: Any]
        let nonce = BigUInt(Vectors.string((safe["inputs"] as! [String: Any])["nonce"]))!
        if let innerJSON = r["inner_call"] as? [String: Any] {
            let inner = try Self.call(innerJSON)
            try checkProxy(r["proxy"] as! [String: Any], inner: inner)
            safeTx = SafeTransaction(call: inner, nonce: nonce)
            // Owner-sent routing: the Safe's execTransaction with a pre-validated signature round-trips.
            let routed = WalletRouting.route(inner, signatureType: .polyGnosisSafe, owner: key.address)!
            #expect(routed.to == WalletDerivation.safe(owner: key.address))
            let decoded = try SafeTransaction.decodeExecTransaction(routed.data)
            #expect(decoded.tx == SafeTransaction(call: inner))
            #expect(decoded.signatures == SafeTransaction.prevalidatedSignature(owner: key.address))
            #expect(WalletRouting.route(inner, signatureType: .eoa, owner: key.address) == inner)
            #expect(
                WalletRouting.route(inner, signatureType: .polyProxy, owner: key.address)
                    == ProxyWalletCalls.factoryCall([inner]))
        } else {
            let m = r["multisend_tx"] as! [String: Any]
            let call = try Self.call(m)
            #expect(call.to == PolymarketContracts.safeMultiSend)
            safeTx = SafeTransaction(
                to: call.to, value: call.value, data: call.data,
                operation: SafeTransaction.Operation(rawValue: UInt8((m["operation"] as! NSNumber).intValue))!,
                nonce: nonce)
        }
        let body = safe["relayer_submit_body"] as! [String: Any]
        let safeAddress = try Address(hex: body["proxyWallet"] as! String)
        #expect(WalletDerivation.safe(owner: key.address) == safeAddress)
        #expect(
            Vectors.string((body["signatureParams"] as! [String: Any])["operation"])
                == String(safeTx.operation.rawValue))
        if let digest = safe["safe_tx_eip712_digest"] as? String {
            #expect(Hex.encode(try safeTx.digest(safe: safeAddress)) == digest)
        }
        #expect(Hex.encode(try safeTx.ethSignSignature(key: key, safe: safeAddress)) == body["signature"] as! String)
    }

    func checkProxy(_ proxy: [String: Any], inner: ContractCall) throws {
        let key = Vectors.testKey
        let body = proxy["relayer_submit_body"] as! [String: Any]
        let inputs = proxy["inputs"] as! [String: Any]
        let data = ProxyWalletCalls.encode([inner])
        #expect(Hex.encode(data) == proxy["encoded_factory_calldata"] as! String)
        #expect(Hex.encode(data) == body["data"] as! String)
        #expect(ProxyWalletCalls.factoryCall([inner]).to.checksummed == body["to"] as! String)
        #expect(WalletDerivation.proxyWallet(owner: key.address).checksummed == body["proxyWallet"] as! String)
        let structHash = ProxyWalletCalls.relayerStructHash(
            from: key.address, data: data, txFee: BigUInt(Vectors.string(inputs["relayer_fee"]))!,
            gasPrice: BigUInt(Vectors.string(inputs["gas_price"]))!,
            gasLimit: BigUInt(Vectors.string(inputs["gas_limit"]))!,
            nonce: BigUInt(Vectors.string(inputs["nonce"]))!, relay: try Address(hex: inputs["relay"] as! String))
        #expect(Hex.encode(structHash) == proxy["struct_hash"] as! String)
        #expect(Hex.encode(try EIP191.sign(message: structHash, key: key).bytes65) == body["signature"] as! String)
    }

    @Test func safeMultiSend() throws {
        let relayer = Self.file["safe_multisend_relayer_client"] as! [String: Any]
        let calls = try ["ctf_redeemPositions_direct_usdce", "collateral_adapter_redeemPositions_pusd"].map {
            try Self.call(Self.calls[$0]!)
        }
        let tx = MultiSend.safeTransaction(calls)
        #expect(Hex.encode(tx.data) == Self.file["safe_multisend_polymarket_client"] as! String)
        #expect(Hex.encode(tx.data) == relayer["data"] as! String)
        #expect(tx.to == (try Address(hex: relayer["to"] as! String)))
        #expect(Int(tx.operation.rawValue) == (relayer["operation"] as! NSNumber).intValue)
    }

    @Test func walletsAndProductionConfig() throws {
        let wallets = Self.file["wallets"] as! [String: String]
        let owner = try Address(hex: wallets["eoa"]!)
        #expect(WalletDerivation.proxyWallet(owner: owner).checksummed == wallets["poly_proxy"])
        #expect(WalletDerivation.safe(owner: owner).checksummed == wallets["gnosis_safe"])
        #expect(
            WalletDerivation.depositWallet(owner: owner, kind: .beacon).checksummed == wallets["deposit_wallet_beacon"])
        #expect(WalletDerivation.depositWallet(owner: owner, kind: .uups).checksummed == wallets["deposit_wallet_uups"])
        let config = Self.file["production_config_polymarket_client"] as! [String: Any]
        let expected: [String: Address] = [
            "collateral_token": PolymarketContracts.collateral,
            "conditional_tokens": PolymarketContracts.conditionalTokens,
            "neg_risk_adapter": PolymarketContracts.negRiskAdapter,
            "collateral_adapter": PolymarketContracts.collateralAdapter,
            "neg_risk_collateral_adapter": PolymarketContracts.negRiskCollateralAdapter,
            "standard_exchange": PolymarketContracts.exchangeV2,
            "neg_risk_exchange": PolymarketContracts.negRiskExchangeV2,
            "exchange_v3": PolymarketContracts.exchangeV3, "safe_multisend": PolymarketContracts.safeMultiSend,
            "relay_hub": PolymarketContracts.relayHub,
        ]
        for (name, address) in expected { #expect(config[name] as? String == address.checksummed, "\(name)") }
        #expect(Vectors.string(config["chain_id"]) == String(PolymarketContracts.chainID))
    }
}
