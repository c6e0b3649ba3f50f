/// One token of an expression, with the offset of its first character.
struct ExpressionToken: Sendable, Equatable {
    /// What a token is.
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case keyword(Keyword)
        case integer(Double)
        case string(String)
        case symbol(Symbol)
        case end
    }

    /// Words the language reserves: they are never names.
    enum Keyword: String, Sendable {
        case `true`, `false`, null, `in`
    }

    /// Operators and punctuation.
    enum Symbol: String, Sendable {
        case openParenthesis = "("
        case closeParenthesis = ")"
        case openBracket = "["
        case closeBracket = "]"
        case openBrace = "{"
        case closeBrace = "}"
        case dot = "."
        case comma = ","
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case and = "&&"
        case or = "||"
        case not = "!"
    }

    let kind: Kind
    /// Unicode scalar offset from the start of the text.
    let offset: Int

    /// The token as an error message names it.
    var shown: String {
        switch kind {
        case .identifier(let name): "\"\(name)\""
        case .keyword(let keyword): "\"\(keyword.rawValue)\""
        case .integer(let value): PolicyValue.show(number: value)
        case .string: "a string"
        case .symbol(let symbol): "\"\(symbol.rawValue)\""
        case .end: "the end of the expression"
        }
    }
}
