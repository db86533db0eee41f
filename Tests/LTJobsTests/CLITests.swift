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

    /// A cron job's line is parsed by the job's command alone (`LT.parseCronJob`, the idle tick's
    /// fast path); whatever that parse does not take as a plain run goes to the whole-tree parse,
    /// so help, usage errors and the completion script read exactly as lt's own.
    @Test(
        "a cron job's help, usage errors and completion script are lt's own",
        arguments: ["execute", "sync-order-status", "resolve", "check-exits", "redeem", "daily-reset"])
    func cronJobLines(job: String) throws {
        let help = try LTProcess.run([job, "--help"], environment: [:])
        let viaTree = try LTProcess.run(["help", job], environment: [:])
        #expect(help.status == 0 && viaTree.status == 0)
        #expect(help.stdout == viaTree.stdout && help.stdout.contains("USAGE: lt \(job)"))
        let unknown = try LTProcess.run([job, "--no-such-option"], environment: [:])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("Unknown option '--no-such-option'") && unknown.stderr.contains("lt \(job)"))
        let badValue = try LTProcess.run([job, "--format", "xml"], environment: [:])
        #expect(badValue.status == 64 && badValue.stderr.contains("--format"))
        let completion = try LTProcess.run([job, "--generate-completion-script", "bash"], environment: [:])
        #expect(
            completion.status == 0 && completion.stdout.hasPrefix("#!/bin/bash") && completion.stdout.contains("__lt"))
        // A plain run parses (here it stops at the missing DATABASE_URL, after parsing).
        let run = try LTProcess.run([job, "--format", "json"], environment: [:])
        #expect(run.status == 78 && run.stdout.contains("DATABASE_URL"))
        #expect(run.stderr.contains("\"job\":\"\(job)\""))
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

    // MARK: Issue 9 §5: operator-facing errors

    @Test(
        "LT_LIVE_TRADING accepts exactly 1 and 0/unset; anything else exits 78 naming it",
        arguments: ["true", "TRUE", "yes", "2", " 1", "false", "on"])
    func liveTradingValues(value: String) throws {
        let r = try LTProcess.run(
            ["status", "--format", "json"],
            environment: ["DATABASE_URL": "host=/nonexistent-lt-socket-dir", "LT_LIVE_TRADING": value])
        #expect(r.status == 78, "\(r.stdout)")
        #expect(r.stdout.contains("LT_LIVE_TRADING") && r.stderr.contains("LT_LIVE_TRADING"))
        #expect(try jsonObject(r.stdout)["status"] as? String == "error")
    }

    @Test("LT_LIVE_TRADING=1 and =0 are accepted (the run gets as far as the database)", arguments: ["1", "0", ""])
    func liveTradingAccepted(value: String) throws {
        let r = try LTProcess.run(
            ["status"], environment: ["DATABASE_URL": "host=/nonexistent-lt-socket-dir", "LT_LIVE_TRADING": value])
        #expect(r.status == 69, "\(r.stdout)")
    }

    @Test(
        "a malformed DATABASE_URL option exits 78, not 69",
        arguments: [
            "postgresql://lt@localhost/db?port=notaport", "postgresql://lt@localhost:5432/db?sslmode=bogus",
            "host=/tmp port=notaport dbname=x", "host=/tmp port=70000 dbname=x", "host=/tmp sslmode=bogus dbname=x",
            "host=/tmp connect_timeout=soon dbname=x", "host=/tmp target_session_attrs=whatever dbname=x",
        ])
    func malformedDatabaseOption(url: String) throws {
        for format in ["text", "json"] {
            let r = try LTProcess.run(["daily-reset", "--format", format], environment: ["DATABASE_URL": url])
            #expect(r.status == 78, "\(url): \(r.stdout)")
            #expect(r.stdout.contains("DATABASE_URL"), "\(r.stdout)")
            if format == "json" { #expect(try jsonObject(r.stdout)["status"] as? String == "error") }
        }
    }

    @Test("an unmigrated database says to run lt migrate and exits 78, without the SQL text")
    func unmigratedDatabase() throws {
        let t = try TestDatabase(migrated: false, devTables: false)
        for command in ["status", "daily-reset"] {
            for format in ["text", "json"] {
                let r = try LTProcess.run([command, "--format", format], environment: ["DATABASE_URL": t.url])
                #expect(r.status == 78, "\(command): \(r.stdout) \(r.stderr)")
                #expect(r.stdout.contains("schema not found: run `lt migrate`"), "\(r.stdout)")
                #expect(!(r.stdout + r.stderr).contains("SELECT"), "the statement is for debug logs only")
                if format == "json" { #expect(try jsonObject(r.stdout)["status"] as? String == "error") }
            }
        }
        // At debug level the statement is there for whoever needs it.
        let debug = try LTProcess.run(
            ["status", "--log-level", "debug"], environment: ["DATABASE_URL": t.url, "LT_LOG_FORMAT": "json"])
        #expect(debug.status == 78)
        #expect(debug.stderr.contains("SELECT"))
        #expect(!debug.stdout.contains("SELECT"))
    }

    @Test("the JSON summary's status agrees with the exit status")
    func jsonStatusAgreesWithExitStatus() throws {
        let t = try TestDatabase()
        let ok = try LTProcess.run(["status", "--format", "json"], environment: ["DATABASE_URL": t.url])
        #expect(ok.status == 0)
        let okJSON = try jsonObject(ok.stdout)
        #expect(okJSON["status"] as? String == "ok" && okJSON["exit_status"] as? Int == 0)
        // A broken invariant: status exits 1, and says "failed".
        let db = try t.connect()
        try db.runScript(
            """
            ALTER TABLE lt_strategies DROP CONSTRAINT lt_strategies_capital_invariant;
            INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, mode, initial_capital, available_cash)
            VALUES ('s1', 'w', 'main', 'shadow', 100, 90)
            """)
        let failed = try LTProcess.run(["status", "--format", "json"], environment: ["DATABASE_URL": t.url])
        #expect(failed.status == 1)
        let failedJSON = try jsonObject(failed.stdout)
        #expect(failedJSON["status"] as? String == "failed" && failedJSON["exit_status"] as? Int == 1)
    }

    @Test("lt status escapes control characters in strategy ids")
    func statusEscapesControlCharacters() throws {
        let t = try TestDatabase()
        let db = try t.connect()
        try db.runScript(
            """
            INSERT INTO lt_strategies (strategy_id, ft_wallet_id, wallet, mode, initial_capital, available_cash)
            VALUES (E'evil\\nINVARIANTS OK\\u001b[31mred', 'w', 'main', 'shadow', 100, 100)
            """)
        let r = try LTProcess.run(["status"], environment: ["DATABASE_URL": t.url])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(!r.stdout.contains("\u{1b}"))
        #expect(r.stdout.contains(#"evil\nINVARIANTS OK\u{1b}[31mred"#), "\(r.stdout)")
        #expect(!r.stdout.split(separator: "\n").contains { $0.hasPrefix("INVARIANTS OK") })
    }
}
