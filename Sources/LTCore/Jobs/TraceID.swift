/// One id per signal, carried on every log line and stored in `lt_orders.trace_id`.
public enum TraceID {
    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next()
        let s = String(a, radix: 16)
        return "t" + String(repeating: "0", count: 16 - s.count) + s
    }
}
