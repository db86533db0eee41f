import CSecp256k1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one libsecp256k1 context of the process. It is created once, randomized against side
/// channels, and never mutated afterwards, so sharing it between threads is safe (libsecp256k1's
/// documented rule); the wrapper class only tells Swift's checker so.
final class Secp256k1Context: @unchecked Sendable {
    let pointer: OpaquePointer

    static let shared = Secp256k1Context()

    private init() {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create failed")
        }
        // Randomization only blinds the signing computation; it cannot change a signature (RFC 6979
        // nonces), so a failure of the random source here is not fatal for correctness.
        if var seed = try? Crypto.randomBytes(count: 32) {
            _ = secp256k1_context_randomize(ctx, &seed)
            for i in seed.indices { seed[i] = 0 }
        }
        pointer = ctx
    }
}

/// Errors of key handling and signatures. None of them carries key material.
public enum KeyError: Error, Equatable, CustomStringConvertible {
    case invalidKeyText
    case invalidKey
    case keyFileUnreadable(path: String, reason: String)
    case keyFileTooOpen(path: String, mode: String)
    case keyFileNotRegular(path: String)
    case signingFailed
    case invalidSignature(String)
    case recoveryFailed

    public var description: String {
        switch self {
        case .invalidKeyText:
            return "private key text is not 32 bytes of hex (64 hex digits, optional 0x)"
        case .invalidKey:
            return "private key is out of range for secp256k1 (zero or ≥ the group order)"
        case .keyFileUnreadable(let path, let reason):
            return "cannot read key file '\(path)': \(reason)"
        case .keyFileTooOpen(let path, let mode):
            return "permissions \(mode) for key file '\(path)' are too open: it must not be readable "
                + "by group or others (run: chmod 600 '\(path)')"
        case .keyFileNotRegular(let path):
            return "key file '\(path)' is not a regular file"
        case .signingFailed:
            return "secp256k1 signing failed"
        case .invalidSignature(let why):
            return "invalid signature: \(why)"
        case .recoveryFailed:
            return "could not recover a public key from the signature"
        }
    }
}

/// A secp256k1 private key. It never shows itself: description, debugDescription, `dump` and
/// reflection all print `PrivateKey(<redacted>)`, and no error it throws contains key bytes.
public struct PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let secret: [UInt8]
    /// The EOA of this key, computed once at load (it costs a point multiplication).
    public let address: Address

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw KeyError.invalidKeyText }
        let ctx = Secp256k1Context.shared.pointer
        guard secp256k1_ec_seckey_verify(ctx, bytes) == 1 else { throw KeyError.invalidKey }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(ctx, &pubkey, bytes) == 1 else { throw KeyError.invalidKey }
        secret = bytes
        address = Address(publicKey64: Self.serializeUncompressed(&pubkey))
    }

    /// Hex text, optional `0x`, surrounding whitespace ignored.
    public init(hex text: String) throws {
        let trimmed = text.filter { !$0.isWhitespace }
        // Hex.Error would quote the offending character: a fragment of the key. Report nothing.
        guard let bytes = try? Hex.decode(trimmed), bytes.count == 32 else { throw KeyError.invalidKeyText }
        try self.init(bytes: bytes)
    }

    /// Loads a hex key from a file that only its owner can read. Like ssh with an identity file,
    /// a file readable or writable by group or others is refused, naming the path and its mode.
    public static func load(file path: String) throws -> PrivateKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw KeyError.keyFileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // fstat on the opened descriptor, not stat on the path: the file checked is the file read.
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw KeyError.keyFileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw KeyError.keyFileNotRegular(path: path) }
        let permissions = st.st_mode & 0o7777
        if permissions & 0o077 != 0 {
            throw KeyError.keyFileTooOpen(path: path, mode: "0" + String(permissions, radix: 8))
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        defer { for i in buffer.indices { buffer[i] = 0 } }
        var total = 0
        while total < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw KeyError.keyFileUnreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            total += n
        }
        let text = String(decoding: buffer[0..<total], as: UTF8.self)
        return try PrivateKey(hex: text)
    }

    /// Signs a 32-byte digest: RFC 6979 deterministic nonce, low S (libsecp256k1 guarantees both),
    /// returning the recovery id as `yParity`.
    public func sign(digest: [UInt8]) throws -> Signature {
        guard digest.count == 32 else { throw KeyError.invalidSignature("digest must be 32 bytes") }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, secret, nil, nil) == 1 else {
            throw KeyError.signingFailed
        }
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &sig)
        return Signature(r: Array(compact[0..<32]), s: Array(compact[32..<64]), yParity: UInt8(recid))
    }

    static func serializeUncompressed(_ pubkey: inout secp256k1_pubkey) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 65)
        var len = 65
        _ = secp256k1_ec_pubkey_serialize(
            Secp256k1Context.shared.pointer, &out, &len, &pubkey, UInt32(SECP256K1_EC_UNCOMPRESSED))
        return Array(out[1..<65])
    }

    public var description: String { "PrivateKey(<redacted>)" }
    public var debugDescription: String { "PrivateKey(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// A recoverable ECDSA signature (r, s, y-parity). `bytes65` is the EIP-191/EIP-712 wire form with
/// v = 27 + yParity; typed transactions carry `yParity` itself.
public struct Signature: Sendable, Hashable {
    public let r: [UInt8]
    public let s: [UInt8]
    public let yParity: UInt8

    public init(r: [UInt8], s: [UInt8], yParity: UInt8) {
        precondition(r.count == 32 && s.count == 32 && yParity <= 1)
        self.r = r
        self.s = s
        self.yParity = yParity
    }

    /// Accepts v as 27/28 (EIP-191/712) or 0/1.
    public init(bytes65: [UInt8]) throws {
        guard bytes65.count == 65 else { throw KeyError.invalidSignature("expected 65 bytes, got \(bytes65.count)") }
        let v = bytes65[64]
        let parity: UInt8
        switch v {
        case 27, 28: parity = v - 27
        case 0, 1: parity = v
        default: throw KeyError.invalidSignature("v must be 27, 28, 0 or 1, got \(v)")
        }
        self.init(r: Array(bytes65[0..<32]), s: Array(bytes65[32..<64]), yParity: parity)
    }

    /// r ‖ s ‖ (27 + yParity).
    public var bytes65: [UInt8] { r + s + [27 + yParity] }

    /// The address whose key produced this signature over `digest`.
    public func recover(digest: [UInt8]) throws -> Address {
        guard digest.count == 32 else { throw KeyError.invalidSignature("digest must be 32 bytes") }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, r + s, Int32(yParity)) == 1 else {
            throw KeyError.invalidSignature("r or s out of range")
        }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(ctx, &pubkey, &sig, digest) == 1 else { throw KeyError.recoveryFailed }
        return Address(publicKey64: PrivateKey.serializeUncompressed(&pubkey))
    }
}

/// EIP-191 version 0x45 ("personal_sign"): keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ msg).
public enum EIP191 {
    public static func hash(message: [UInt8]) -> [UInt8] {
        var h = Keccak256()
        h.update(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        h.update(message)
        return h.finalize()
    }

    public static func sign(message: [UInt8], key: PrivateKey) throws -> Signature {
        try key.sign(digest: hash(message: message))
    }
}
