/// JSON string literals, written once for every producer of JSON text in lt: the exact POST /order
/// bodies (which must match Python's `json.dumps` byte for byte, so `\b`/`\f` use their short forms
/// and other control characters lowercase `\u00xx`), the log lines and the paper exchange's answers.
public enum JSONText {
    /// `asciiOnly: false` is `ensure_ascii=False` (only `"`, `\` and control characters escaped);
    /// `true` also escapes every non-ASCII scalar as `\uXXXX` (UTF-16, surrogate pairs).
    public static func appendString(_ text: String, to out: inout [UInt8], asciiOnly: Bool) {
        // Fast path: printable ASCII without quotes or backslashes (API keys, UUIDs) is copied as is.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f && $0 != 0x22 && $0 != 0x5c }) {
            out.append(0x22)
            out.append(contentsOf: text.utf8)
            out.append(0x22)
            return
        }
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: [0x5c, 0x22])
            case "\\": out.append(contentsOf: [0x5c, 0x5c])
            case "\n": out.append(contentsOf: [0x5c, UInt8(ascii: "n")])
            case "\r": out.append(contentsOf: [0x5c, UInt8(ascii: "r")])
            case "\t": out.append(contentsOf: [0x5c, UInt8(ascii: "t")])
            case "\u{08}": out.append(contentsOf: [0x5c, UInt8(ascii: "b")])
            case "\u{0C}": out.append(contentsOf: [0x5c, UInt8(ascii: "f")])
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7f) {
                    for unit in String(scalar).utf16 { appendEscape(unit, to: &out) }
                } else {
                    out.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func quoted(_ text: String, asciiOnly: Bool = false) -> String {
        var out = [UInt8]()
        appendString(text, to: &out, asciiOnly: asciiOnly)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ unit: UInt16, to out: inout [UInt8]) {
        out.append(contentsOf: [0x5c, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hexDigits[Int((unit >> UInt16(shift)) & 0xf)])
        }
    }
}
