import BigInt
import Foundation
import LTChain

/// One log of a transaction receipt (`eth_getTransactionReceipt` → `logs[]`).
public struct ReceiptLog: Sendable, Hashable {
    /// The contract that emitted it.
    public var address: Address
    /// topics[0] = keccak256 of the event signature, then one 32-byte word per indexed argument.
    public var topics: [[UInt8]]
    /// The non-indexed arguments, ABI-encoded.
    public var data: [UInt8]

    public init(address: Address, topics: [[UInt8]], data: [UInt8]) {
        self.address = address
        self.topics = topics
        self.data = data
    }
}

/// What a redemption paid, read from its receipt's logs (protocol §8).
///
/// * The CTF emits `PayoutRedemption(address indexed redeemer, address indexed collateralToken,
///   bytes32 indexed parentCollectionId, bytes32 conditionId, uint256[] indexSets, uint256 payout)`
///   for every `redeemPositions`; `redeemer` is whoever called the CTF: the holding wallet on the
///   v1 path (CTF + USDC.e), the adapter on the V2 and NegRiskAdapter paths.
/// * The protocol reference does not specify events of the collateral adapters or the
///   NegRiskAdapter, so on those paths the payout is the collateral ERC-20 `Transfer(from, to,
///   value)` to the holding wallet (pUSD from a collateral adapter, USDC.e from the NegRiskAdapter).
public enum RedemptionLogs {
    public static let payoutRedemptionSignature =
        "PayoutRedemption(address,address,bytes32,bytes32,uint256[],uint256)"
    public static let transferSignature = "Transfer(address,address,uint256)"
    public static let payoutRedemptionTopic = keccak256(Array(payoutRedemptionSignature.utf8))
    public static let transferTopic = keccak256(Array(transferSignature.utf8))
    /// The collateral tokens a redemption can pay in.
    public static let collateralTokens: Set<Address> = [PolymarketContracts.usdcE, PolymarketContracts.collateral]

    /// The payout to `holder` in base units (6 decimals), or nil when the logs show no redemption
    /// and no collateral transfer to it:
    /// 1. the CTF's `PayoutRedemption` events whose redeemer is the holder (v1 path), summed;
    /// 2. else the collateral `Transfer`s to the holder (adapter paths), summed;
    /// 3. else 0 when the CTF reports a redemption that paid the holder nothing (a losing side);
    /// 4. else nil.
    public static func payout(logs: [ReceiptLog], holder: Address) -> BigUInt? {
        var direct: BigUInt?
        var transferred: BigUInt?
        var redemptionSeen = false
        for log in logs {
            guard let topic0 = log.topics.first else { continue }
            if log.address == PolymarketContracts.conditionalTokens, topic0 == payoutRedemptionTopic,
                log.topics.count == 4
            {
                guard
                    let values = try? ABI.decode(types: [.bytes32, .array(.uint256), .uint256], data: log.data),
                    values.count == 3, let paid = values[2].uintValue
                else { continue }
                redemptionSeen = true
                if log.topics[1] == holder.word { direct = (direct ?? 0) + paid }
            } else if collateralTokens.contains(log.address), topic0 == transferTopic, log.topics.count == 3,
                log.topics[2] == holder.word, log.data.count == 32
            {
                transferred = (transferred ?? 0) + BigUInt(Data(log.data))
            }
        }
        return direct ?? transferred ?? (redemptionSeen ? 0 : nil)
    }

    /// The receipt's `logs` as JSON-RPC answers them (`[{address, topics, data}]`); nil when one
    /// is malformed (a receipt that cannot be read says nothing about the payout).
    public static func parse(json: Any?) -> [ReceiptLog]? {
        guard let items = json as? [Any] else { return nil }
        var out: [ReceiptLog] = []
        for item in items {
            guard let o = item as? [String: Any], let a = o["address"] as? String, let address = try? Address(hex: a),
                let topicTexts = o["topics"] as? [String], let d = o["data"] as? String, let data = try? Hex.decode(d)
            else { return nil }
            var topics: [[UInt8]] = []
            for t in topicTexts {
                guard let bytes = try? Hex.decode(t), bytes.count == 32 else { return nil }
                topics.append(bytes)
            }
            out.append(ReceiptLog(address: address, topics: topics, data: data))
        }
        return out
    }

    /// The CTF's `PayoutRedemption` log (the paper chain emits it; tests build vectors with it).
    public static func payoutRedemptionLog(
        redeemer: Address, collateral: Address, conditionID: [UInt8], indexSets: [BigUInt], payout: BigUInt
    ) -> ReceiptLog {
        ReceiptLog(
            address: PolymarketContracts.conditionalTokens,
            topics: [payoutRedemptionTopic, redeemer.word, collateral.word, Word.zero],
            data: ABI.encode([.bytes32(conditionID), .array(indexSets.map { .uint($0) }), .uint(payout)]))
    }

    /// An ERC-20 `Transfer(from, to, value)` log of `token`.
    public static func transferLog(token: Address, from: Address, to: Address, value: BigUInt) -> ReceiptLog {
        ReceiptLog(address: token, topics: [transferTopic, from.word, to.word], data: Word.uint(value))
    }
}
