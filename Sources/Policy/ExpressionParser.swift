/// Parses expression text into an `ExpressionSyntax`, reporting the first token that does
/// not fit the grammar (or the end of the text, when it ends too early).
///
/// ```
/// or       = and { "||" and }
/// and      = relation { "&&" relation }
/// relation = unary { ("==" | "!=" | "<" | "<=" | ">" | ">=" | "in") unary }
/// unary    = "!" unary | member
/// member   = primary { "." NAME [ "(" arguments ")" ] | "[" or "]" }
/// primary  = NAME [ "(" arguments ")" ] | literal | "(" or ")" | "[" [ arguments ] "]"
/// ```
struct ExpressionParser {
    /// The deepest an expression may nest: recursion, here and when it is evaluated, stays
    /// far from the end of the stack whatever a configuration holds.
    static let maximumDepth = 100

    private var lexer: ExpressionLexer
    private var current: ExpressionToken
    private var nesting = 0

    /// A parser of `scalars[start..<end]`.
    init(_ scalars: [Unicode.Scalar], from start: Int = 0, to end: Int? = nil)
        throws(ExpressionError)
    {
        lexer = ExpressionLexer(scalars, from: start, to: end)
        current = try lexer.next()
    }

    /// Parses a whole text.
    static func parse(_ text: String) throws(ExpressionError) -> ExpressionSyntax {
        var parser = try ExpressionParser(Array(text.unicodeScalars))
        let syntax = try parser.expression()
        try parser.expect(.end, "an operator or the end of the expression")
        return syntax
    }

    /// Parses an expression that ends at a `}` (a header template's `${...}`); returns it
    /// and the offset just past the `}`.
    mutating func expressionBeforeBrace() throws(ExpressionError) -> (ExpressionSyntax, Int) {
        let syntax = try expression()
        // Not past the brace: what follows is the template's text, not expression tokens.
        guard current.kind == .symbol(.closeBrace) else { throw unexpected("an operator or \"}\"") }
        return (syntax, current.offset + 1)
    }

    private mutating func expression() throws(ExpressionError) -> ExpressionSyntax {
        try nested { (parser) throws(ExpressionError) in try parser.or() }
    }

    private mutating func or() throws(ExpressionError) -> ExpressionSyntax {
        var left = try and()
        while current.kind == .symbol(.or) {
            let offset = try advance()
            left = try make(.binary(.or, left, try and()), at: offset)
        }
        return left
    }

    private mutating func and() throws(ExpressionError) -> ExpressionSyntax {
        var left = try relation()
        while current.kind == .symbol(.and) {
            let offset = try advance()
            left = try make(.binary(.and, left, try relation()), at: offset)
        }
        return left
    }

    private mutating func relation() throws(ExpressionError) -> ExpressionSyntax {
        var left = try unary()
        while let relation = relationOperator() {
            let offset = try advance()
            left = try make(.binary(relation, left, try unary()), at: offset)
        }
        return left
    }

    private func relationOperator() -> ExpressionSyntax.BinaryOperator? {
        switch current.kind {
        case .keyword(.in): .in
        case .symbol(.and), .symbol(.or): nil
        case .symbol(let symbol): ExpressionSyntax.BinaryOperator(rawValue: symbol.rawValue)
        default: nil
        }
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionSyntax {
        guard current.kind == .symbol(.not) else { return try member() }
        let offset = try advance()
        let operand = try nested { (parser) throws(ExpressionError) in try parser.unary() }
        return try make(.not(operand), at: offset)
    }

    private mutating func member() throws(ExpressionError) -> ExpressionSyntax {
        var syntax = try primary()
        while true {
            if current.kind == .symbol(.dot) {
                try advance()
                let (name, offset) = try name()
                if current.kind == .symbol(.openParenthesis) {
                    try advance()
                    let arguments = try arguments(until: .closeParenthesis)
                    syntax = try make(.method(syntax, name, arguments), at: offset)
                } else {
                    syntax = try make(.member(syntax, name), at: offset)
                }
            } else if current.kind == .symbol(.openBracket) {
                let offset = try advance()
                let key = try expression()
                try expect(.symbol(.closeBracket), "an operator or \"]\"")
                syntax = try make(.index(syntax, key), at: offset)
            } else {
                return syntax
            }
        }
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionSyntax {
        let offset = current.offset
        switch current.kind {
        case .identifier(let name):
            try advance()
            guard current.kind == .symbol(.openParenthesis) else {
                return ExpressionSyntax(.name(name), at: offset)
            }
            try advance()
            return try make(.call(name, try arguments(until: .closeParenthesis)), at: offset)
        case .keyword(.true), .keyword(.false), .keyword(.null), .integer, .string:
            return ExpressionSyntax(.literal(try literal()), at: offset)
        case .symbol(.openParenthesis):
            try advance()
            let inner = try expression()
            try expect(.symbol(.closeParenthesis), "an operator or \")\"")
            return inner
        case .symbol(.openBracket):
            try advance()
            return try make(.list(try arguments(until: .closeBracket)), at: offset)
        default:
            throw unexpected("a value")
        }
    }

    private mutating func literal() throws(ExpressionError) -> PolicyValue {
        let value: PolicyValue =
            switch current.kind {
            case .keyword(.true): .bool(true)
            case .keyword(.false): .bool(false)
            case .integer(let value): .number(value)
            case .string(let value): .string(value)
            default: .null
            }
        try advance()
        return value
    }

    /// Comma-separated expressions up to `closer`; a trailing comma is allowed, as in CEL.
    private mutating func arguments(until closer: ExpressionToken.Symbol)
        throws(ExpressionError) -> [ExpressionSyntax]
    {
        var arguments: [ExpressionSyntax] = []
        while current.kind != .symbol(closer) {
            arguments.append(try expression())
            guard current.kind == .symbol(.comma) else { break }
            try advance()
        }
        try expect(.symbol(closer), "an operator, \",\" or \"\(closer.rawValue)\"")
        return arguments
    }

    private mutating func name() throws(ExpressionError) -> (String, Int) {
        guard case .identifier(let name) = current.kind else { throw unexpected("a name") }
        let offset = try advance()
        return (name, offset)
    }

    private mutating func nested(
        _ parse: (inout ExpressionParser) throws(ExpressionError) -> ExpressionSyntax
    ) throws(ExpressionError) -> ExpressionSyntax {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumDepth else {
            throw ExpressionError("expression nests too deeply", at: current.offset)
        }
        return try parse(&self)
    }

    private func make(_ kind: ExpressionSyntax.Kind, at offset: Int)
        throws(ExpressionError) -> ExpressionSyntax
    {
        let syntax = ExpressionSyntax(kind, at: offset)
        guard syntax.depth <= Self.maximumDepth else {
            throw ExpressionError("expression nests too deeply", at: offset)
        }
        return syntax
    }

    private mutating func expect(_ kind: ExpressionToken.Kind, _ wanted: String)
        throws(ExpressionError)
    {
        guard current.kind == kind else { throw unexpected(wanted) }
        if kind != .end { try advance() }
    }

    /// Moves to the next token; returns the offset of the one passed.
    @discardableResult
    private mutating func advance() throws(ExpressionError) -> Int {
        let offset = current.offset
        current = try lexer.next()
        return offset
    }

    private func unexpected(_ wanted: String) -> ExpressionError {
        ExpressionError("expected \(wanted), found \(current.shown)", at: current.offset)
    }
}
