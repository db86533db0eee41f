import Foundation
import Logging

/// The log handler of every `lt` run: one line per event on stderr, JSON lines by default (for log
/// shippers), a compact text form on a terminal or with `LT_LOG_FORMAT=text`. Every line carries
/// `ts`, `level`, `msg` and the logger's metadata — the context sets `run_id` and `job`; call sites
/// add `trace_id`, `strategy_id`, `ft_order_id`, `order_hash`, `stage`, `elapsed_ms`.
public struct LTLogHandler: LogHandler {
    public enum Format: Sendable { case json, text }

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    public let format: Format
    let sink: @Sendable (String) -> Void

    /// Writes to stderr in `format`.
    public init(format: Format, level: Logger.Level = .info) {
        self.init(format: format, level: level) { line in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Writes each complete line (newline included) to `sink` (tests).
    public init(format: Format, level: Logger.Level = .info, sink: @escaping @Sendable (String) -> Void) {
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    /// JSON unless stderr is a terminal; an explicit choice wins.
    public static func defaultFormat(explicit: Config.LogFormat?) -> Format {
        switch explicit {
        case .json?: return .json
        case .text?: return .text
        case nil: return isatty(2) == 1 ? .text : .json
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let m = event.metadata { merged.merge(m) { _, new in new } }
        let ts = UTCTimestamp.format(Date())
        sink(
            Self.render(
                format: format, ts: ts, level: event.level, message: event.message.description, metadata: merged))
    }

    /// One rendered line, newline included. `run_id` and `job` come first, then the rest sorted.
    public static func render(
        format: Format, ts: String, level: Logger.Level, message: String, metadata: Logger.Metadata
    ) -> String {
        let leading = ["run_id", "job"].filter { metadata[$0] != nil }
        let keys = leading + metadata.keys.filter { !leading.contains($0) }.sorted()
        switch format {
        case .json:
            var out = "{\"ts\":\(jsonString(ts)),\"level\":\(jsonString(level.rawValue)),\"msg\":\(jsonString(message))"
            for k in keys {
                out += ",\(jsonString(k)):\(json(metadata[k]!))"
            }
            return out + "}\n"
        case .text:
            var out = "\(ts) \(level.rawValue.uppercased()) \(message)"
            for k in keys {
                out += " \(k)=\(text(metadata[k]!))"
            }
            return out + "\n"
        }
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): return jsonString(s)
        case .stringConvertible(let c):
            // Integers stay numbers (elapsed_ms, counts); everything else is text.
            if c is any BinaryInteger { return c.description }
            return jsonString(c.description)
        case .array(let a): return "[" + a.map(json).joined(separator: ",") + "]"
        case .dictionary(let d):
            return "{" + d.keys.sorted().map { "\(jsonString($0)):\(json(d[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    static func text(_ value: Logger.Metadata.Value) -> String {
        let s = value.description
        return s.contains(" ") || s.isEmpty ? jsonString(s) : s
    }

    /// A JSON string literal with every control character escaped.
    public static func jsonString(_ s: String) -> String { JSONText.quoted(s) }
}
