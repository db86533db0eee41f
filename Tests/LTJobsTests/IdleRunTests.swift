import Foundation
import Testing

/// An idle `lt execute` (issue 15: a cron tick with nothing to do is process start, connect, the
/// probes, exit): what it must not load or read. docs/benchmarks.md "Idle tick" has the figures.
@Suite(.serialized) struct IdleRunTests {
    /// `LD_DEBUG=files` makes the dynamic loader name every object it loads, on stderr.
    static let loaderTrace = ["LD_DEBUG": "files"]

    @Test func anIdleRunOpensNeitherLibcurlNorTheWalletsFile() throws {
        let h = try ExecuteHarness()
        try h.addStrategy("s1")
        // A wallets file that does not exist: reading it would be a configuration error (78).
        var env = Self.loaderTrace
        env["LT_WALLETS_FILE"] = h.walletsFile + ".absent"
        let idle = try h.execute(["--format", "json"], env: env)
        #expect(idle.status == 0, "\(idle.output)")
        let result = try jsonObject(idle.stdout)["result"] as? [String: Any]
        #expect(result?["strategies"] as? Int == 1 && result?["signals_seen"] as? Int == 0, "\(idle.stdout)")
        #expect(!idle.stderr.contains("libcurl"), "an idle run loaded libcurl")

        // The control: a due signal makes the same command open libcurl (the venue is read over HTTP)
        // and the wallets file (the order is signed).
        try h.addSignal("ft-1", price: "0.50", size: "15")
        let busy = try h.execute(env: Self.loaderTrace)
        #expect(busy.status == 0, "\(busy.output)")
        #expect(
            busy.stderr.contains("libcurl.so.4"), "the loader trace shows no libcurl: the check above proves nothing")
        #expect(try h.orders()["ft-1"]?.status == "FILLED")
    }
}
