import Foundation

/// Runs the built `lt` binary as a subprocess, the way cron does. The binary is found through
/// LT_BIN (set by `make test`) or next to the test bundle (`.build/debug/lt`).
struct LTProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        if let p = ProcessInfo.processInfo.environment["LT_BIN"], !p.isEmpty { return URL(fileURLWithPath: p) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may be inside ltPackageTests.xctest/Contents/MacOS on Darwin.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("lt")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/lt")
    }

    let process = Process()
    let out = Pipe()
    let err = Pipe()

    /// Starts `lt args...` with exactly `environment` (plus PATH), stdin closed.
    init(_ args: [String], environment: [String: String]) throws {
        process.executableURL = LTProcess.binary
        process.arguments = args
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    func wait() -> Result {
        // Read before waiting so a full pipe cannot block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    static func run(_ args: [String], environment: [String: String]) throws -> Result {
        try LTProcess(args, environment: environment).wait()
    }
}

/// Parses one JSON object from text (the `--format json` summary).
func jsonObject(_ text: String) throws -> [String: Any] {
    let data = Data(text.utf8)
    guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw CocoaError(.coderReadCorrupt)
    }
    return obj
}
