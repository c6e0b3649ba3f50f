import JOSE
import Testing

/// RFC 8259 strictness of `JSONParser` and the choices it makes for a verifier.
@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParser.SyntaxError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    /// The error `text` is refused with, or nil when it parses.
    private func refusal(_ bytes: [UInt8]) -> JSONParser.SyntaxError? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    private func refusal(_ text: String) -> JSONParser.SyntaxError? {
        refusal(Array(text.utf8))
    }

    // MARK: Duplicate member names

    @Test(arguments: [
        (document: #"{"a":1,"a":2}"#, offset: 7),
        (document: #"{"alg":"RS256","alg":"none"}"#, offset: 15),
        (document: #"{"a":1,"\u0061":2}"#, offset: 7),
        (document: #"{"a":{"b":true,"c":1,"b":false}}"#, offset: 21),
        (document: #"[1,{"x":null,"x":null}]"#, offset: 13),
        (document: #"{"k":[{"n":"1"},{"n":"2","n":"3"}]}"#, offset: 25),
    ])
    func refusesDuplicateMemberNames(document: String, offset: Int) {
        let error = refusal(document)
        #expect(error?.message == "duplicate member name")
        #expect(error?.offset == offset)
    }

    @Test(arguments: [
        #"{"a":1,"A":2}"#, #"[{"a":1},{"a":2}]"#, #"{"a":{"a":{"a":1}}}"#,
        #"{"a":1,"a ":2}"#,
    ])
    func acceptsNamesThatRepeatOnlyAcrossObjectsOrDiffer(document: String) throws {
        _ = try parse(document)
    }

    // MARK: Numbers

    @Test(arguments: [
        (text: "0", value: 0.0), (text: "-0", value: 0.0), (text: "1.5", value: 1.5),
        (text: "1e3", value: 1000.0), (text: "1E+3", value: 1000.0),
        (text: "1.9e9", value: 1_900_000_000.0),  // F05: exp written in exponent form
        (text: "1900000000.5", value: 1_900_000_000.5),  // F05
        (text: "-12.5e-1", value: -1.25), (text: "10", value: 10.0),
        (text: "0.000", value: 0.0), (text: "1e-2", value: 0.01),
        (text: "9007199254740993", value: 9_007_199_254_740_992.0),
        (text: "1.7976931348623157e308", value: Double.greatestFiniteMagnitude),
    ])
    func acceptsNumbers(text: String, value: Double) throws {
        #expect(try parse(text) == .number(value))
        #expect(try parse("[\(text)]") == .array([.number(value)]))
    }

    @Test func keepsTheSignOfNegativeZero() throws {
        let value = try parse("-0").numberValue
        #expect(value?.sign == .minus)
        #expect(try parse("0").numberValue?.sign == .plus)
    }

    @Test(arguments: [
        "01", "-01", "00", "1.", "-1.", "1.e3", ".5", "-.5", "+1", "-", "1e", "1e+", "1E-",
        "0x10", "NaN", "Infinity", "-Infinity", "1_000", "1,5", "- 1", "[01]", "[1.]",
        "{\"exp\":+1}",
    ])
    func refusesMalformedNumbers(text: String) {
        #expect(refusal(text) != nil)
    }

    @Test(arguments: ["1e400", "-1e400", "1.8e308", "[1E999]", #"{"exp":1e309}"#])
    func refusesNumbersOutOfRange(text: String) {
        #expect(refusal(text)?.message == "number out of range")
    }

    // MARK: Strings

    @Test func decodesEveryEscape() throws {
        let value = try parse(#""\"\\\/\b\f\n\r\t""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\t"))
    }

    @Test(arguments: [
        (escaped: #"\u0041"#, text: "A"), (escaped: #"\u00e9"#, text: "\u{E9}"),
        (escaped: #"\u00E9"#, text: "\u{E9}"), (escaped: #"\u20AC"#, text: "\u{20AC}"),
        (escaped: #"\u0000"#, text: "\u{0}"), (escaped: #"\u001F"#, text: "\u{1F}"),
        (escaped: #"\uFFFF"#, text: "\u{FFFF}"),
        (escaped: #"\uD83D\uDE00"#, text: "\u{1F600}"),
        (escaped: #"\ud83d\ude00"#, text: "\u{1F600}"),
        (escaped: #"\uDBFF\uDFFF"#, text: "\u{10FFFF}"),
        (escaped: #"a\u0062c"#, text: "abc"),
    ])
    func decodesUnicodeEscapes(escaped: String, text: String) throws {
        let value = try parse("\"\(escaped)\"")
        #expect(value.stringValue.map { Array($0.unicodeScalars) } == Array(text.unicodeScalars))
    }

    @Test(arguments: [
        #""\uD800""#, #""\uDBFF""#, #""\uDC00""#, #""\uDFFF""#, #""\uD800\u0041""#,
        #""\uD800x""#, #""\uD800\n""#, #""\uDE00\uD83D""#, #""\uD83D\uD83D""#,
    ])
    func refusesLoneSurrogates(document: String) {
        #expect(refusal(document)?.message == "lone surrogate")
    }

    @Test(arguments: [
        #""\x""#, #""\U0041""#, #""\u12""#, #""\u12G4""#, #""\'""#, #""\0""#, #""\""#,
        #""\u"#, #""abc"#, "\"",
    ])
    func refusesBadEscapesAndUnterminatedStrings(document: String) {
        #expect(refusal(document) != nil)
    }

    @Test(arguments: [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] as [UInt8])
    func refusesRawControlCharacters(byte: UInt8) {
        let quote = UInt8(ascii: "\"")
        let plain = [quote, UInt8(ascii: "a"), byte, quote]
        let escaped = [quote, UInt8(ascii: "\\"), UInt8(ascii: "n"), byte, quote]
        #expect(refusal(plain)?.message == "control character in a string")
        #expect(refusal(escaped)?.message == "control character in a string")
    }

    @Test func acceptsDeleteCharacterRaw() throws {
        #expect(try JSONParser.parse([0x22, 0x7F, 0x22]) == .string("\u{7F}"))
    }

    @Test(arguments: [
        (name: "overlong slash", bytes: [0xC0, 0xAF] as [UInt8]),
        (name: "overlong three-byte slash", bytes: [0xE0, 0x80, 0xAF]),
        (name: "overlong four-byte", bytes: [0xF0, 0x80, 0x80, 0xAF]),
        (name: "truncated euro sign", bytes: [0xE2, 0x82]),
        (name: "truncated emoji", bytes: [0xF0, 0x9F, 0x98]),
        (name: "lone continuation byte", bytes: [0x80]),
        (name: "lead byte then ASCII", bytes: [0xC3, 0x41]),
        (name: "byte 0xFF", bytes: [0xFF]),
        (name: "UTF-8 encoded surrogate", bytes: [0xED, 0xA0, 0x80]),
        (name: "beyond U+10FFFF", bytes: [0xF4, 0x90, 0x80, 0x80]),
    ])
    func refusesInvalidUTF8(name: String, bytes: [UInt8]) {
        let quote = UInt8(ascii: "\"")
        let plain = [quote] + bytes + [quote]
        let afterEscape = [quote, UInt8(ascii: "\\"), UInt8(ascii: "t")] + bytes + [quote]
        let asName = Array(#"{""#.utf8) + bytes + Array(#"":1}"#.utf8)
        #expect(refusal(plain)?.message == "invalid UTF-8")
        #expect(refusal(afterEscape)?.message == "invalid UTF-8")
        #expect(refusal(asName)?.message == "invalid UTF-8")
    }

    @Test(arguments: [
        (bytes: [0xC3, 0xA9] as [UInt8], text: "\u{E9}"),
        (bytes: [0xE2, 0x82, 0xAC], text: "\u{20AC}"),
        (bytes: [0xF0, 0x9F, 0x98, 0x80], text: "\u{1F600}"),
        (bytes: [0xF4, 0x8F, 0xBF, 0xBF], text: "\u{10FFFF}"),
        (bytes: [0x61, 0xC3, 0xA9, 0x62], text: "a\u{E9}b"),
    ])
    func acceptsValidMultiByteUTF8(bytes: [UInt8], text: String) throws {
        let quote = UInt8(ascii: "\"")
        #expect(try JSONParser.parse([quote] + bytes + [quote]) == .string(text))
        let afterEscape = [quote, UInt8(ascii: "\\"), UInt8(ascii: "/")] + bytes + [quote]
        #expect(try JSONParser.parse(afterEscape) == .string("/" + text))
    }

    // MARK: Literals

    @Test func readsLiterals() throws {
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("null") == .null)
        #expect(try parse("[true,false,null]") == .array([.bool(true), .bool(false), .null]))
    }

    @Test(arguments: [
        "tru", "nul", "fals", "True", "NULL", "nulls", "truex", "t", "[tru]", "{\"a\":nul}",
        "undefined",
    ])
    func refusesMisspelledLiterals(text: String) {
        #expect(refusal(text) != nil)
    }

    @Test func neverEqualsBooleansToNumbers() throws {
        #expect(try parse("true") != parse("1"))
        #expect(try parse("false") != parse("0"))
        #expect(try parse("null") != parse("0"))
        #expect(try parse("true").numberValue == nil)
        #expect(try parse("1").stringValue == nil)
        #expect(try parse("1") == parse("1.0"))
    }

    // MARK: Depth

    private func nestedArrays(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    private func nestedObjects(_ depth: Int) -> String {
        String(repeating: #"{"a":"#, count: depth - 1) + "{}"
            + String(repeating: "}", count: depth - 1)
    }

    /// `pairs` arrays each holding an object: twice as many levels.
    private func mixedNesting(pairs: Int) -> String {
        String(repeating: #"[{"a":"#, count: pairs) + "null" + String(repeating: "}]", count: pairs)
    }

    @Test func acceptsSixtyFourLevels() throws {
        #expect(JSONParser.maximumDepth == 64)
        _ = try parse(nestedArrays(64))
        _ = try parse(nestedObjects(64))
        _ = try parse(mixedNesting(pairs: 32))
    }

    @Test func refusesSixtyFiveLevels() {
        #expect(refusal(nestedArrays(65))?.message == "nested too deeply")
        #expect(refusal(nestedObjects(65))?.message == "nested too deeply")
        #expect(refusal("[" + nestedObjects(64) + "]")?.message == "nested too deeply")
        #expect(refusal("[" + mixedNesting(pairs: 32) + "]")?.message == "nested too deeply")
    }

    @Test func refusesHundredThousandOpeningBracketsWithoutCrashing() {
        #expect(refusal(String(repeating: "[", count: 100_000))?.message == "nested too deeply")
        #expect(refusal(nestedArrays(100_000))?.message == "nested too deeply")
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(refusal(objects)?.message == "nested too deeply")
    }

    // MARK: Document boundaries

    @Test(arguments: [
        "{} {}", "1 2", "[]]", "{}x", #""a""b""#, "null,", "true false", "{}\u{0}",
        "[1,]", #"{"a":1,}"#, "{a:1}", "{'a':1}", "[1 2]", #"{"a" 1}"#, #"{"a":}"#, "[", "{",
        "[1,", "]", "}", ",", ":",
    ])
    func refusesTrailingDataAndBrokenStructure(text: String) {
        #expect(refusal(text) != nil)
    }

    @Test func allowsWhitespaceAroundEveryToken() throws {
        let value = try parse(" \t\r\n{ \"a\" :\t[ 1 ,\n2 ] ,\r\"b\" : null } \n\t ")
        var expected = JSONObject()
        expected.set("a", .array([.number(1), .number(2)]))
        expected.set("b", .null)
        #expect(value == .object(expected))
    }

    @Test(arguments: [
        "\u{0C}1", "1\u{0B}", "\u{A0}1", "\u{FEFF}{}", "\u{2028}[]",
    ])
    func refusesOtherWhitespace(text: String) {
        #expect(refusal(text) != nil)
    }

    @Test(arguments: ["", " ", "\n\t\r "])
    func refusesEmptyInput(text: String) {
        #expect(refusal(text)?.message == "unexpected end of input")
    }

    @Test func parseObjectRefusesOtherValues() throws {
        for text in ["[]", "1", "\"{}\"", "null"] {
            #expect(throws: JSONParser.SyntaxError.self) {
                try JSONParser.parseObject(Array(text.utf8))
            }
        }
        #expect(try JSONParser.parseObject(Array("{}".utf8)).count == 0)
    }

    // MARK: Member order and serialization

    @Test func keepsMemberOrder() throws {
        let object = try JSONParser.parseObject(Array(#"{"z":1,"a":2,"m":{"y":0,"b":0}}"#.utf8))
        #expect(object.keys == ["z", "a", "m"])
        #expect(object["m"]?.objectValue?.keys == ["y", "b"])
        #expect(object.members.map(\.key) == ["z", "a", "m"])
    }

    @Test(arguments: [
        #"{"z":1,"a":[true,false,null],"m":{"y":"x","b":-2.5}}"#,
        #"[]"#, #"{}"#, #"[[],{},"",0]"#,
        #""quote \" backslash \\ slash / controls \u0000\u0001\u001f\b\f\n\r\t""#,
        #"{"\u00e9\ud83d\ude00":"\u20ac"}"#,
        #"[1e300,-1e-300,1.5,0.1,123456789012,9007199254740993,1.7976931348623157e308]"#,
        #"{"exp":1.9e9,"nbf":1900000000.5,"aud":["a","b"]}"#,
    ])
    func roundTripsThroughSerialization(document: String) throws {
        let first = try parse(document)
        let text = first.serialized
        let second = try parse(text)
        #expect(second == first)
        #expect(second.serialized == text)
        if case .object(let object) = first {
            #expect(second.objectValue?.keys == object.keys)
        }
    }

    @Test(arguments: [
        (document: "1.0", text: "1"), (document: "1e3", text: "1000"),
        (document: "-0", text: "0"), (document: "1.9e9", text: "1900000000"),
        (document: "-42", text: "-42"), (document: "1.5", text: "1.5"),
        (document: "[2.000,-7E0]", text: "[2,-7]"),
        (document: "9007199254740991", text: "9007199254740991"),
    ])
    func printsIntegersWithoutFraction(document: String, text: String) throws {
        #expect(try parse(document).serialized == text)
    }

    @Test(arguments: [
        (value: "\u{0}", text: #""\u0000""#), (value: "\u{1}", text: #""\u0001""#),
        (value: "\u{1F}", text: #""\u001f""#), (value: "\u{8}", text: #""\u0008""#),
        (value: "\n", text: #""\n""#), (value: "\r", text: #""\r""#),
        (value: "\t", text: #""\t""#), (value: "\"", text: #""\"""#),
        (value: "\\", text: #""\\""#), (value: "/", text: #""/""#),
        (value: "\u{7F}", text: "\"\u{7F}\""), (value: "\u{E9}", text: "\"\u{E9}\""),
    ])
    func escapesControlCharactersWhenSerializing(value: String, text: String) throws {
        #expect(JSONValue.string(value).serialized == text)
        #expect(try parse(text) == .string(value))
    }

    @Test func serializesEveryControlCharacterAsValidJSON() throws {
        let value = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let text = JSONValue.string(value).serialized
        #expect(!text.utf8.contains { $0 < 0x20 })
        #expect(try parse(text) == .string(value))
    }
}
