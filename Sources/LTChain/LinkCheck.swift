import COpenSSL
import CSecp256k1

/// Proves both C libraries link: libcrypto's version number and a secp256k1 context round trip.
public func cryptoLinkCheck() -> (openssl: UInt, secp256k1: Bool) {
    let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))
    defer { if let ctx { secp256k1_context_destroy(ctx) } }
    return (UInt(OpenSSL_version_num()), ctx != nil)
}
