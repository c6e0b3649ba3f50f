/// An expression as written, before names and types are checked.
struct ExpressionSyntax: Sendable {
    /// What a node is.
    indirect enum Kind: Sendable {
        /// A bare name: `claims`, `issuer`, `request`, or one that does not exist.
        case name(String)
        case literal(PolicyValue)
        case list([ExpressionSyntax])
        /// `base.name`.
        case member(ExpressionSyntax, String)
        /// `base[key]`.
        case index(ExpressionSyntax, ExpressionSyntax)
        /// `function(arguments)`.
        case call(String, [ExpressionSyntax])
        /// `receiver.function(arguments)`.
        case method(ExpressionSyntax, String, [ExpressionSyntax])
        case not(ExpressionSyntax)
        case binary(BinaryOperator, ExpressionSyntax, ExpressionSyntax)
    }

    /// The binary operators, by CEL's precedence: `||` below `&&` below the relations.
    enum BinaryOperator: String, Sendable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case `in`
        case and = "&&"
        case or = "||"
    }

    let kind: Kind
    /// The offset of the token that names the node: its operator, function or member name,
    /// or its first token.
    let offset: Int
    /// The offset of the node's first token (a parenthesised node's first token inside).
    let start: Int
    /// The number of nodes on the longest path down from this one.
    let depth: Int

    init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
        let children: [ExpressionSyntax] =
            switch kind {
            case .name, .literal: []
            case .list(let elements): elements
            case .member(let base, _): [base]
            case .index(let base, let key): [base, key]
            case .call(_, let arguments): arguments
            case .method(let receiver, _, let arguments): [receiver] + arguments
            case .not(let operand): [operand]
            case .binary(_, let left, let right): [left, right]
            }
        self.depth = 1 + (children.map(\.depth).max() ?? 0)
        self.start =
            switch kind {
            case .member, .index, .method, .binary: children[0].start
            default: offset
            }
    }
}
