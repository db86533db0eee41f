import BigInt
import Foundation
import LTChain
import LTCore
import LTHTTP

/// Conditions' payouts from the chain (design §4, protocol §8): the CTF's `payoutDenominator` and
/// `payoutNumerators`, read with JSON-RPC `eth_call`s in batches. The CLOB market gives the outcome
/// order (its `tokens` are listed in outcome-index order, as Gamma's `clobTokenIds`) and is read
/// only for conditions the chain already reports as paid out.
public final class ChainPayoutSource: PayoutSource {
    public let rpcURL: String
    let http: HTTPClient
    let clob: ClobClient
    let policy: RetryPolicy
    /// Calls per JSON-RPC batch: public endpoints cap batches (often at 100 or fewer).
    let batchSize: Int

    public init(rpcURL: String, http: HTTPClient, clob: ClobClient, policy: RetryPolicy = .default, batchSize: Int = 50)
    {
        self.rpcURL = rpcURL
        self.http = http
        self.clob = clob
        self.policy = policy
        self.batchSize = max(1, batchSize)
    }

    public var provesPayouts: Bool { true }

    public static let payoutNumeratorsSignature = "payoutNumerators(bytes32,uint256)"

    public func resolutions(conditionIDs: [String]) -> [String: ConditionResolution] {
        var out: [String: ConditionResolution] = [:]
        var valid: [(id: String, bytes: [UInt8])] = []
        for cid in conditionIDs {
            guard let b = try? Hex.decode(cid), b.count == 32 else {
                out[cid] = .unreadable("condition id is not 32 bytes of hex")
                continue
            }
            valid.append((cid, b))
        }
        // Denominators of every condition, batched.
        let denominators: [Result<BigUInt, RPCFailure>]
        do {
            denominators = try ethCalls(
                valid.map { Redemption.payoutDenominatorCall(conditionID: $0.bytes) })
        } catch {
            for c in valid { out[c.id] = .unreadable(error.description) }
            return out
        }
        var paid: [(id: String, bytes: [UInt8], denominator: Int64)] = []
        for (c, d) in zip(valid, denominators) {
            switch d {
            case .failure(let e): out[c.id] = .unreadable(e.description)
            case .success(let v) where v.isZero: out[c.id] = .open
            case .success(let v):
                guard let den = Int64(exactly: v) else {
                    out[c.id] = .unreadable("payout denominator \(v) out of range")
                    continue
                }
                paid.append((c.id, c.bytes, den))
            }
        }
        // The outcome order from the CLOB, then every numerator of the paid conditions, batched.
        var tokens: [String: [ClobToken]] = [:]
        var calls: [ContractCall] = []
        for c in paid {
            do {
                let market = try clob.market(conditionID: c.id)
                guard market.tokens.count >= 2 else {
                    out[c.id] = .unreadable("CLOB market lists \(market.tokens.count) tokens")
                    continue
                }
                tokens[c.id] = market.tokens
                for i in market.tokens.indices {
                    calls.append(
                        ContractCall(
                            to: PolymarketContracts.conditionalTokens,
                            data: ABI.encodeCall(
                                signature: Self.payoutNumeratorsSignature,
                                args: [.bytes32(c.bytes), .uint(BigUInt(i))])))
                }
            } catch {
                out[c.id] = .unreadable("CLOB market: \(error)")
            }
        }
        let numerators: [Result<BigUInt, RPCFailure>]
        do {
            numerators = try ethCalls(calls)
        } catch {
            for c in paid where tokens[c.id] != nil { out[c.id] = .unreadable(error.description) }
            return out
        }
        var next = 0
        for c in paid {
            guard let ts = tokens[c.id] else { continue }
            var outcomes: [PayoutOutcome] = []
            var problem: String?
            for t in ts {
                switch numerators[next] {
                case .success(let v):
                    if let n = Int64(exactly: v) {
                        outcomes.append(PayoutOutcome(tokenID: t.tokenID, label: t.outcome, numerator: n))
                    } else {
                        problem = "payout numerator \(v) out of range"
                    }
                case .failure(let e): problem = e.description
                }
                next += 1
            }
            let sum = outcomes.reduce(Int64(0)) { $0 &+ $1.numerator }
            if let problem {
                out[c.id] = .unreadable(problem)
            } else if sum != c.denominator {
                // The CTF sets the denominator to the numerators' sum; anything else means the
                // outcome order or count is not what the CLOB said. Never settle on a guess.
                out[c.id] = .unreadable("payout numerators sum to \(sum), denominator is \(c.denominator)")
            } else {
                out[c.id] = .resolved(ConditionPayout(outcomes: outcomes, denominator: c.denominator, proven: true))
            }
        }
        return out
    }

    public struct RPCFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `eth_call`s at the latest block, in batches: one result per call, in order. Throws when a
    /// whole batch failed (transport, HTTP status, not JSON-RPC).
    func ethCalls(_ calls: [ContractCall]) throws(RPCFailure) -> [Result<BigUInt, RPCFailure>] {
        var results: [Result<BigUInt, RPCFailure>] = []
        var start = 0
        while start < calls.count {
            let chunk = Array(calls[start..<min(start + batchSize, calls.count)])
            let body =
                "["
                + chunk.enumerated().map { i, c in
                    #"{"jsonrpc":"2.0","id":\#(i),"method":"eth_call","params":[{"to":"\#(c.to.checksummed)","data":"\#(Hex.encode(c.data))"},"latest"]}"#
                }.joined(separator: ",") + "]"
            let request = HTTPRequest.json(.post, rpcURL, body: body)
            let response: HTTPResponse
            do {
                response = try http.sendIdempotent(request, policy: policy).requireSuccess(for: request)
            } catch {
                throw RPCFailure(description: "JSON-RPC: \(error)")
            }
            guard let items = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] else {
                throw RPCFailure(description: "JSON-RPC: the batch answer is not an array of objects")
            }
            var byID: [Int: Result<BigUInt, RPCFailure>] = [:]
            for item in items {
                guard let id = (item["id"] as? NSNumber)?.intValue else { continue }
                if let e = item["error"] as? [String: Any] {
                    byID[id] = .failure(RPCFailure(description: "eth_call: \(e["message"] as? String ?? "error")"))
                } else if let hex = item["result"] as? String, let bytes = try? Hex.decode(hex), bytes.count == 32 {
                    byID[id] = .success(BigUInt(Data(bytes)))
                } else {
                    byID[id] = .failure(RPCFailure(description: "eth_call: result is not one 32-byte word"))
                }
            }
            for i in chunk.indices {
                results.append(byID[i] ?? .failure(RPCFailure(description: "eth_call: no answer for call \(i)")))
            }
            start += chunk.count
        }
        return results
    }
}

/// Without an RPC: the CLOB market's `closed` + `tokens[].winner` (winner 1, others 0). Unproven —
/// no contract stands behind the flag — and the job says so in its log. A market with no winner or
/// several winners (a split) waits: a split's fractions are not on the CLOB.
public final class ClobPayoutSource: PayoutSource {
    let clob: ClobClient

    public init(clob: ClobClient) { self.clob = clob }

    public var provesPayouts: Bool { false }

    public func resolutions(conditionIDs: [String]) -> [String: ConditionResolution] {
        var out: [String: ConditionResolution] = [:]
        for cid in conditionIDs {
            do {
                out[cid] = Self.resolution(try clob.market(conditionID: cid))
            } catch {
                out[cid] = .unreadable("CLOB market: \(error)")
            }
        }
        return out
    }

    static func resolution(_ m: ClobMarket) -> ConditionResolution {
        guard m.closed else { return .open }
        let winners = m.tokens.filter(\.winner)
        switch winners.count {
        case 0: return .awaitingPayout("closed on the CLOB with no winner yet")
        case 1:
            return .resolved(
                ConditionPayout(
                    outcomes: m.tokens.map {
                        PayoutOutcome(tokenID: $0.tokenID, label: $0.outcome, numerator: $0.winner ? 1 : 0)
                    }, denominator: 1, proven: false))
        default:
            return .awaitingPayout("several winners on the CLOB: a split payout needs LT_POLYGON_RPC_URL")
        }
    }
}
