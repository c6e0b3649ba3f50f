/// A checked expression: names resolved, functions known, types consistent as far as they
/// can be known before a request arrives.
struct ExpressionNode: Sendable {
    /// What a node computes.
    indirect enum Kind: Sendable {
        case literal(PolicyValue)
        case list([ExpressionNode])
        case claims
        case issuer
        case requestField(RequestField)
        case requestHeaders
        /// `base.name`, or `base["name"]` on a map.
        case member(ExpressionNode, String)
        /// `base[key]` with a key known only at request time, or a list index.
        case index(ExpressionNode, ExpressionNode)
        case not(ExpressionNode)
        case and(ExpressionNode, ExpressionNode)
        case or(ExpressionNode, ExpressionNode)
        case compare(Comparison, ExpressionNode, ExpressionNode)
        /// `element in container`.
        case isIn(ExpressionNode, ExpressionNode)
        /// `has(base.name)`.
        case has(ExpressionNode, String)
        case size(ExpressionNode)
        case text(TextTest, ExpressionNode, ExpressionNode)
        case matches(ExpressionNode, RegexHandle)
    }

    /// The request fields that hold a string.
    enum RequestField: String, Sendable {
        case method, path, host
    }

    /// `==`, `!=` and the orderings.
    enum Comparison: String, Sendable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="

        /// The comparison that holds exactly when this one does not.
        var negated: Comparison {
            switch self {
            case .equal: .notEqual
            case .notEqual: .equal
            case .less: .greaterOrEqual
            case .lessOrEqual: .greater
            case .greater: .lessOrEqual
            case .greaterOrEqual: .less
            }
        }

        /// The comparison with its operands swapped (`a < b` is `b > a`).
        var mirrored: Comparison {
            switch self {
            case .equal, .notEqual: self
            case .less: .greater
            case .lessOrEqual: .greaterOrEqual
            case .greater: .less
            case .greaterOrEqual: .lessOrEqual
            }
        }
    }

    /// The string methods other than `matches`.
    enum TextTest: String, Sendable {
        case startsWith, endsWith, contains

        /// How an explanation words it: "start with", "end with", "contain".
        var phrase: String {
            switch self {
            case .startsWith: "start with"
            case .endsWith: "end with"
            case .contains: "contain"
            }
        }
    }

    let kind: Kind
    /// What the node gives, as far as it is known at load.
    let type: StaticType

    /// Whether the node's value is fixed by the expression text, so that an explanation
    /// names the other side of a comparison.
    var isConstant: Bool {
        switch kind {
        case .literal: true
        case .list(let elements): elements.allSatisfy(\.isConstant)
        default: false
        }
    }
}

/// A value's kind as the checker knows it before a request arrives; `dynamic` for claims.
indirect enum StaticType: Sendable, Equatable {
    case dynamic
    case null
    case bool
    case number
    case string
    case list
    case map(of: StaticType)

    /// The type of a literal value.
    init(of value: PolicyValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .bool
        case .number: self = .number
        case .string: self = .string
        case .list: self = .list
        case .map: self = .map(of: .dynamic)
        }
    }

    /// How an error message names it.
    var shown: String {
        switch self {
        case .dynamic: "a value"
        case .null: "null"
        case .bool: "a bool"
        case .number: "a number"
        case .string: "a string"
        case .list: "a list"
        case .map: "a map"
        }
    }

    /// Whether a value of this type may turn out to be of one of `kinds` (a type not known
    /// until the request may be anything).
    func allows(_ kinds: StaticType...) -> Bool {
        if self == .dynamic { return true }
        if case .map = self { return kinds.contains { if case .map = $0 { true } else { false } } }
        return kinds.contains(self)
    }
}
