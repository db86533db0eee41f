import COpenSSL

/// The one wrapper over libcrypto (design §1): SHA-256, HMAC-SHA256, secure random bytes and a
/// constant-time comparison. Everything else in `lt` calls these instead of OpenSSL directly.
public enum Crypto {
    public enum Error: Swift.Error, CustomStringConvertible {
        case randomUnavailable
        case hmacFailed

        public var description: String {
            switch self {
            case .randomUnavailable: return "the system random generator (RAND_bytes) failed"
            case .hmacFailed: return "libcrypto HMAC-SHA256 failed"
            }
        }
    }

    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                _ = SHA256(d.baseAddress, d.count, o.baseAddress)
            }
        }
        return out
    }

    /// HMAC-SHA256 with libcrypto's one-shot `HMAC` (not deprecated in OpenSSL 3.0).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { o in
                    // A zero-length Swift array may have a nil base address; libcrypto wants non-null.
                    HMAC(
                        EVP_sha256(), k.baseAddress ?? UnsafePointer(o.baseAddress!), Int32(k.count),
                        m.baseAddress ?? UnsafePointer(o.baseAddress!), m.count, o.baseAddress, &length)
                }
            }
        }
        // HMAC fails only on allocation failure inside libcrypto: nothing sensible to continue with.
        precondition(ok != nil && length == 32, "libcrypto HMAC-SHA256 failed")
        return out
    }

    public static func hmacSHA256(key: [UInt8], message: String) -> [UInt8] {
        hmacSHA256(key: key, message: Array(message.utf8))
    }

    /// Cryptographically secure random bytes (OpenSSL's DRBG seeded from the OS).
    public static func randomBytes(count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        let rc = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard rc == 1 else { throw Error.randomUnavailable }
        return out
    }

    /// A uniformly random integer below 2^bits (bits ≤ 64), e.g. a 53-bit order salt like [sdk].
    public static func randomBits(_ bits: Int) throws -> UInt64 {
        precondition(bits > 0 && bits <= 64)
        let bytes = try randomBytes(count: 8)
        var v: UInt64 = 0
        for b in bytes { v = v << 8 | UInt64(b) }
        return bits == 64 ? v : v & ((1 << UInt64(bits)) - 1)
    }

    /// Compares without an early exit, so timing does not reveal where two secrets differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 }
        }
    }
}

/// Base64 (RFC 4648 §4) and base64url (§5). base64url output keeps its `=` padding: the CLOB's L2
/// signature is `urlsafe_b64encode`, which pads. Decoding accepts missing padding, as [sdk] does.
public enum Base64 {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalid

        public var description: String { "text is not valid base64" }
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "" }
        var out = [UInt8](repeating: 0, count: 4 * ((bytes.count + 2) / 3) + 1)
        let n = bytes.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in EVP_EncodeBlock(o.baseAddress, b.baseAddress, Int32(b.count)) }
        }
        return String(decoding: out[0..<Int(n)], as: UTF8.self)
    }

    public static func encodeURL(_ bytes: [UInt8]) -> String {
        String(
            decoding: encode(bytes).utf8.map {
                $0 == UInt8(ascii: "+")
                    ? UInt8(ascii: "-")
                    : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0
            }, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> [UInt8] {
        try decodeAlphabet(Array(text.utf8), url: false)
    }

    public static func decodeURL(_ text: String) throws -> [UInt8] {
        try decodeAlphabet(Array(text.utf8), url: true)
    }

    /// A strict decoder written out here: EVP_DecodeBlock neither reports padding nor rejects the
    /// other alphabet, and a secret that decodes "somehow" would sign every request wrongly.
    private static func decodeAlphabet(_ input: [UInt8], url: Bool) throws -> [UInt8] {
        var chars = input
        while chars.last == UInt8(ascii: "=") { chars.removeLast() }
        guard input.count - chars.count <= 2, chars.count % 4 != 1 else { throw Error.invalid }
        if input.count != chars.count, input.count % 4 != 0 { throw Error.invalid }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+") where !url, UInt8(ascii: "-") where url: v = 62
            case UInt8(ascii: "/") where !url, UInt8(ascii: "_") where url: v = 63
            default: throw Error.invalid
            }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero, or the text was not produced by an encoder.
        if bits > 0, acc & ((1 << UInt32(bits)) - 1) != 0 { throw Error.invalid }
        return out
    }
}
