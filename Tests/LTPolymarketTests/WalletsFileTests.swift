import Foundation
import LTChain
import Testing

@testable import LTPolymarket

/// A private temp directory removed when the value goes away.
private final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "lt-wallets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }
}

private let testKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
private let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
private let passphrase = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

private func loadError(_ path: String) -> WalletConfigError? {
    do {
        _ = try WalletsFile.load(path: path)
        return nil
    } catch {
        return error
    }
}

@Suite("Wallets file")
struct WalletsFileTests {
    @Test func loadsWalletsWithInlineAndFileCredentials() throws {
        let dir = try TempDir()
        let key = try dir.write("main.key", testKey + "\n")
        let creds = try dir.write("creds.json", #"{"apiKey":"k2","secret":"\#(secret)","passphrase":"p2"}"#)
        let file = try dir.write(
            "wallets.json",
            """
            {"wallets": {
              "main": {"key_file": "\(key)", "signature_type": 0,
                       "api_credentials": {"key": "k1", "secret": "\(secret)", "passphrase": "\(passphrase)"}},
              "safe": {"key_file": "\(key)", "signature_type": 2,
                       "funder": "0x907C14d6Cea8e8FC78dD3dB152F0a93f43276b4D", "api_credentials_file": "\(creds)"},
              "bare": {"key_file": "\(key)", "signature_type": 0}
            }}
            """)
        let wallets = try WalletsFile.load(environment: [WalletsFile.environmentVariable: file])
        #expect(Set(wallets.wallets.keys) == ["main", "safe", "bare"])
        let main = try wallets.wallet(named: "main")
        #expect(main.signatureType == .eoa && main.funder == nil)
        #expect(main.apiCredentials == ApiCredentials(key: "k1", secret: secret, passphrase: passphrase))
        let safe = try wallets.wallet(named: "safe")
        #expect(safe.signatureType == .polyGnosisSafe)
        #expect(safe.funder == (try Address(hex: "0x907C14d6Cea8e8FC78dD3dB152F0a93f43276b4D")))
        #expect(safe.apiCredentials?.key == "k2")
        #expect(try wallets.wallet(named: "bare").apiCredentials == nil)
        let eoa = try main.loadKey().address
        #expect(eoa == (try Address(hex: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")))
        #expect(main.maker(eoa: eoa) == eoa)
        #expect(safe.maker(eoa: eoa) == safe.funder)
        // Descriptions never carry secrets.
        #expect(!main.description.contains(secret) && !main.description.contains(passphrase))
    }

    @Test func missingOrUnreadableConfigurationIsATypedError() throws {
        do {
            _ = try WalletsFile.load(environment: [:])
            Issue.record("expected notConfigured")
        } catch {
            #expect(error == .notConfigured)
        }
        let dir = try TempDir()
        let missing = dir.path + "/nope.json"
        #expect(loadError(missing) == .unreadable(path: missing, reason: "no such file"))
        let broken = try dir.write("broken.json", #"{"wallets": {"main": "#)
        #expect(loadError(broken) == .malformed(path: broken, reason: "not valid JSON"))
        let shape = try dir.write("shape.json", #"{"accounts": {}}"#)
        guard case .malformed? = loadError(shape) else {
            Issue.record("expected malformed for a wrong shape")
            return
        }
        #expect(WalletConfigError.exitCode == 78)
    }

    @Test func invalidWalletsNameTheWalletAndNeverTheSecret() throws {
        let dir = try TempDir()
        let key = try dir.write("k", testKey)
        let cases: [(String, String)] = [
            (#"{"signature_type": 0}"#, "key_file is required"),
            (#"{"key_file": "\#(key)", "signature_type": 7}"#, "signature_type 7"),
            (#"{"key_file": "\#(key)", "signature_type": 1}"#, "needs the funder"),
            (#"{"key_file": "\#(key)", "signature_type": 0, "funder": "0xnothex"}"#, "funder"),
            (
                #"{"key_file": "\#(key)", "signature_type": 0, "api_credentials": "#
                    + #"{"key": "k", "secret": "%%%not-base64%%%", "passphrase": "PASS-XYZ"}}"#,
                "api_credentials"
            ),
        ]
        for (body, fragment) in cases {
            let file = try dir.write("w.json", #"{"wallets": {"alpha": \#(body)}}"#)
            let error = try #require(loadError(file), "\(fragment)")
            guard case .invalidWallet(let wallet, _, let reason) = error else {
                Issue.record("expected invalidWallet for \(fragment), got \(error)")
                continue
            }
            #expect(wallet == "alpha")
            #expect(reason.contains(fragment), "\(reason)")
            #expect(!error.description.contains("not-base64") && !error.description.contains("PASS-XYZ"))
        }
        let file = try dir.write("w.json", #"{"wallets": {"alpha": {"key_file": "\#(key)", "signature_type": 0}}}"#)
        #expect(throws: WalletConfigError.unknownWallet(wallet: "beta", path: file, known: ["alpha"])) {
            try WalletsFile.load(path: file).wallet(named: "beta")
        }
    }

    @Test func secretsMustBeOwnerOnly() throws {
        let dir = try TempDir()
        let key = try dir.write("open.key", testKey, mode: 0o644)
        let open = try dir.write(
            "open.json",
            """
            {"wallets": {"main": {"key_file": "\(key)", "signature_type": 0,
              "api_credentials": {"key": "k", "secret": "\(secret)", "passphrase": "p"}}}}
            """, mode: 0o644)
        #expect(loadError(open) == .tooOpen(path: open, mode: "0644"))
        // Without inline secrets the wallets file may be world-readable; the key file may not.
        let plain = try dir.write(
            "plain.json", #"{"wallets": {"main": {"key_file": "\#(key)", "signature_type": 0}}}"#,
            mode: 0o644)
        let wallet = try WalletsFile.load(path: plain).wallet(named: "main")
        do {
            _ = try wallet.loadKey()
            Issue.record("a group/world-readable key file must be refused")
        } catch {
            guard case .keyUnusable(let name, let path, let reason) = error else {
                Issue.record("expected keyUnusable, got \(error)")
                return
            }
            #expect(name == "main" && path == key)
            #expect(reason.contains("too open"))
            #expect(!error.description.contains(String(testKey.dropFirst(2))))
        }
    }
}
