/// Cuts expression text into tokens, one at a time, so that a header template can stop at
/// the `}` that closes its `${`.
struct ExpressionLexer {
    /// The largest integer literal, the largest that no other integer shares a `Double`
    /// with.
    static let largestInteger = UInt64(PolicyValue.largestSafeInteger)

    private let scalars: [Unicode.Scalar]
    private(set) var position: Int
    private let end: Int

    /// A lexer over `scalars[start..<end]`; offsets count from the start of `scalars`.
    init(_ scalars: [Unicode.Scalar], from start: Int = 0, to end: Int? = nil) {
        self.scalars = scalars
        self.position = start
        self.end = end ?? scalars.count
    }

    /// The next token, `.end` at the end of the text.
    mutating func next() throws(ExpressionError) -> ExpressionToken {
        while position < end, Self.isBlank(scalars[position]) { position += 1 }
        let start = position
        guard position < end else { return ExpressionToken(kind: .end, offset: end) }

        let scalar = scalars[position]
        let kind: ExpressionToken.Kind
        if Self.isNameStart(scalar) {
            kind = name()
        } else if ("0"..."9").contains(scalar) {
            kind = try integer()
        } else if scalar == "\"" || scalar == "'" {
            kind = .string(try string(quote: scalar))
        } else {
            kind = .symbol(try symbol())
        }
        return ExpressionToken(kind: kind, offset: start)
    }

    private mutating func name() -> ExpressionToken.Kind {
        var name = ""
        while position < end,
            Self.isNameStart(scalars[position])
                || ("0"..."9").contains(scalars[position])
        {
            name.unicodeScalars.append(scalars[position])
            position += 1
        }
        if let keyword = ExpressionToken.Keyword(rawValue: name) { return .keyword(keyword) }
        return .identifier(name)
    }

    private mutating func integer() throws(ExpressionError) -> ExpressionToken.Kind {
        let start = position
        var value: UInt64 = 0
        var isTooLarge = false
        while position < end, ("0"..."9").contains(scalars[position]) {
            value = value &* 10 &+ UInt64(scalars[position].value - 0x30)
            isTooLarge = isTooLarge || value > Self.largestInteger
            position += 1
        }
        guard !isTooLarge else {
            throw ExpressionError("integer is larger than \(Self.largestInteger)", at: start)
        }
        return .integer(Double(value))
    }

    private mutating func string(quote: Unicode.Scalar) throws(ExpressionError) -> String {
        let start = position
        position += 1
        var text = ""
        while position < end {
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case quote:
                return text
            case "\n":
                throw ExpressionError("string is not closed on its line", at: start)
            case "\\":
                guard position < end else { break }
                let escaped: Unicode.Scalar? =
                    switch scalars[position] {
                    case "\\": "\\"
                    case "\"": "\""
                    case "'": "'"
                    case "n": "\n"
                    case "t": "\t"
                    default: nil
                    }
                guard let escaped else {
                    throw ExpressionError(
                        "unknown escape; a string knows \\\\, \\\", \\', \\n and \\t",
                        at: position - 1)
                }
                text.unicodeScalars.append(escaped)
                position += 1
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        throw ExpressionError("string is not closed", at: start)
    }

    private mutating func symbol() throws(ExpressionError) -> ExpressionToken.Symbol {
        let start = position
        let first = scalars[position]
        let second: Unicode.Scalar? = position + 1 < end ? scalars[position + 1] : nil
        let pair = second.map { String(first) + String($0) } ?? ""
        if let symbol = ExpressionToken.Symbol(rawValue: pair), pair.count == 2 {
            position += 2
            return symbol
        }
        if let symbol = ExpressionToken.Symbol(rawValue: String(first)) {
            position += 1
            return symbol
        }
        switch first {
        case "=": throw ExpressionError("\"=\" is not an operator; compare with \"==\"", at: start)
        case "&": throw ExpressionError("\"&\" is not an operator; use \"&&\"", at: start)
        case "|": throw ExpressionError("\"|\" is not an operator; use \"||\"", at: start)
        default:
            throw ExpressionError(
                "unexpected character \(PolicyValue.quoted(String(first)))", at: start)
        }
    }

    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }
}
