import BigInt
import Foundation
import LTChain
import LTCore

/// `lt doctor`'s reads of the chain (LTCore `DoctorChain`) over the same JSON-RPC plumbing redeem
/// uses (`RPCRedemptionChain`: one node, one retry policy): the chain id, each wallet's collateral
/// and the exchange contracts' permissions over it, and the signer's gas.
public final class RPCDoctorChain: DoctorChain {
    let rpc: RPCRedemptionChain

    public init(rpc: RPCRedemptionChain) { self.rpc = rpc }

    /// The contracts that move a wallet's funds when its orders match (protocol §1, V2 era): the
    /// exchange for standard markets, the neg-risk exchange and the NegRiskAdapter for neg-risk ones.
    /// Polymarket's UI approves the same three.
    public static let spenders: [(name: String, address: Address)] = [
        ("CTF Exchange", PolymarketContracts.exchangeV2),
        ("Neg-risk CTF Exchange", PolymarketContracts.negRiskExchangeV2),
        ("NegRiskAdapter", PolymarketContracts.negRiskAdapter),
    ]

    public func chainID() throws -> Int64 {
        let id = try rpc.quantity(try rpc.call("eth_chainId", "[]"))
        return Int64(exactly: id) ?? -1
    }

    public func collateralBalance(_ address: String) throws -> Fixed6 {
        let owner = try Address(hex: address)
        return Self.micros(
            try rpc.ethCall(
                ContractCall(
                    to: PolymarketContracts.collateral,
                    data: ABI.encodeCall(signature: "balanceOf(address)", args: [.address(owner)]))))
    }

    public func allowances(owner address: String) throws -> [Doctor.Allowance] {
        let owner = try Address(hex: address)
        return try Self.spenders.map { spender in
            let allowance = try rpc.ethCall(
                ContractCall(
                    to: PolymarketContracts.collateral,
                    data: ABI.encodeCall(
                        signature: "allowance(address,address)", args: [.address(owner), .address(spender.address)])))
            let approved = try rpc.ethCall(Redemption.isApprovedForAllCall(owner: owner, operator: spender.address))
            return Doctor.Allowance(
                spender: spender.name, address: spender.address.checksummed, collateral: Self.micros(allowance),
                outcomeTokens: approved != 0)
        }
    }

    public func gasBalance(_ address: String) throws -> Fixed6 {
        let owner = try Address(hex: address)
        let wei = try rpc.quantity(try rpc.call("eth_getBalance", #"["\#(owner.checksummed)","latest"]"#))
        // 18 decimals of wei → 6 of Fixed6, rounded down.
        return Self.micros(wei / BigUInt(1_000_000_000_000))
    }

    /// Base units (6 decimals) as Fixed6, saturating: an "unlimited" uint256 allowance is `.max`.
    static func micros(_ v: BigUInt) -> Fixed6 {
        Int64(exactly: v).map { Fixed6(micros: $0) } ?? .max
    }
}
