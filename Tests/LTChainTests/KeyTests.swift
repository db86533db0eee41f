import Foundation
import Testing

@testable import LTChain

/// The private key never shows itself, and key files must be private to their owner.
struct KeyTests {
    private func dumped(_ value: Any) -> String {
        var out = ""
        dump(value, to: &out)
        return out
    }

    /// Every rendering of the key, checked without ever printing it: the expectations compare
    /// booleans, so a failure cannot echo the key into the test output.
    @Test func keyIsRedactedEverywhere() {
        let key = Vectors.testKey
        let secret = String(Vectors.testKeyHex.dropFirst(2))
        let renderings = [
            key.description, key.debugDescription, "\(key)", String(describing: key), String(reflecting: key),
            dumped(key), dumped([key]), "\(Mirror(reflecting: key).children.map { "\($0)" })",
        ]
        for text in renderings {
            let leaks = text.lowercased().contains(secret.prefix(16))
            #expect(leaks == false)
        }
        #expect(key.description == "PrivateKey(<redacted>)")
        #expect(Mirror(reflecting: key).children.isEmpty)
    }

    @Test func badKeyTextErrorsDoNotQuoteTheKey() {
        let almost = "0x" + String(Vectors.testKeyHex.dropFirst(2).dropLast()) + "g"
        do {
            _ = try PrivateKey(hex: almost)
            Issue.record("a non-hex key was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains(String(almost.dropFirst(2).prefix(16))) == false)
            #expect(error as? KeyError == .invalidKeyText)
        }
        #expect(throws: KeyError.invalidKey) { try PrivateKey(hex: String(repeating: "0", count: 64)) }
        #expect(throws: KeyError.invalidKey) { try PrivateKey(hex: String(repeating: "f", count: 64)) }
    }

    private func withKeyFile(mode: mode_t, contents: String, _ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lt-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("key.hex").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)))
        #expect(chmod(path, mode) == 0)
        try body(path)
    }

    @Test func groupOrWorldReadableKeyFileIsRefused() throws {
        for mode: mode_t in [0o644, 0o640, 0o604, 0o660, 0o602] {
            try withKeyFile(mode: mode, contents: Vectors.testKeyHex + "\n") { path in
                do {
                    _ = try PrivateKey.load(file: path)
                    Issue.record("a key file with mode \(String(mode, radix: 8)) was accepted")
                } catch let error as KeyError {
                    #expect(error == .keyFileTooOpen(path: path, mode: "0" + String(mode, radix: 8)))
                    let text = error.description
                    #expect(
                        text.contains(path) && text.contains("0" + String(mode, radix: 8)) && text.contains("too open"))
                    #expect(text.lowercased().contains(Vectors.testKeyHex.dropFirst(2).prefix(16)) == false)
                }
            }
        }
    }

    @Test func ownerOnlyKeyFileLoads() throws {
        for mode: mode_t in [0o600, 0o400] {
            try withKeyFile(mode: mode, contents: "  " + Vectors.testKeyHex + "\n") { path in
                let key = try PrivateKey.load(file: path)
                #expect(key.address == Vectors.testKey.address)
            }
        }
        #expect(throws: KeyError.self) { try PrivateKey.load(file: "/nonexistent/lt/key") }
    }

    @Test func signaturesAreLowSAndRecover() throws {
        let halfOrder = try Hex.decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")
        for i in 0..<32 {
            let digest = keccak256([UInt8(i)])
            let sig = try Vectors.testKey.sign(digest: digest)
            #expect(!sig.s.lexicographicallyPrecedes(halfOrder) == false || sig.s == halfOrder)
            #expect(try sig.recover(digest: digest) == Vectors.testKey.address)
            #expect(try Signature(bytes65: sig.bytes65) == sig)
            var other = digest
            other[0] ^= 1
            #expect(try sig.recover(digest: other) != Vectors.testKey.address)
        }
        #expect(throws: KeyError.self) { try Signature(bytes65: [UInt8](repeating: 1, count: 64) + [29]) }
    }
}
