import BigInt
import LTChain

/// L2 API credentials (from `POST /auth/api-key` or `GET /auth/derive-api-key`). The secret and the
/// passphrase never print: description and debugDescription redact them.
public struct ApiCredentials: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let key: String
    public let secret: String
    public let passphrase: String

    public init(key: String, secret: String, passphrase: String) {
        self.key = key
        self.secret = secret
        self.passphrase = passphrase
    }

    /// The venue returns `apiKey`; `key` is accepted too so a stored copy round-trips.
    private enum CodingKeys: String, CodingKey {
        case key = "apiKey"
        case secret, passphrase
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        secret = try c.decode(String.self, forKey: .secret)
        passphrase = try c.decode(String.self, forKey: .passphrase)
        try validate()
    }

    /// Checks that the secret is base64url (what the HMAC key is decoded from). Call it where
    /// credentials are loaded, so a mangled secret fails there and not as a 401 later.
    public func validate() throws {
        guard L2Auth.decodeSecret(secret) != nil else { throw L2Auth.Error.invalidSecret }
    }

    public var description: String { "ApiCredentials(key: \(key), secret: <redacted>, passphrase: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["key": key], displayStyle: .struct) }
}

/// L2 (HMAC) request headers, protocol §4.2.
public enum L2Auth {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalidSecret
        public var description: String { "the API secret is not base64url text" }
    }

    /// `POLY_ADDRESS`, `POLY_SIGNATURE`, `POLY_TIMESTAMP`, `POLY_API_KEY`, `POLY_PASSPHRASE`.
    /// `address` is the EOA whatever the signature type. `requestPath` excludes the query string;
    /// `body` is the exact text sent. `legacyQuoteQuirk` reproduces py-clob-client(-v2)'s
    /// replacement of `'` by `"` in the signed message (it only matters for bodies containing `'`).
    /// An undecodable secret (see `ApiCredentials.validate`) signs with its raw bytes, which the
    /// venue will reject as unauthorized.
    public static func headers(
        credentials: ApiCredentials, address: Address, timestamp: Int64, method: String, requestPath: String,
        body: String?, legacyQuoteQuirk: Bool = true
    ) -> [(String, String)] {
        let key = decodeSecret(credentials.secret) ?? Array(credentials.secret.utf8)
        let sig = signature(
            secretBytes: key, timestamp: timestamp, method: method, requestPath: requestPath, body: body,
            legacyQuoteQuirk: legacyQuoteQuirk)
        return [
            ("POLY_ADDRESS", address.checksummed),
            ("POLY_SIGNATURE", sig),
            ("POLY_TIMESTAMP", String(timestamp)),
            ("POLY_API_KEY", credentials.key),
            ("POLY_PASSPHRASE", credentials.passphrase),
        ]
    }

    /// base64url(HMAC-SHA256(base64url_decode(secret), timestamp + METHOD + path + body)), padded.
    public static func signature(
        secret: String, timestamp: Int64, method: String, requestPath: String, body: String?,
        legacyQuoteQuirk: Bool = true
    ) throws -> String {
        guard let key = decodeSecret(secret) else { throw Error.invalidSecret }
        return signature(
            secretBytes: key, timestamp: timestamp, method: method, requestPath: requestPath, body: body,
            legacyQuoteQuirk: legacyQuoteQuirk)
    }

    /// The signed message (exposed for tests and for the paper exchange's verifier).
    public static func message(
        timestamp: Int64, method: String, requestPath: String, body: String?,
        legacyQuoteQuirk: Bool = true
    ) -> String {
        var text = String(timestamp) + method + requestPath
        if let body {
            text += legacyQuoteQuirk ? body.replacingAll("'", with: "\"") : body
        }
        return text
    }

    /// Builder-attribution headers (`POLY_BUILDER_*`): the same HMAC scheme with the builder secret.
    public static func builderHeaders(
        credentials: ApiCredentials, timestamp: Int64, method: String, requestPath: String, body: String?
    ) -> [(String, String)] {
        let key = decodeSecret(credentials.secret) ?? Array(credentials.secret.utf8)
        return [
            ("POLY_BUILDER_API_KEY", credentials.key),
            ("POLY_BUILDER_TIMESTAMP", String(timestamp)),
            ("POLY_BUILDER_PASSPHRASE", credentials.passphrase),
            (
                "POLY_BUILDER_SIGNATURE",
                signature(
                    secretBytes: key, timestamp: timestamp, method: method, requestPath: requestPath, body: body,
                    legacyQuoteQuirk: true)
            ),
        ]
    }

    static func signature(
        secretBytes: [UInt8], timestamp: Int64, method: String, requestPath: String, body: String?,
        legacyQuoteQuirk: Bool
    ) -> String {
        let msg = message(
            timestamp: timestamp, method: method, requestPath: requestPath, body: body,
            legacyQuoteQuirk: legacyQuoteQuirk)
        return Base64.encodeURL(Crypto.hmacSHA256(key: secretBytes, message: Array(msg.utf8)))
    }

    /// base64url with or without padding; standard-alphabet secrets are accepted too, as Python's
    /// `urlsafe_b64decode` maps only the two differing characters.
    static func decodeSecret(_ secret: String) -> [UInt8]? {
        var text = secret.filter { !$0.isWhitespace }
        text = text.replacingAll("+", with: "-").replacingAll("/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        let padding = (4 - text.utf8.count % 4) % 4
        guard padding != 3 else { return nil }
        return try? Base64.decodeURL(text + String(repeating: "=", count: padding))
    }
}

/// L1 (wallet signature) headers for creating or deriving API credentials, protocol §4.1.
public enum L1Auth {
    public static let message = "This message attests that I control the given wallet"
    public static let domainName = "ClobAuthDomain"
    public static let domainVersion = "1"

    public static let eip712Types: EIP712.Types = [
        "ClobAuth": [
            .init(name: "address", type: "address"), .init(name: "timestamp", type: "string"),
            .init(name: "nonce", type: "uint256"), .init(name: "message", type: "string"),
        ]
    ]

    /// The ClobAuth typed data; the domain has no verifyingContract.
    public static func typedData(address: Address, timestamp: Int64, nonce: UInt64, chainID: Int) -> EIP712.TypedData {
        EIP712.TypedData(
            types: eip712Types, primaryType: "ClobAuth",
            domain: [
                "name": .string(domainName), "version": .string(domainVersion), "chainId": .uint(BigUInt(chainID)),
            ],
            message: [
                "address": .address(address), "timestamp": .string(String(timestamp)),
                "nonce": .uint(BigUInt(nonce)), "message": .string(message),
            ])
    }

    public static func digest(address: Address, timestamp: Int64, nonce: UInt64, chainID: Int) throws -> [UInt8] {
        try typedData(address: address, timestamp: timestamp, nonce: nonce, chainID: chainID).digest()
    }

    /// `POLY_ADDRESS`, `POLY_SIGNATURE`, `POLY_TIMESTAMP`, `POLY_NONCE`.
    public static func headers(key: PrivateKey, timestamp: Int64, nonce: UInt64 = 0, chainID: Int = 137) throws
        -> [(String, String)]
    {
        let d = try digest(address: key.address, timestamp: timestamp, nonce: nonce, chainID: chainID)
        let sig = try key.sign(digest: d)
        return [
            ("POLY_ADDRESS", key.address.checksummed),
            ("POLY_SIGNATURE", Hex.encode(sig.bytes65)),
            ("POLY_TIMESTAMP", String(timestamp)),
            ("POLY_NONCE", String(nonce)),
        ]
    }

    /// The signer of L1 headers. The claimed `address` is part of the signed message, so it is an
    /// input; the headers are authentic when the returned address equals it.
    public static func recoverAddress(
        signature: String, address: Address, timestamp: Int64, nonce: UInt64 = 0, chainID: Int = 137
    ) throws -> Address {
        let sig = try Signature(bytes65: try Hex.decode(signature))
        return try sig.recover(digest: digest(address: address, timestamp: timestamp, nonce: nonce, chainID: chainID))
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
