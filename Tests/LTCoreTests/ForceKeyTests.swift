import Testing

@testable import LTCore

/// `lt force` idempotency keys (issue 14 §3): the same command gets the same key, another command
/// another key, and a given key is checked.
@Suite struct ForceKeyTests {
    @Test func defaultKeyIsTheHashOfTheCommand() throws {
        let a = try ForceKey.resolve(nil, action: "buy", arguments: ["s1", "0xc", "Yes", "5.000000", ""]).get()
        let again = try ForceKey.resolve(nil, action: "buy", arguments: ["s1", "0xc", "Yes", "5.000000", ""]).get()
        let other = try ForceKey.resolve(nil, action: "buy", arguments: ["s1", "0xc", "Yes", "6.000000", ""]).get()
        // Argument boundaries count: ("ab", "c") is not ("a", "bc").
        let shifted = try ForceKey.resolve(nil, action: "buy", arguments: ["s", "10xc", "Yes", "5.000000", ""]).get()
        #expect(a == again && a != other && a != shifted)
        #expect(a.hasPrefix("buy-") && a.count == "buy-".count + 16)
        #expect(ForceKey.signalKey(a) == "force:" + a)
    }

    @Test func givenKeysAreChecked() {
        let cases: [(String, Bool)] = [
            ("smoke-2026-12-01", true), ("a", true), ("ops/test:1.5_x", true),
            (String(repeating: "k", count: 100), true),
            ("", false), ("has space", false), ("semi;colon", false), ("é", false),
            (String(repeating: "k", count: 101), false),
        ]
        for (key, ok) in cases {
            let r = ForceKey.resolve(key, action: "buy", arguments: [])
            #expect((try? r.get()) == (ok ? key : nil), "\(key)")
        }
    }
}
