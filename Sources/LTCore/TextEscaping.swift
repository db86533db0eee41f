/// Text from the database or from FT shown to an operator (a log line, `lt status`, a skip
/// detail): control characters escaped, so a newline in a strategy id cannot break a table and an
/// ESC sequence cannot colour or move the terminal.
public enum TextEscaping {
    /// `\n`, `\t`, `\r` and every other control character (C0, DEL, C1) as `\u{…}`-style escapes.
    public static func controls(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
