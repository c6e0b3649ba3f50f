/// A strict RFC 8259 parser for token headers, claims and key sets.
///
/// Our own rather than Foundation's, for three reasons that matter to a verifier: a member
/// name that appears twice is refused (RFC 7515 §5.2 leaves a parser that keeps either one
/// open to two readings of one token), booleans never turn into numbers, and invalid UTF-8
/// or a lone surrogate is an error, not a replacement character.
public struct JSONParser {
    /// Deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 64

    /// Why a document was refused, with the byte offset where it happened.
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        /// Where the problem was found, counting bytes from 0.
        public let offset: Int
        /// What was wrong.
        public let message: String

        /// The error as one line.
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    /// Parses a complete document; only whitespace may follow the value.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> JSONValue in
            var parser = Cursor(bytes: buffer)
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.position == buffer.count else {
                throw parser.error("unexpected data after the value")
            }
            return value
        }
    }

    /// Parses a document that must be an object.
    public static func parseObject(_ bytes: [UInt8]) throws(SyntaxError)
        -> JSONObject
    {
        guard case .object(let object) = try parse(bytes) else {
            throw SyntaxError(offset: 0, message: "not a JSON object")
        }
        return object
    }
}

/// The reading position in one document.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func error(_ message: String) -> JSONParser.SyntaxError {
        JSONParser.SyntaxError(offset: position, message: message)
    }

    var current: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        skipWhitespace()
        guard let byte = current else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default: throw error("unexpected character")
        }
    }

    mutating func expectWord(_ word: StaticString) throws(JSONParser.SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] {
            throw error("unexpected character")
        }
        position += count
    }

    mutating func parseObject(depth: Int) throws(JSONParser.SyntaxError) -> JSONObject {
        guard depth <= JSONParser.maximumDepth else { throw error("nested too deeply") }
        position += 1
        var object = JSONObject()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return object
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let nameOffset = position
            let name = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            guard object.insertNew(name, try parseValue(depth: depth)) else {
                throw JSONParser.SyntaxError(offset: nameOffset, message: "duplicate member name")
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return object
            default: throw error("expected ',' or '}'")
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParser.SyntaxError) -> [JSONValue] {
        guard depth <= JSONParser.maximumDepth else { throw error("nested too deeply") }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return elements
            default: throw error("expected ',' or ']'")
            }
        }
    }

    mutating func parseNumber() throws(JSONParser.SyntaxError) -> Double {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if try skipDigits() == 0 {
            throw error("expected a digit")
        }
        if current == UInt8(ascii: ".") {
            position += 1
            if try skipDigits() == 0 { throw error("expected a digit") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            if try skipDigits() == 0 { throw error("expected a digit") }
        }
        let text = String(
            decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]),
            as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParser.SyntaxError(offset: start, message: "number out of range")
        }
        return value
    }

    /// The value of an integer of at most 15 digits without going through text: such
    /// integers are exact in a Double, and they are most numbers in tokens (`exp`, `iat`).
    func smallInteger(from start: Int) -> Double? {
        var index = start
        let isNegative = bytes[index] == UInt8(ascii: "-")
        if isNegative { index += 1 }
        guard position - index <= 15 else { return nil }
        var value: Int64 = 0
        while index < position {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return isNegative ? -Double(value) : Double(value)
    }

    mutating func skipDigits() throws(JSONParser.SyntaxError) -> Int {
        let start = position
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            position += 1
        }
        return position - start
    }

    mutating func parseString() throws(JSONParser.SyntaxError) -> String {
        position += 1
        let start = position
        var isPlainASCII = true
        while let byte = current, byte != UInt8(ascii: "\"") {
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            if byte < 0x20 { throw error("control character in a string") }
            if byte >= 0x80 { isPlainASCII = false }
            position += 1
        }
        guard current != nil else { throw error("unterminated string") }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        if isPlainASCII { return String(decoding: raw, as: UTF8.self) }
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw JSONParser.SyntaxError(offset: start, message: "invalid UTF-8")
        }
        return text
    }

    /// The slow path of a string that holds escapes; `start` is its first byte.
    mutating func parseEscapedString(from start: Int) throws(JSONParser.SyntaxError) -> String {
        var utf8 = Array(bytes[start..<position])
        while let byte = current, byte != UInt8(ascii: "\"") {
            if byte < 0x20 { throw error("control character in a string") }
            position += 1
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                continue
            }
            guard let escaped = current else { throw error("unterminated string") }
            position += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8.append(contentsOf: try parseUnicodeEscape())
            default: throw error("invalid escape")
            }
        }
        guard current != nil else { throw error("unterminated string") }
        position += 1
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw JSONParser.SyntaxError(offset: start, message: "invalid UTF-8")
        }
        return text
    }

    /// Reads the hex digits after `\u` (and a low surrogate's escape after a high one).
    mutating func parseUnicodeEscape() throws(JSONParser.SyntaxError) -> [UInt8] {
        var scalarValue = try parseHex4()
        if (0xD800..<0xDC00).contains(scalarValue) {
            guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                bytes[position + 1] == UInt8(ascii: "u")
            else { throw error("lone surrogate") }
            position += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("lone surrogate") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw error("lone surrogate") }
        return Array(String(Character(scalar)).utf8)
    }

    mutating func parseHex4() throws(JSONParser.SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("unterminated escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
