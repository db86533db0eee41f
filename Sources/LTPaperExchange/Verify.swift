import BigInt
import COpenSSL
import Foundation
import LTChain
import LTCore
import LTPolymarket

/// The order of a POST /order body as the exchange's rules read it (text fields), plus the parsed
/// signed order the cryptographic checks use.
struct WireOrder: Sendable {
    var maker: String
    var signer: String
    var tokenID: String
    var makerAmount: String
    var takerAmount: String
    var side: Side
    var signatureType: Int
    var expiration: String
    var signed: SignedOrder
}

/// Every cryptographic check the exchange makes goes through here, so the rules in `Clob` read
/// as the venue's rules and the primitives come from LTChain / LTPolymarket.
enum Verify {
    struct Failure: Error { let reason: String }

    static func domain(negRisk: Bool, chainID: Int64) -> ExchangeDomain {
        .v2(negRisk: negRisk, chainID: Int(chainID))
    }

    /// The order id: the EIP-712 digest of the V2 order under the (neg-risk) exchange domain.
    static func orderID(_ o: WireOrder, negRisk: Bool, chainID: Int64) throws(Failure) -> String {
        o.signed.order.orderID(domain: domain(negRisk: negRisk, chainID: chainID))
    }

    /// The EOA whose key signed the order (for type 3, the EOA behind the deposit wallet).
    static func recoverOrderEOA(_ o: WireOrder, negRisk: Bool, chainID: Int64) throws(Failure) -> String {
        do {
            return try o.signed.recoverSigningEOA(domain: domain(negRisk: negRisk, chainID: chainID)).checksummed
        } catch {
            throw Failure(reason: "invalid signature")
        }
    }

    /// The base64url HMAC-SHA256 of `timestamp+method+path+body` under the decoded secret.
    static func l2Signature(
        secret: String, timestamp: String, method: String, path: String, body: String, legacyQuoteQuirk: Bool
    ) -> String? {
        guard let ts = Int64(timestamp) else { return nil }
        return try? L2Auth.signature(
            secret: secret, timestamp: ts, method: method, requestPath: path, body: body.isEmpty ? nil : body,
            legacyQuoteQuirk: legacyQuoteQuirk)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        Crypto.constantTimeEqual(Array(a.utf8), Array(b.utf8))
    }

    /// The address that signed a ClobAuth (L1) message.
    static func l1Recover(address: String, timestamp: String, nonce: String, signature: String, chainID: Int64)
        -> String?
    {
        guard let a = try? Address(hex: address), let ts = Int64(timestamp), let n = UInt64(nonce) else { return nil }
        return
            (try? L1Auth.recoverAddress(
                signature: signature, address: a, timestamp: ts, nonce: n, chainID: Int(chainID)))?
            .checksummed
    }

    /// The wallets an EOA controls for a signature type (proxy, Safe, deposit wallet: beacon or UUPS).
    static func derivedWallets(owner: String, signatureType: Int) -> [String] {
        guard let eoa = try? Address(hex: owner) else { return [] }
        switch signatureType {
        case 1: return [WalletDerivation.proxyWallet(owner: eoa).checksummed]
        case 2: return [WalletDerivation.safe(owner: eoa).checksummed]
        case 3:
            return WalletDerivation.DepositWalletKind.allCases.map {
                WalletDerivation.depositWallet(owner: eoa, kind: $0).checksummed
            }
        default: return [eoa.checksummed]
        }
    }

    /// Hex of SHA-1 of the text (the book `hash`).
    static func sha1Hex(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBufferPointer { SHA1($0.baseAddress, $0.count, &digest) }
        return Hex.encode(digest, prefix: false)
    }

    /// Deterministic API credentials for an EOA that had none (L1 create/derive): derived from the
    /// address and nonce, so a rerun of a test gets the same key.
    static func derivedCredentials(eoa: String, nonce: String) -> PaperCredentials {
        let seed = keccak256(utf8: "lt-paper-exchange/api-key/" + addressKey(eoa) + "/" + nonce)
        let h = Hex.encode(seed, prefix: false)
        func part(_ from: Int, _ length: Int) -> Substring { h.dropFirst(from).prefix(length) }
        let key = "\(part(0, 8))-\(part(8, 4))-4\(part(13, 3))-8\(part(17, 3))-\(part(20, 12))"
        let secret = keccak256(seed)
        return PaperCredentials(
            apiKey: key, secret: Base64.encodeURL(secret), passphrase: Hex.encode(keccak256(secret), prefix: false))
    }

    /// Decodes a signed EIP-1559 transaction and recovers its sender.
    static func decodeTransaction(_ raw: [UInt8]) throws(Failure) -> DecodedTransaction {
        do {
            let (tx, sender, hash) = try EIP1559Transaction.decodeSigned(raw: raw)
            return DecodedTransaction(
                chainID: Int64(tx.chainID), nonce: Int64(tx.nonce), to: tx.to?.checksummed ?? "", data: tx.data,
                sender: sender.checksummed, hash: Hex.encode(hash), maxFee: tx.maxFeePerGas,
                tip: tx.maxPriorityFeePerGas)
        } catch {
            throw Failure(reason: "\(error)")
        }
    }

    /// The Safe owner a `execTransaction` signature stands for (first signature only, threshold 1):
    /// v 27/28 signs the SafeTx digest, v 31/32 ("eth_sign") signs it under the EIP-191 prefix, and
    /// v 1 is a pre-validated signature valid only when the owner (r) sends the transaction itself.
    static func safeSigner(digest: [UInt8], signature: [UInt8], sender: String) -> String? {
        guard signature.count >= 65 else { return nil }
        let r = Array(signature[0..<32])
        let s = Array(signature[32..<64])
        let v = signature[64]
        switch v {
        case 1:
            let owner = Address(bytes: Array(r[12...])).checksummed
            return addressKey(owner) == addressKey(sender) ? owner : nil
        case 27, 28:
            return (try? Signature(r: r, s: s, yParity: v - 27).recover(digest: digest))?.checksummed
        case 31, 32:
            let prefixed = EIP191.hash(message: digest)
            return (try? Signature(r: r, s: s, yParity: v - 31).recover(digest: prefixed))?.checksummed
        default:
            return nil
        }
    }
}
