import Foundation
import Logging
import Testing

@testable import LTCore

@Suite("SQL values")
struct SQLTests {
    @Test("interpolated values become numbered parameters; fragments renumber; raw text is explicit")
    func rendering() {
        let id = "x'; DROP TABLE t; --"
        let amount = Fixed6(micros: 1_500_000)
        let filter: SQL = "status = \(OrderStatus.submitted) AND side = \(Side.buy)"
        let none: String? = nil
        let sql: SQL =
            "SELECT * FROM \(unsafeRaw: "lt_orders") WHERE id = \(id) AND \(filter) AND x = \(amount) AND y = \(none)"
        let r = sql.rendered
        #expect(r.text == "SELECT * FROM lt_orders WHERE id = $1 AND status = $2 AND side = $3 AND x = $4 AND y = $5")
        #expect(r.parameters == [id, "SUBMITTED", "BUY", "1.500000", nil])
        // description never includes parameter values.
        #expect(!sql.description.contains("DROP"))
        let joined = SQL.joined(["a = \(1)", "b = \(2)"], separator: " AND ")
        #expect(joined.rendered.text == "a = $1 AND b = $2")
    }

    @Test("arrays bind as Postgres array literals with quotes and backslashes escaped")
    func arrays() {
        #expect(["a", "b\"c", "d\\e"].sqlText == #"{"a","b\"c","d\\e"}"#)
        #expect([Int64(1), 2].sqlText == #"{"1","2"}"#)
        #expect(["é,ü", "{x}", ""].sqlText == #"{"é,ü","{x}",""}"#)
        #expect([String]().sqlText == "{}")
    }

    @Test("rows decode by column name with typed errors")
    func rows() throws {
        let row = Row(columns: ["a", "b", "c", "d"], values: ["12.5", nil, "t", "FILLED"])
        #expect(try row.decode("a", as: Fixed6.self) == Fixed6(micros: 12_500_000))
        #expect(try row.decode("b", as: Fixed6?.self) == nil)
        #expect(try row.decode("c", as: Bool.self))
        #expect(try row.decode("d", as: OrderStatus.self) == .filled)
        #expect { try row.decode("d", as: Side.self) } throws: { ($0 as? RowDecodingError)?.column == "d" }
        #expect { try row.decode("b", as: Fixed6.self) } throws: { ($0 as? RowDecodingError)?.column == "b" }
    }
}

@Suite("UTC clock math")
struct ClockTests {
    @Test("UTC days from instants, including the day boundary and leap years")
    func days() throws {
        let late = try #require(UTCTimestamp.parse("2026-11-23T23:59:59.999999Z"))
        let midnight = try #require(UTCTimestamp.parse("2026-11-24T00:00:00Z"))
        #expect(UTCDay(late) == UTCDay(year: 2026, month: 11, day: 23))
        #expect(UTCDay(midnight) == UTCDay(year: 2026, month: 11, day: 24))
        #expect(UTCDay(year: 2024, month: 2, day: 28).adding(days: 1) == UTCDay(year: 2024, month: 2, day: 29))
        #expect(UTCDay(year: 2026, month: 12, day: 31).adding(days: 1) == UTCDay(year: 2027, month: 1, day: 1))
        #expect(UTCDay(Date(timeIntervalSince1970: -1)) == UTCDay(year: 1969, month: 12, day: 31))
        #expect(UTCDay(parsing: "2026-02-29") == nil)
        #expect(UTCDay(year: 2026, month: 11, day: 24).start == midnight)
    }

    @Test("run ids: r + the UTC second without separators + 8 hex digits")
    func runIDs() throws {
        let at = try #require(UTCTimestamp.parse("2026-11-23T20:33:23.999Z"))
        let id = RunID.make(at: at)
        #expect(id.hasPrefix("r20261123T203323Z-"), "\(id)")
        let suffix = id.dropFirst("r20261123T203323Z-".count)
        #expect(suffix.count == 8 && suffix.allSatisfy(\.isHexDigit), "\(id)")
    }

    @Test("timestamps: ISO 8601 and Postgres output with offsets parse to the same instant")
    func timestamps() throws {
        let a = try #require(UTCTimestamp.parse("2026-11-23 20:33:23.5+00"))
        let b = try #require(UTCTimestamp.parse("2026-11-23T22:33:23.500Z"))
        let c = try #require(UTCTimestamp.parse("2026-11-24T00:03:23.5+03:30"))
        #expect(a.addingTimeInterval(7200) == b)
        #expect(UTCTimestamp.format(c) == "2026-11-23T20:33:23.500000Z")
        #expect(UTCTimestamp.parse("2026-11-23T20:33") == nil)
        #expect(UTCTimestamp.parse("2026-11-23T20:33:23Zjunk") == nil)
        #expect(FixedClock(iso8601: "yesterday") == nil)
    }
}

@Suite("configuration and logging")
struct ConfigLoggingTests {
    @Test("DATABASE_URL is required; invalid values name the variable without echoing secrets")
    func config() throws {
        #expect(throws: ConfigError(variable: "DATABASE_URL", reason: "is not set (a libpq URI or conninfo string)")) {
            try Config(environment: [:])
        }
        #expect { try Config(environment: ["DATABASE_URL": "x", "LT_LOG_FORMAT": "xml"]) } throws: {
            ($0 as? ConfigError)?.variable == "LT_LOG_FORMAT"
        }
        let c = try Config(environment: ["DATABASE_URL": "host=/tmp", "LT_LIVE_TRADING": "1"])
        #expect(c.liveTrading)
        #expect { try c.require("LT_CLOB_URL") } throws: { ($0 as? ConfigError)?.variable == "LT_CLOB_URL" }
    }

    @Test("JSON log lines carry run_id and job first and escape control characters")
    func jsonLines() {
        let line = LTLogHandler.render(
            format: .json, ts: "T", level: .info, message: "a \"b\"\n",
            metadata: ["job": "execute", "run_id": "r1", "elapsed_ms": .stringConvertible(12), "stage": "post"])
        #expect(
            line
                == #"{"ts":"T","level":"info","msg":"a \"b\"\n","run_id":"r1","job":"execute","elapsed_ms":12,"stage":"post"}"#
                + "\n")
        let text = LTLogHandler.render(format: .text, ts: "T", level: .warning, message: "m", metadata: ["job": "x y"])
        #expect(text == "T WARNING m job=\"x y\"\n")
    }

    @Test("the context's logger carries run_id and job")
    func contextLogger() {
        final class Lines: @unchecked Sendable {
            var all: [String] = []
            let lock = NSLock()
        }
        let lines = Lines()
        let logger = Logger(label: "t") { _ in
            LTLogHandler(format: .json) { line in lines.lock.withLock { lines.all.append(line) } }
        }
        final class NoDB: Database {
            func query(_ sql: SQL) throws(DatabaseError) -> [Row] { [] }
            func execute(_ sql: SQL) throws(DatabaseError) -> Int { 0 }
            func transaction<T>(_ body: () throws -> T) throws -> T { try body() }
            func tryJobLock(_ job: String) throws(DatabaseError) -> JobLockResult { .acquired }
            func releaseJobLock(_ job: String) throws(DatabaseError) {}
            func lockStrategy(_ strategyID: String) throws(DatabaseError) {}
            func holdRunLock(_ runID: String) throws(DatabaseError) {}
            func isRunAlive(_ runID: String) throws(DatabaseError) -> Bool { true }
        }
        let ctx = JobContext(job: "status", runID: "r-42", database: NoDB(), clock: SystemClock(), logger: logger)
        ctx.logger.info("hello", metadata: ["strategy_id": "s1"])
        #expect(lines.all.count == 1)
        #expect(lines.all[0].contains(#""run_id":"r-42","job":"status","strategy_id":"s1"}"#))
    }
}
