import Foundation
import LTCore
import Testing

@Suite("lt command line: exit statuses and secrets")
struct CLITests {
    static let secret = "Pa55-\(UUID().uuidString.prefix(8))"

    @Test("exit 78 without DATABASE_URL, naming the variable", arguments: ["status", "daily-reset", "migrate"])
    func missingDatabaseURL(command: String) throws {
        let r = try LTProcess.run([command], environment: [:])
        #expect(r.status == 78)
        #expect(r.stdout.contains("DATABASE_URL") && r.stderr.contains("DATABASE_URL"))
    }

    @Test("exit 78 for a malformed DATABASE_URL or LT_LOG_FORMAT, without echoing the password")
    func invalidConfig() throws {
        let bad = try LTProcess.run(
            ["status"], environment: ["DATABASE_URL": "postgresql://lt:\(Self.secret)@host/db?no_such_param=1"])
        #expect(bad.status == 78)
        #expect(!(bad.stdout + bad.stderr).contains(Self.secret))
        let fmt = try LTProcess.run(["status"], environment: ["DATABASE_URL": "host=/x", "LT_LOG_FORMAT": "xml"])
        #expect(fmt.status == 78)
        #expect(fmt.stdout.contains("LT_LOG_FORMAT"))
    }

    @Test("exit 69 when the database is unreachable; host and database named, password never")
    func unreachable() throws {
        let urls = [
            "postgresql://lt:\(Self.secret)@/ltprod?host=/nonexistent-lt-socket-dir",
            "host=/nonexistent-lt-socket-dir dbname=ltprod user=lt password=\(Self.secret)",
        ]
        for url in urls {
            for format in ["text", "json"] {
                let r = try LTProcess.run(["daily-reset", "--format", format], environment: ["DATABASE_URL": url])
                #expect(r.status == 69)
                let all = r.stdout + r.stderr
                #expect(all.contains("ltprod") && all.contains("/nonexistent-lt-socket-dir"))
                #expect(!all.contains(Self.secret))
            }
        }
    }

    @Test(
        "exit 64 for bad usage",
        arguments: [["no-such-job"], ["status", "--format", "yaml"], ["status", "--now", "yesterday"]])
    func usage(args: [String]) throws {
        let r = try LTProcess.run(args, environment: ["DATABASE_URL": "postgresql://lt:\(Self.secret)@/x?host=/none"])
        #expect(r.status == 64)
        #expect(!(r.stdout + r.stderr).contains(Self.secret))
    }

    @Test("--help exits 0 and lists the jobs")
    func help() throws {
        let r = try LTProcess.run(["--help"], environment: [:])
        #expect(r.status == 0)
        #expect(r.stdout.contains("daily-reset") && r.stdout.contains("status") && r.stdout.contains("migrate"))
    }

    @Test("every log line is JSON with ts, level, msg, run_id and job")
    func logLines() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        let r = try LTProcess.run(["migrate"], environment: ["DATABASE_URL": t.url, "LT_LOG_FORMAT": "json"])
        #expect(r.status == 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        var runIDs = Set<String>()
        for line in lines {
            let obj = try jsonObject(String(line))
            for key in ["ts", "level", "msg", "run_id", "job"] { #expect(obj[key] is String, "\(key) in \(line)") }
            #expect(obj["job"] as? String == "migrate")
            runIDs.insert(obj["run_id"] as? String ?? "")
        }
        #expect(runIDs.count == 1)
    }
}
