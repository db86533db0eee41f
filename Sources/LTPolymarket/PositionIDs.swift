import BigInt
import Foundation
import LTChain

/// CTF position ids (the Gnosis ConditionalTokens' `CTHelpers`): a condition's outcome tokens are
/// ERC-1155 ids derived from the collateral that backs them, so a market's CLOB token ids tell
/// which collateral — hence which redemption path — it uses (protocol §8).
///
/// * `collectionId(parent = 0, conditionId, indexSet)`: x = keccak256(conditionId ‖ indexSet) + 1,
///   + 1 … (mod p of alt_bn128) until x³ + 3 is a square; y = its root with the parity of the
///   hash's top bit; the id is x with bit 254 set when y is odd (a compressed curve point).
/// * `positionId = uint256(keccak256(collateral ‖ collectionId))`.
public enum PositionIDs {
    /// The alt_bn128 base field modulus (p ≡ 3 mod 4, so √a = a^((p+1)/4)).
    static let p = BigUInt("21888242871839275222246405745257275088696311157297823662689037894645226208583", radix: 10)!

    public static func collectionID(conditionID: [UInt8], indexSet: BigUInt) -> [UInt8] {
        let hash = BigUInt(Data(keccak256(conditionID + Word.uint(indexSet))))
        let odd = hash >> 255 != 0
        var x = hash
        var y = BigUInt(0)
        while true {
            x = (x + 1) % p
            let yy = (x * x % p * x + 3) % p
            y = yy.power((p + 1) / 4, modulus: p)
            if y * y % p == yy { break }
        }
        if odd != (y % 2 == 1) { y = p - y }
        if y % 2 == 1 { x ^= BigUInt(1) << 254 }
        return Word.uint(x)
    }

    public static func positionID(collateral: Address, collectionID: [UInt8]) -> BigUInt {
        BigUInt(Data(keccak256(collateral.bytes + collectionID)))
    }

    /// The collateral a market's positions are minted on.
    public enum Backing: String, Sendable, Hashable {
        /// v1 era: USDC.e, redeemed on the CTF with USDC.e.
        case usdcE = "USDC.e"
        /// v1 neg-risk: the NegRiskAdapter's WrappedCollateral, redeemed through the NegRiskAdapter.
        case negRiskWrapped = "WrappedCollateral"
        /// V2 era: pUSD, redeemed through the collateral adapters.
        case pUSD = "pUSD"

        public var token: Address {
            switch self {
            case .usdcE: return PolymarketContracts.usdcE
            case .negRiskWrapped: return PolymarketContracts.negRiskWrappedCollateral
            case .pUSD: return PolymarketContracts.collateral
            }
        }
    }

    /// Which collateral backs `tokenIDs` (decimal) of the binary condition: the first whose
    /// derived position id (index set 1 or 2) is one of them; nil when none is (another collateral,
    /// or ids that are not CTF positions).
    public static func backing(conditionID: [UInt8], tokenIDs: [String]) -> Backing? {
        guard conditionID.count == 32 else { return nil }
        let held = Set(tokenIDs.compactMap { BigUInt($0, radix: 10) })
        guard !held.isEmpty else { return nil }
        let collections = [BigUInt(1), 2].map { collectionID(conditionID: conditionID, indexSet: $0) }
        for b in [Backing.usdcE, .negRiskWrapped, .pUSD] {
            if collections.contains(where: { held.contains(positionID(collateral: b.token, collectionID: $0)) }) {
                return b
            }
        }
        return nil
    }
}
