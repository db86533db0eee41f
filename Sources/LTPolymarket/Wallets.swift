import Foundation
import LTChain

/// A trading wallet from the wallets file (`LT_WALLETS_FILE`). Holds where the key is, never the
/// key itself; `loadKey()` reads it when a job needs to sign.
public struct WalletConfig: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// Path of the hex private key (owner-only permissions, enforced when loading).
    public let keyFile: String
    public let signatureType: SignatureType
    /// The address holding the funds (`maker`); nil = the key's EOA (signature type 0).
    public let funder: Address?
    /// L2 credentials, when configured; otherwise derive them with `ClobClient.deriveApiKey`.
    public let apiCredentials: ApiCredentials?
    /// The builder code (bytes32) every order of this wallet carries in its signed struct and body
    /// (protocol §5.8); all zeros when none is configured, as the official client sends.
    public let builderCode: [UInt8]

    public init(
        name: String, keyFile: String, signatureType: SignatureType, funder: Address? = nil,
        apiCredentials: ApiCredentials? = nil, builderCode: [UInt8] = Word.zero
    ) {
        precondition(builderCode.count == 32, "a builder code is bytes32")
        self.name = name
        self.keyFile = keyFile
        self.signatureType = signatureType
        self.funder = funder
        self.apiCredentials = apiCredentials
        self.builderCode = builderCode
    }

    /// Parses a `builder_code`: `0x` and exactly 64 hex digits (either case). The official client
    /// would left-pad a shorter value with zeros (`zfill(64)`) in the signed struct yet send the
    /// short text in the body; a code is an identifier, so lt refuses anything but the full form
    /// rather than guess which of the two the operator meant.
    public static func parseBuilderCode(_ text: String) -> [UInt8]? {
        guard text.hasPrefix("0x"), text.utf8.count == 66, let bytes = try? Hex.decode(text), bytes.count == 32
        else { return nil }
        return bytes
    }

    /// The maker address for orders signed by `eoa`.
    public func maker(eoa: Address) -> Address { funder ?? eoa }

    /// Loads the private key (refused unless only its owner can read it).
    public func loadKey() throws(WalletConfigError) -> PrivateKey {
        do {
            return try PrivateKey.load(file: keyFile)
        } catch {
            // KeyError messages name the path and the problem, never key material.
            throw .keyUnusable(wallet: name, path: keyFile, reason: String(describing: error))
        }
    }

    public var description: String {
        "WalletConfig(\(name), key_file: \(keyFile), signature_type: \(signatureType.rawValue), funder: "
            + (funder?.description ?? "EOA") + ", api_credentials: \(apiCredentials == nil ? "none" : "configured")"
            + (builderCode == Word.zero ? "" : ", builder_code: \(Hex.encode(builderCode))") + ")"
    }
}

/// A configuration problem with wallets. The CLI maps every case to exit status 78. Messages name
/// the wallet and the file, never a key, secret or passphrase.
public enum WalletConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `LT_WALLETS_FILE` is not set.
    case notConfigured
    case unreadable(path: String, reason: String)
    /// Not valid JSON, or not the documented shape.
    case malformed(path: String, reason: String)
    /// A file holding secrets is readable or writable by group or others.
    case tooOpen(path: String, mode: String)
    case invalidWallet(wallet: String, path: String, reason: String)
    case unknownWallet(wallet: String, path: String, known: [String])
    case keyUnusable(wallet: String, path: String, reason: String)

    /// sysexits EX_CONFIG.
    public static let exitCode: Int32 = 78

    public var description: String {
        switch self {
        case .notConfigured:
            return "\(WalletsFile.environmentVariable) is not set: it must name the wallets file"
        case .unreadable(let path, let reason):
            return "cannot read wallets file '\(path)': \(reason)"
        case .malformed(let path, let reason):
            return "wallets file '\(path)' is malformed: \(reason)"
        case .tooOpen(let path, let mode):
            return "permissions \(mode) for '\(path)' are too open: it holds API secrets and must not be "
                + "readable by group or others (run: chmod 600 '\(path)')"
        case .invalidWallet(let wallet, let path, let reason):
            return "wallet '\(wallet)' in '\(path)': \(reason)"
        case .unknownWallet(let wallet, let path, let known):
            return "wallet '\(wallet)' is not defined in '\(path)' (defined: "
                + (known.isEmpty ? "none" : known.sorted().joined(separator: ", ")) + ")"
        case .keyUnusable(let wallet, let path, let reason):
            return "wallet '\(wallet)': key file '\(path)' unusable: \(reason)"
        }
    }
}

/// The wallets file: `{"wallets": {"<name>": {"key_file": "...", "signature_type": 0,
/// "funder": "0x...", "api_credentials": {"key", "secret", "passphrase"} | "api_credentials_file":
/// "...", "builder_code": "0x<64 hex>"}}}` (docs/operations.md). A strategy's `wallet` column names one entry.
public struct WalletsFile: Sendable {
    public static let environmentVariable = "LT_WALLETS_FILE"

    public let path: String
    public let wallets: [String: WalletConfig]

    /// Loads the file named by `LT_WALLETS_FILE`.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(WalletConfigError) -> WalletsFile
    {
        guard let path = environment[environmentVariable], !path.isEmpty else { throw .notConfigured }
        return try load(path: path)
    }

    public static func load(path: String) throws(WalletConfigError) -> WalletsFile {
        let data = try readFile(path)
        let root: RawRoot
        do {
            root = try JSONDecoder().decode(RawRoot.self, from: data)
        } catch {
            throw .malformed(path: path, reason: describe(error))
        }
        var wallets: [String: WalletConfig] = [:]
        var holdsSecrets = false
        for (name, raw) in root.wallets {
            wallets[name] = try raw.config(name: name, path: path)
            holdsSecrets = holdsSecrets || raw.apiCredentials != nil
        }
        // Inline API credentials make this file a secret like a key file.
        if holdsSecrets { try requireOwnerOnly(path) }
        return WalletsFile(path: path, wallets: wallets)
    }

    /// The wallet a strategy names.
    public func wallet(named name: String) throws(WalletConfigError) -> WalletConfig {
        guard let w = wallets[name] else {
            throw .unknownWallet(wallet: name, path: path, known: Array(wallets.keys))
        }
        return w
    }

    // MARK: Parsing

    struct RawRoot: Decodable {
        var wallets: [String: RawWallet]
    }

    struct RawCredentials: Decodable {
        var key: String
        var secret: String
        var passphrase: String

        enum CodingKeys: String, CodingKey { case key, apiKey, secret, passphrase }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard
                let k = try c.decodeIfPresent(String.self, forKey: .key)
                    ?? c.decodeIfPresent(String.self, forKey: .apiKey)
            else {
                throw DecodingError.keyNotFound(
                    CodingKeys.key, .init(codingPath: c.codingPath, debugDescription: "api key missing"))
            }
            key = k
            secret = try c.decode(String.self, forKey: .secret)
            passphrase = try c.decode(String.self, forKey: .passphrase)
        }
    }

    struct RawWallet: Decodable {
        var keyFile: String?
        var signatureType: Int?
        var funder: String?
        var apiCredentials: RawCredentials?
        var apiCredentialsFile: String?
        var builderCode: String?

        enum CodingKeys: String, CodingKey {
            case keyFile = "key_file"
            case signatureType = "signature_type"
            case funder
            case apiCredentials = "api_credentials"
            case apiCredentialsFile = "api_credentials_file"
            case builderCode = "builder_code"
        }

        func config(name: String, path: String) throws(WalletConfigError) -> WalletConfig {
            func invalid(_ reason: String) -> WalletConfigError {
                .invalidWallet(wallet: name, path: path, reason: reason)
            }
            guard let keyFile, !keyFile.isEmpty else { throw invalid("key_file is required") }
            guard let raw = signatureType else { throw invalid("signature_type is required (0-3)") }
            guard let type = SignatureType(rawValue: raw) else {
                throw invalid("signature_type \(raw) is not one of 0 (EOA), 1 (proxy), 2 (Safe), 3 (deposit wallet)")
            }
            var funderAddress: Address?
            if let funder, !funder.isEmpty {
                do { funderAddress = try Address(hex: funder) } catch { throw invalid("funder: \(error)") }
            }
            if type != .eoa && funderAddress == nil {
                throw invalid("signature_type \(raw) needs the funder address (the wallet holding the funds)")
            }
            if apiCredentials != nil && apiCredentialsFile != nil {
                throw invalid("give api_credentials or api_credentials_file, not both")
            }
            var creds: ApiCredentials?
            if let c = apiCredentials {
                creds = ApiCredentials(key: c.key, secret: c.secret, passphrase: c.passphrase)
            } else if let file = apiCredentialsFile {
                creds = try WalletsFile.loadCredentials(file, wallet: name)
            }
            if let creds {
                do { try creds.validate() } catch { throw invalid("api_credentials: \(error)") }
            }
            var builder = Word.zero
            if let builderCode {
                // The value is an attribution id, not a secret: quoting it helps the operator.
                guard let parsed = WalletConfig.parseBuilderCode(builderCode) else {
                    throw invalid(
                        "builder_code '\(builderCode.prefix(80))' is not a bytes32: expected 0x and 64 hex digits")
                }
                builder = parsed
            }
            return WalletConfig(
                name: name, keyFile: keyFile, signatureType: type, funder: funderAddress, apiCredentials: creds,
                builderCode: builder)
        }
    }

    static func loadCredentials(_ path: String, wallet: String) throws(WalletConfigError) -> ApiCredentials {
        let data = try readFile(path)
        try requireOwnerOnly(path)
        do {
            let c = try JSONDecoder().decode(RawCredentials.self, from: data)
            return ApiCredentials(key: c.key, secret: c.secret, passphrase: c.passphrase)
        } catch {
            throw .invalidWallet(
                wallet: wallet, path: path, reason: "api_credentials_file is malformed: \(describe(error))")
        }
    }

    static func readFile(_ path: String) throws(WalletConfigError) -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: "permission denied or not a regular file")
        }
    }

    static func requireOwnerOnly(_ path: String) throws(WalletConfigError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .unreadable(path: path, reason: "cannot stat") }
        let permissions = st.st_mode & 0o7777
        if permissions & 0o077 != 0 { throw .tooOpen(path: path, mode: "0" + String(permissions, radix: 8)) }
    }

    /// Where and what, never the values (a secret could be the offending value).
    static func describe(_ error: any Error) -> String {
        func at(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "top level" : p
        }
        switch error {
        case DecodingError.dataCorrupted(let ctx) where ctx.codingPath.isEmpty:
            return "not valid JSON"
        case DecodingError.dataCorrupted(let ctx):
            return "invalid value at \(at(ctx))"
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing '\(key.stringValue)' at \(at(ctx))"
        case DecodingError.typeMismatch(let type, let ctx):
            return "wrong type at \(at(ctx)) (expected \(type))"
        case DecodingError.valueNotFound(let type, let ctx):
            return "null at \(at(ctx)) (expected \(type))"
        default:
            return "unreadable"
        }
    }
}
