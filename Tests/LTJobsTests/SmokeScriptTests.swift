import Foundation
import Testing

/// `make smoke` is what a user's CI runs on a new build: it must pass, silently, against the binaries
/// this test run uses (it takes seconds: its own throwaway Postgres, the paper exchange, the loop).
@Suite("make smoke")
struct SmokeScriptTests {
    @Test("scripts/smoke.sh passes and prints nothing")
    func smoke() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [root.appendingPathComponent("scripts/smoke.sh").path]
        var env = ProcessInfo.processInfo.environment
        env["LT_BIN_DIR"] = LTProcess.binary.deletingLastPathComponent().path
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(output)")
        #expect(output.isEmpty, "smoke is silent on success: \(output)")
    }
}
