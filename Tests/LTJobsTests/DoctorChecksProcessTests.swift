import Foundation
import LTCore
import LTHTTP
import Testing

/// `lt doctor`'s exchange and chain checks through the real binary against the paper exchange:
/// each passes on a healthy setup and fails, with its fix, when the exchange or the chain is made
/// to disagree on purpose (issue 14 item 1).
@Suite("lt doctor: exchange and chain checks")
struct DoctorChecksProcessTests {
    /// The checks of a `--format json` run, by name.
    static func checks(_ r: ProcessResult) throws -> [String: [String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let result = try #require(object["result"] as? [String: Any])
        let list = try #require(result["checks"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for c in list { byName[try #require(c["name"] as? String)] = c }
        return byName
    }

    @Test("every exchange and chain check passes on the paper exchange, JSON included")
    func healthy() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        let rpc = ["LT_POLYGON_RPC_URL": h.exchangeURL + "/rpc"]
        let text = try h.lt(["doctor"], env: rpc)
        #expect(text.status == 0, "\(text.output)")
        for line in [
            "✓ exchange version: GET /version answers 2", "✓ closed-only main: not closed-only",
            "✓ chain id: eth_chainId 137, LT_CHAIN_ID 137", "✓ collateral main: 10000 pUSD at \(TestWallet.address)",
            "✓ allowances main: pUSD allowance ≥ balance and CTF approval for CTF Exchange, Neg-risk CTF Exchange, "
                + "NegRiskAdapter",
            "✓ gas main: 100 POL at the signer \(TestWallet.address)",
        ] {
            #expect(text.stdout.contains(line), "\(line)\n\(text.stdout)")
        }
        #expect(!text.stdout.contains("✗"))
        let json = try h.lt(["doctor", "--format", "json"], env: rpc)
        #expect(json.status == 0)
        let checks = try Self.checks(json)
        for name in [
            "exchange version", "closed-only main", "chain id", "collateral main", "allowances main", "gas main",
        ] {
            let c = try #require(checks[name], "\(name) missing: \(json.stdout)")
            #expect(c["ok"] as? Bool == true && c["skipped"] as? Bool == false && c["found"] is String)
            #expect(c["fix"] == nil)
        }
    }

    @Test("without LT_POLYGON_RPC_URL the chain checks are skipped, not failed; a required exchange fails")
    func unconfigured() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1", mode: .shadow)
        let noRPC = try h.lt(["doctor", "--format", "json"], env: ["LT_POLYGON_RPC_URL": ""])
        #expect(noRPC.status == 0, "\(noRPC.output)")
        let chain = try #require(try Self.checks(noRPC)["chain"])
        #expect(chain["ok"] as? Bool == true && chain["skipped"] as? Bool == true)
        #expect((chain["found"] as? String)?.contains("LT_POLYGON_RPC_URL not set") == true)
        // No exchange: skipped while every strategy is shadow …
        let noCLOB = try h.lt(["doctor"], env: ["LT_CLOB_URL": "", "LT_POLYGON_RPC_URL": ""])
        #expect(noCLOB.status == 0, "\(noCLOB.output)")
        #expect(noCLOB.stdout.contains("– exchange: LT_CLOB_URL not set"))
        #expect(noCLOB.stdout.contains(", 2 skipped"), "\(noCLOB.stdout)")
        // … and required (a failure) once a strategy is live.
        try h.db.runScript("UPDATE lt_strategies SET mode = 'live'")
        let required = try h.lt(["doctor"], env: ["LT_CLOB_URL": "", "LT_POLYGON_RPC_URL": ""])
        #expect(required.status == 1)
        #expect(required.stdout.contains("✗ exchange: LT_CLOB_URL not set"), "\(required.stdout)")
    }

    @Test("each exchange and chain check fails on purpose with what it found and the fix")
    func failures() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        let rpc = ["LT_POLYGON_RPC_URL": h.exchangeURL + "/rpc"]
        func expectFailure(_ line: String, fix: String, env: [String: String] = [:]) throws {
            let r = try h.lt(["doctor"], env: rpc.merging(env) { _, new in new })
            #expect(r.status == 1, "\(line): \(r.output)")
            let failing = r.stdout.split(separator: "\n").filter { $0.hasPrefix("✗") }
            #expect(failing.count == 1 && failing[0].hasPrefix(line), "\(line)\n\(r.stdout)")
            #expect(failing.first?.contains("— fix: \(fix)") == true, "\(r.stdout)")
        }
        try h.control(.post, "/_control/flags", #"{"exchange_version": 1}"#)
        try expectFailure("✗ exchange version: GET /version answers 1", fix: "LT_CLOB_URL is not the V2 CLOB")
        try h.control(.post, "/_control/flags", #"{"exchange_version": 2, "closed_only": ["\#(TestWallet.address)"]}"#)
        try expectFailure("✗ closed-only main: the exchange has put this account in closed-only mode", fix: "set its")
        try h.control(.post, "/_control/flags", #"{"closed_only": []}"#)
        try expectFailure(
            "✗ chain id: eth_chainId 137, LT_CHAIN_ID 80002", fix: "point LT_POLYGON_RPC_URL",
            env: ["LT_CHAIN_ID": "80002"])
        try h.control(.post, "/_control/flags", #"{"gas_balance_wei": "100000000000000000"}"#)
        try expectFailure("✗ gas main: 0.1 POL at the signer", fix: "send POL to \(TestWallet.address)")
        // A lower fee cap makes the same balance enough.
        #expect(try h.lt(["doctor"], env: rpc.merging(["LT_REDEEM_MAX_FEE_GWEI": "200"]) { _, n in n }).status == 0)
        try h.control(.post, "/_control/flags", #"{"gas_balance_wei": "100000000000000000000"}"#)
        try h.control(.post, "/_control/flags", #"{"require_approvals": true}"#)
        try expectFailure("✗ allowances main: the CTF has not approved CTF Exchange (sells fail)", fix: "from ")
        try h.control(.post, "/_control/flags", #"{"require_approvals": false}"#)
        try h.control(.post, "/_control/wallet", #"{"address": "\#(TestWallet.address)", "allowance": "5"}"#)
        try expectFailure(
            "✗ allowances main: pUSD allowance for CTF Exchange is 5, below the balance 10000", fix: "from ")
        // An empty wallet under a live strategy: the chain's collateral fails (and the books drift).
        try h.control(.post, "/_control/wallet", #"{"address": "\#(TestWallet.address)", "allowance": "1000000"}"#)
        try h.control(.post, "/_control/wallet", #"{"address": "\#(TestWallet.address)", "collateral": "0"}"#)
        let empty = try h.lt(["doctor"], env: rpc)
        #expect(empty.status == 1)
        #expect(empty.stdout.contains("✗ collateral main: 0 pUSD at \(TestWallet.address) on chain, 1 live"))
        #expect(empty.stdout.contains("✗ drift main"))
        for secret in TestWallet.secrets { #expect(!h.allOutput.contains(secret)) }
    }
}
