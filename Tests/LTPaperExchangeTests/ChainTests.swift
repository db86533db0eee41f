import BigInt
import Foundation
import LTChain
import LTCore
import LTPolymarket
import Testing

@testable import LTPaperExchange

/// A chain client for the tests: signs transactions with the reference key and calls `POST /rpc`.
struct ChainCaller {
    let ex: PaperExchange
    let key: PrivateKey

    func rpc(_ method: String, _ params: [JSON]) -> JSON {
        let body = JSON.object([
            ("jsonrpc", "2.0"), ("id", .int(1)), ("method", .string(method)), ("params", .array(params)),
        ])
        return ex.handle(PaperRequest(method: "POST", target: "/rpc", body: Array(body.text.utf8))).json ?? .null
    }

    func nonce() -> UInt64 {
        let r = rpc("eth_getTransactionCount", [.string(key.address.checksummed), "pending"])
        return UInt64(r["result"]?.stringValue?.dropFirst(2) ?? "", radix: 16) ?? 999
    }

    /// Sends `call` as a signed EIP-1559 transaction; answers the RPC reply.
    func send(_ call: ContractCall, nonce: UInt64? = nil) throws -> JSON {
        let tx = EIP1559Transaction(
            chainID: 137, nonce: nonce ?? self.nonce(), maxPriorityFeePerGas: 30_000_000_000,
            maxFeePerGas: 60_000_000_000, gasLimit: 300_000, to: call.to, data: call.data)
        return rpc("eth_sendRawTransaction", [.string(try tx.signed(with: key).rawHex)])
    }

    func receipt(_ reply: JSON) -> JSON {
        rpc("eth_getTransactionReceipt", [reply["result"] ?? .null])["result"] ?? .null
    }

    /// What the receipt's logs say `holder` was paid (RedemptionLogs), as decimal text.
    func paid(_ reply: JSON, to holder: String) throws -> String? {
        let obj = try JSONSerialization.jsonObject(with: Data(receipt(reply).text.utf8)) as? [String: Any]
        let logs = try #require(RedemptionLogs.parse(json: obj?["logs"]))
        guard let paid = RedemptionLogs.payout(logs: logs, holder: try Address(hex: holder)) else { return nil }
        return Fixed6(micros: try #require(Int64(exactly: paid))).plainText
    }
}

@Suite struct RedemptionTests {
    let cid = try! Hex.decode(TestScenario.standardCid)

    @Test func redemptionPaysTheWinningSharesOnceThenNothing() throws {
        let ex = try TestScenario().exchange()  // the EOA holds 50 YES
        let chain = ChainCaller(ex: ex, key: try PrivateKey(hex: TestKey.privateKey))
        #expect(chain.rpc("eth_chainId", [])["result"]?.stringValue == "0x89")
        let call = Redemption.redeem(conditionID: cid, negRisk: false)

        // Not resolved yet: payoutDenominator is 0 and a redemption reverts (only the nonce moves).
        let denom = Redemption.payoutDenominatorCall(conditionID: cid)
        func denominator() -> String? {
            chain.rpc(
                "eth_call",
                [
                    .object([("to", .string(denom.to.checksummed)), ("data", .string(Hex.encode(denom.data)))]),
                    "latest",
                ])["result"]?.stringValue
        }
        #expect(denominator() == "0x" + String(repeating: "0", count: 64))
        let early = try chain.send(call)
        #expect(chain.receipt(early)["status"]?.stringValue == "0x0")
        #expect(ex.collateral(TestKey.address) == "1000")

        _ = ex.control("resolve", .object([("winner_token_id", .string(TestScenario.yes))]))
        #expect(denominator() == "0x" + String(repeating: "0", count: 63) + "1")
        let first = try chain.send(call)
        let r1 = chain.receipt(first)
        #expect(r1["status"]?.stringValue == "0x1")
        #expect(try chain.paid(first, to: TestKey.address) == "50")
        #expect(ex.collateral(TestKey.address) == "1050")
        let balance = Redemption.balanceOfCall(owner: chain.key.address, tokenID: BigUInt(TestScenario.yes)!)
        let b = chain.rpc(
            "eth_call",
            [.object([("to", .string(balance.to.checksummed)), ("data", .string(Hex.encode(balance.data)))])])
        #expect(b["result"]?.stringValue == "0x" + String(repeating: "0", count: 64))

        let second = try chain.send(call)
        #expect(chain.receipt(second)["status"]?.stringValue == "0x1")
        #expect(try chain.paid(second, to: TestKey.address) == "0")
        #expect(ex.collateral(TestKey.address) == "1050")

        // A used nonce is refused (a different transaction, so not merely "already known").
        let replay = try chain.send(
            Redemption.setApprovalForAll(operator: PolymarketContracts.collateralAdapter), nonce: 0)
        #expect(replay["error"]?["message"]?.stringValue?.contains("nonce too low") == true)
    }

    @Test func safeAndProxyRoutesRedeemForTheirWallet() throws {
        let ex = try TestScenario().exchange()  // every wallet holds 50 YES
        let key = try PrivateKey(hex: TestKey.privateKey)
        let chain = ChainCaller(ex: ex, key: key)
        _ = ex.control("resolve", .object([("winner_token_id", .string(TestScenario.yes))]))
        let call = Redemption.redeem(conditionID: cid, negRisk: false)

        let viaSafe = try #require(
            WalletRouting.route(
                call, signatureType: .polyGnosisSafe, owner: key.address, safe: try Address(hex: TestKey.safe)))
        #expect(try chain.paid(try chain.send(viaSafe), to: TestKey.safe) == "50")
        #expect(ex.collateral(TestKey.safe) == "1050")
        #expect(ex.collateral(TestKey.address) == "1000")

        let viaProxy = try #require(WalletRouting.route(call, signatureType: .polyProxy, owner: key.address))
        #expect(try chain.paid(try chain.send(viaProxy), to: TestKey.proxy) == "50")
        #expect(ex.collateral(TestKey.proxy) == "1050")

        // Another key cannot move the Safe's funds with a pre-validated signature for the owner.
        let stranger = ChainCaller(ex: ex, key: try PrivateKey(hex: "0x" + String(repeating: "22", count: 32)))
        _ = ex.control(
            "wallet",
            .object([
                ("address", .string(TestKey.safe)),
                ("positions", .array([.object([("token_id", .string(TestScenario.yes)), ("size", "5")])])),
            ]))
        #expect(stranger.receipt(try stranger.send(viaSafe))["status"]?.stringValue == "0x0")
        #expect(ex.collateral(TestKey.safe) == "1050")
    }

    @Test func negRiskRedeemsThroughTheAdapters() throws {
        var s = TestScenario()
        s.nrYesShares = "30"
        let ex = try s.exchange()
        let chain = ChainCaller(ex: ex, key: try PrivateKey(hex: TestKey.privateKey))
        _ = ex.control("resolve", .object([("winner_token_id", .string(TestScenario.nrYes))]))
        let nrCid = try Hex.decode(TestScenario.negRiskCid)
        // The standard adapter refuses a neg-risk condition.
        let wrong = Redemption.redeem(conditionID: nrCid, negRisk: false)
        #expect(chain.receipt(try chain.send(wrong))["status"]?.stringValue == "0x0")
        let call = Redemption.negRiskAdapterRedeem(conditionID: nrCid, amounts: [BigUInt(30_000_000), 0])
        #expect(try chain.paid(try chain.send(call), to: TestKey.address) == "30")
        #expect(ex.collateral(TestKey.address) == "1030")
        let again = Redemption.redeem(conditionID: nrCid, negRisk: true)
        #expect(try chain.paid(try chain.send(again), to: TestKey.address) == "0")
    }
}
