import Foundation
import LTHTTP
import Testing

@testable import LTPaperExchange

/// `lt-paper-exchange --scenario examples/demo.json --port 0` as integration tests run it.
@Suite struct ExecutableTests {
    static func executable() -> String? {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("lt-paper-exchange").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    @Test func servesTheDemoBookOnLoopbackAndStopsOnSIGTERM() async throws {
        let exe = try #require(Self.executable(), "lt-paper-exchange is not built (swift build)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["--scenario", Paths.demo, "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let reader = out.fileHandleForReading
        let line: String = await onThread {
            var bytes = [UInt8]()
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(line.hasPrefix("listening on http://127.0.0.1:"))
        let url = line.dropFirst("listening on ".count).trimmingCharacters(in: .whitespacesAndNewlines)
        let book = try await fetch(.get(url + "/book?token_id=\(TestScenario.yes)")).get()
        #expect(book.status == 200)
        #expect((try? JSON.parse(book.body))?["bids"]?.arrayValue?.count == 3)
        let rpc = try await fetch(.json(.post, url + "/rpc", body: #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#))
            .get()
        #expect((try? JSON.parse(rpc.body))?["result"]?.stringValue == "0x89")
        process.terminate()
        await onThread { process.waitUntilExit() }
        #expect(!process.isRunning)
    }

    @Test func aBadScenarioExitsWithConfigurationError() async throws {
        let exe = try #require(Self.executable(), "lt-paper-exchange is not built (swift build)")
        let bad = NSTemporaryDirectory() + "lt-paper-bad-\(UUID().uuidString).json"
        try #"{"markets":[{"question":"no id"}]}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["--scenario", bad]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        await onThread { process.waitUntilExit() }
        #expect(process.terminationStatus == 78)
    }
}
