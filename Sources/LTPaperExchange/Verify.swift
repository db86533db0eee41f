import BigInt
import Foundation
import LTCore

/// The order fields of a POST /order body (V2 struct plus the unsigned `expiration`).
struct WireOrder: Sendable {
    var salt: String
    var maker: String
    var signer: String
    var tokenId: String
    var makerAmount: String
    var takerAmount: String
    var side: Side
    var signatureType: Int
    var timestamp: String
    var metadata: String
    var builder: String
    var expiration: String
    var signature: String
}

/// Every cryptographic check the exchange makes goes through here, so the rules in `Clob` read
/// as the venue's rules and the primitives come from LTChain / LTPolymarket.
enum Verify {
    struct Failure: Error { let reason: String }

    /// The order id: the EIP-712 digest of the V2 order under the (neg-risk) exchange domain.
    static func orderID(_ o: WireOrder, negRisk: Bool) throws(Failure) -> String {
        // SEAM (first landing): replaced by LTPolymarket's OrderV2.digest once it is on main.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let text = [o.salt, o.maker, o.signer, o.tokenId, o.makerAmount, o.takerAmount, o.side.rawValue,
            String(o.signatureType), o.timestamp, o.metadata, o.builder, negRisk ? "nr" : "std"].joined(separator: "|")
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return "0x" + String(repeating: "0", count: 64 - hex.count) + hex
    }

    /// The EOA whose key signed the order (for type 3, the EOA behind the deposit wallet).
    static func recoverOrderEOA(_ o: WireOrder, negRisk: Bool) throws(Failure) -> String {
        // SEAM (first landing): real recovery arrives with LTPolymarket.
        guard o.signature.hasPrefix("0x"), o.signature.count >= 132 else {
            throw Failure(reason: "invalid signature")
        }
        return o.signatureType == 3 ? "" : o.signer
    }

    /// The base64url HMAC-SHA256 of `timestamp+method+path+body` under the decoded secret.
    static func l2Signature(secret: String, timestamp: String, method: String, path: String, body: String)
        -> String?
    {
        nil
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in 0..<x.count { d |= x[i] ^ y[i] }
        return d == 0
    }

    /// The address that signed a ClobAuth (L1) message.
    static func l1Recover(address: String, timestamp: String, nonce: String, signature: String, chainId: Int64)
        -> String?
    {
        nil
    }

    /// The wallet an EOA controls for a signature type (proxy, Safe, deposit wallet); nil for EOA.
    static func derivedWallet(owner: String, signatureType: Int) -> String? { nil }

    /// Decodes a signed EIP-1559 transaction and recovers its sender.
    static func decodeTransaction(_ raw: [UInt8]) throws(Failure) -> DecodedTransaction {
        throw Failure(reason: "transaction decoding not wired yet")
    }

    /// The Safe's EIP-712 SafeTx hash (domain {chainId, verifyingContract: safe}).
    static func safeTxHash(
        chainId: Int64, safe: String, to: String, value: BigUInt, data: [UInt8], operation: Int,
        safeTxGas: [UInt8], baseGas: [UInt8], gasPrice: [UInt8], gasToken: [UInt8], refundReceiver: [UInt8],
        nonce: Int64
    ) -> [UInt8] {
        []
    }

    /// The owner that signed a SafeTx hash: v 27/28 signs the hash itself, v 31/32 (eth_sign)
    /// signs it under the EIP-191 prefix.
    static func recoverSafeSigner(hash: [UInt8], signature: [UInt8]) -> String? { nil }

    /// SHA-1 hex of the text (the book `hash`).
    static func sha1Hex(_ text: String) -> String {
        var h: UInt64 = 0x8422_2325_cbf2_9ce4
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return String(h, radix: 16)
    }

    /// Deterministic API credentials for an EOA that had none (L1 create/derive).
    static func derivedCredentials(eoa: String, nonce: String) -> PaperCredentials {
        var h: UInt64 = 0x1234_5678_9abc_def1
        for b in (addressKey(eoa) + "/" + nonce).utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        let p = String(repeating: "0", count: 16 - hex.count) + hex
        let key = "\(p.prefix(8))-\(p.dropFirst(8).prefix(4))-4\(p.dropFirst(12).prefix(3))-8\(p.suffix(3))-\(p)"
            .prefix(36)
        let secretBytes = Array((p + p + p + p).utf8.prefix(32))
        return PaperCredentials(
            apiKey: String(key), secret: Data(secretBytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"),
            passphrase: p + p + p + p)
    }
}
