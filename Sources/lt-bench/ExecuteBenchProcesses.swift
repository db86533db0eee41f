import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Processes for `lt-bench execute`: the real `lt` binary (as cron runs it), the paper exchange and
// the throwaway Postgres cluster of scripts/. posix_spawn + waitpid rather than Foundation's
// Process: Process.waitUntilExit polls its run loop, which would add up to tens of milliseconds to
// the empty-run figure this bench exists to measure.

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Spawn {
    /// Starts `path` with `arguments` and exactly `environment`; stdin is /dev/null, stdout and
    /// stderr go to files (nil: /dev/null).
    static func start(
        _ path: String, _ arguments: [String], environment: [String: String], stdout: String? = nil,
        stderr: String? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Waits for `pid`; its exit status, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS are macros Swift does not import.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var milliseconds: Double
    }

    /// Runs to completion; wall time from just before the spawn to just after the reap.
    static func run(
        _ path: String, _ arguments: [String], environment: [String: String], stdoutFile: String,
        stderrFile: String? = nil
    ) throws -> Result {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let pid = try start(path, arguments, environment: environment, stdout: stdoutFile, stderr: stderrFile)
        let status = wait(pid)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        let out = (try? String(contentsOfFile: stdoutFile, encoding: .utf8)) ?? ""
        return Result(status: status, stdout: out, milliseconds: ms)
    }
}

/// The throwaway cluster of scripts/pg-test-cluster.sh (Unix socket in a private directory).
final class BenchCluster {
    let script: String
    let directory: String
    /// libpq conninfo of the cluster's `postgres` database.
    let url: String

    init(repo: String, scratch: String) throws {
        script = repo + "/scripts/pg-test-cluster.sh"
        let out = scratch + "/pg-start.out"
        let r = try Spawn.run(
            "/bin/bash", [script, "start"], environment: ProcessInfo.processInfo.environment, stdoutFile: out,
            stderrFile: scratch + "/pg-start.err")
        guard r.status == 0 else {
            let err = (try? String(contentsOfFile: scratch + "/pg-start.err", encoding: .utf8)) ?? ""
            throw BenchError("scripts/pg-test-cluster.sh start failed (\(r.status)): \(err)")
        }
        // Lines `export NAME='value'`.
        var values: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            guard line.hasPrefix("export "), let eq = line.firstIndex(of: "=") else { continue }
            let name = String(line[line.index(line.startIndex, offsetBy: 7)..<eq])
            values[name] = String(line[line.index(after: eq)...]).trimmingCharacters(
                in: CharacterSet(charactersIn: "'"))
        }
        guard let dir = values["LT_PG_DIR"], let url = values["LT_TEST_DATABASE_URL"] else {
            throw BenchError("scripts/pg-test-cluster.sh start printed no LT_PG_DIR/LT_TEST_DATABASE_URL")
        }
        directory = dir
        self.url = url
    }

    func stop() {
        if let pid = try? Spawn.start(
            "/bin/bash", [script, "stop", directory], environment: ProcessInfo.processInfo.environment)
        {
            _ = Spawn.wait(pid)
        }
    }
}

/// `lt-paper-exchange --scenario FILE --port 0`, until `stop()`.
final class BenchExchange {
    let pid: pid_t
    let url: String

    init(binary: String, scenarioFile: String, scratch: String) throws {
        let out = scratch + "/exchange.out"
        pid = try Spawn.start(
            binary, ["--scenario", scenarioFile, "--port", "0"], environment: ProcessInfo.processInfo.environment,
            stdout: out, stderr: scratch + "/exchange.err")
        // The first stdout line is `listening on http://127.0.0.1:PORT`.
        let deadline = Date().addingTimeInterval(60)
        while true {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, text.contains("\n"),
                let r = line.range(of: "http://")
            {
                url = String(line[r.lowerBound...]).trimmingCharacters(in: .whitespaces)
                return
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid || Date() > deadline {
                let err = (try? String(contentsOfFile: scratch + "/exchange.err", encoding: .utf8)) ?? ""
                kill(pid, SIGKILL)
                throw BenchError("lt-paper-exchange did not start: \(err.prefix(500))")
            }
            usleep(10_000)
        }
    }

    func stop() {
        kill(pid, SIGTERM)
        _ = Spawn.wait(pid)
    }
}
