import Foundation
import Testing

@testable import LTCore

@Suite struct JSONTextTests {
    @Test(arguments: [
        ("plain-uuid-1234", false, #""plain-uuid-1234""#),
        ("a\"b\\c", false, #""a\"b\\c""#),
        ("l1\nl2\r\t\u{08}\u{0C}\u{01}", false, #""l1\nl2\r\t\b\f\u0001""#),
        ("café €", false, "\"café €\""),
        ("café €", true, #""caf\u00e9 \u20ac""#),
        ("🙂", true, #""\ud83d\ude42""#),
    ])
    func escapesLikePythonJSONDumps(text: String, asciiOnly: Bool, expected: String) {
        #expect(JSONText.quoted(text, asciiOnly: asciiOnly) == expected)
    }

    @Test func everyScalarRoundTripsThroughAJSONParser() throws {
        let nasty = String((0..<0x80).map { Character(UnicodeScalar(UInt8($0))) }) + "é🙂\u{2028}"
        for asciiOnly in [false, true] {
            let doc = "[" + JSONText.quoted(nasty, asciiOnly: asciiOnly) + "]"
            let back = try JSONSerialization.jsonObject(with: Data(doc.utf8)) as? [String]
            #expect(back == [nasty])
        }
    }
}
