/// The plain values of the configuration language, read from one word's text.
enum ConfigValues {
    /// Reads `500ms`, `30s`, `5m`, `1h`, `7d`: a whole number and one unit.
    static func duration(_ text: String) throws(ValueError) -> Duration {
        let units: [(suffix: String, milliseconds: Int64)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        let problem = ValueError(
            "\"\(text)\" is not a duration: write a whole number and ms, s, m, h or d (30s)")
        guard let unit = units.first(where: { text.hasSuffix($0.suffix) }) else {
            throw problem
        }
        let count = try number(text.dropLast(unit.suffix.count), else: problem)
        let (milliseconds, overflow) = count.multipliedReportingOverflow(by: unit.milliseconds)
        guard !overflow else { throw ValueError("\"\(text)\" is too long a duration") }
        return .milliseconds(milliseconds)
    }

    /// Reads `512`, `64KiB`, `10MiB`, `1GiB`: a whole number of bytes, perhaps with a
    /// binary unit.
    static func size(_ text: String) throws(ValueError) -> Int {
        let units: [(suffix: String, bytes: Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
        ]
        let problem = ValueError(
            "\"\(text)\" is not a size: write a whole number of bytes, or one with KiB, MiB "
                + "or GiB (64KiB)")
        let unit = units.first { text.hasSuffix($0.suffix) } ?? ("", 1)
        let count = try number(text.dropLast(unit.suffix.count), else: problem)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: unit.bytes)
        guard !overflow, let size = Int(exactly: bytes) else {
            throw ValueError("\"\(text)\" is too large a size")
        }
        return size
    }

    /// Reads a whole number that is 1 or more.
    static func count(_ text: String) throws(ValueError) -> Int {
        let value = try number(Substring(text), else: ValueError("\"\(text)\" is not a count"))
        guard value > 0, let count = Int(exactly: value) else {
            throw ValueError("\"\(text)\" is not a count of 1 or more")
        }
        return count
    }

    /// Reads `on` or `off`.
    static func onOff(_ text: String) throws(ValueError) -> Bool {
        switch text {
        case "on": true
        case "off": false
        default: throw ValueError("expected on or off, not \"\(text)\"")
        }
    }

    /// Reads a route's `path`: an absolute path in the form requests take after
    /// normalisation, returned without a trailing slash (`/` stays `/`).
    static func routePath(_ text: String) throws(ValueError) -> String {
        guard text.hasPrefix("/") else { throw ValueError("a path starts with /: \"\(text)\"") }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
            !text.contains("?"), !text.contains("#")
        else {
            throw ValueError("a path holds visible ASCII characters only, and no ? or #")
        }
        let path = text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard path == "/" || segments.allSatisfy({ !["", ".", ".."].contains($0) }) else {
            throw ValueError(
                "\"\(text)\" holds an empty, . or .. segment, which normalised requests never do")
        }
        try checkEscapes(path)
        return path
    }

    /// Reads an HTTP token (RFC 9110 §5.6.2), as methods and header names are.
    static func token(_ text: String, kind: String) throws(ValueError) -> String {
        let symbols = "!#$%&'*+-.^_`|~"
        let isToken = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || symbols.unicodeScalars.contains(scalar))
        }
        guard !text.isEmpty, isToken else {
            throw ValueError("\"\(text)\" is not a valid \(kind)")
        }
        return text
    }

    /// Refuses %-escapes that request normalisation would rewrite: escapes of unreserved
    /// characters (decoded there) and lower-case hex digits (upper-cased there).
    private static func checkEscapes(_ path: String) throws(ValueError) {
        let scalars = Array(path.unicodeScalars)
        let unreserved = "-._~"
        for index in scalars.indices where scalars[index] == "%" {
            let digits = scalars.dropFirst(index + 1).prefix(2)
            let hex = String(String.UnicodeScalarView(digits))
            guard digits.count == 2, hex == hex.uppercased(), let byte = UInt8(hex, radix: 16),
                byte != 0
            else {
                throw ValueError("a %-escape in a path is % and two upper-case hex digits")
            }
            let decoded = Unicode.Scalar(byte)
            let isUnreserved =
                decoded.properties.isAlphabetic && decoded.isASCII
                || ("0"..."9").contains(decoded) || unreserved.unicodeScalars.contains(decoded)
            guard !isUnreserved else {
                throw ValueError("write \"\(decoded)\" as is, not as %\(hex), in a path")
            }
        }
    }

    private static func number(_ digits: Substring, else problem: ValueError) throws(ValueError)
        -> Int64
    {
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(\.isASCIIDigit),
            let value = Int64(digits)
        else { throw problem }
        return value
    }
}
