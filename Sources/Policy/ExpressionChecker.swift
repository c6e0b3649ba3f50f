/// Turns a syntax tree into an `ExpressionNode`: resolves names, checks functions, their
/// arguments and the types known before a request arrives, and compiles regular
/// expressions, so that a configuration that cannot work is refused at load.
enum ExpressionChecker {
    private typealias Syntax = ExpressionSyntax

    /// Checks `syntax`.
    static func check(_ syntax: ExpressionSyntax) throws(ExpressionError) -> ExpressionNode {
        switch syntax.kind {
        case .name(let name):
            return try value(named: name, at: syntax.offset)
        case .literal(let value):
            return ExpressionNode(kind: .literal(value), type: StaticType(of: value))
        case .list(let elements):
            var checked: [ExpressionNode] = []
            for element in elements { checked.append(try check(element)) }
            return ExpressionNode(kind: .list(checked), type: .list)
        case .member(let base, let name):
            return try member(base, name, at: syntax.offset)
        case .index(let base, let key):
            return try index(base, key, at: syntax.offset)
        case .call(let name, let arguments):
            return try call(name, arguments, at: syntax.offset)
        case .method(let receiver, let name, let arguments):
            return try method(receiver, name, arguments, at: syntax.offset)
        case .not(let operand):
            let checked = try check(operand)
            try require(checked, .bool, for: "\"!\"", at: syntax.offset)
            return ExpressionNode(kind: .not(checked), type: .bool)
        case .binary(let operation, let left, let right):
            return try binary(operation, try check(left), try check(right), at: syntax.offset)
        }
    }

    private static func value(named name: String, at offset: Int) throws(ExpressionError)
        -> ExpressionNode
    {
        switch name {
        case "claims": return ExpressionNode(kind: .claims, type: .map(of: .dynamic))
        case "issuer": return ExpressionNode(kind: .issuer, type: .string)
        case "request":
            throw ExpressionError(
                "request is not a value by itself; use request.method, request.path, "
                    + "request.host or request.headers", at: offset)
        default:
            throw ExpressionError(
                "unknown name \"\(name)\"; the values are claims, issuer and request",
                at: offset)
        }
    }

    private static func member(_ base: Syntax, _ name: String, at offset: Int)
        throws(ExpressionError) -> ExpressionNode
    {
        if case .name("request") = base.kind {
            if name == "headers" {
                return ExpressionNode(kind: .requestHeaders, type: .map(of: .string))
            }
            guard let field = ExpressionNode.RequestField(rawValue: name) else {
                throw ExpressionError(
                    "request has no field \"\(name)\"; it has method, path, host and headers",
                    at: offset)
            }
            return ExpressionNode(kind: .requestField(field), type: .string)
        }
        return try select(name, from: try check(base), at: offset)
    }

    private static func select(_ name: String, from base: ExpressionNode, at offset: Int)
        throws(ExpressionError) -> ExpressionNode
    {
        guard base.type.allows(.map(of: .dynamic)) else {
            throw ExpressionError("\(base.type.shown) has no members", at: offset)
        }
        if case .requestHeaders = base.kind { try checkHeaderName(name, at: offset) }
        let type: StaticType = if case .map(let element) = base.type { element } else { .dynamic }
        return ExpressionNode(kind: .member(base, name), type: type)
    }

    private static func index(_ base: Syntax, _ key: Syntax, at offset: Int)
        throws(ExpressionError) -> ExpressionNode
    {
        let base = try check(base)
        let key = try check(key)
        if case .literal(.string(let name)) = key.kind, base.type.allows(.map(of: .dynamic)) {
            return try select(name, from: base, at: offset)
        }
        switch base.type {
        case .map:
            try require(key, .string, for: "a map's key", at: offset)
        case .list:
            try require(key, .number, for: "a list's index", at: offset)
        case .dynamic:
            try require(key, .string, .number, for: "a key or index", at: offset)
        default:
            throw ExpressionError("\(base.type.shown) cannot be indexed", at: offset)
        }
        let type: StaticType = if case .map(let element) = base.type { element } else { .dynamic }
        return ExpressionNode(kind: .index(base, key), type: type)
    }

    /// Header names are lower case, and credentials are never there: a rule that reads
    /// them could never hold, which is a mistake to report now rather than a denial later.
    private static func checkHeaderName(_ name: String, at offset: Int) throws(ExpressionError) {
        let lowered = PolicyContext.asciiLowercased(name)
        guard lowered == name else {
            throw ExpressionError(
                "header names are lower case: request.headers[\"\(lowered)\"]", at: offset)
        }
        guard !PolicyContext.hiddenHeaders.contains(name) else {
            throw ExpressionError("request.headers never holds \(name)", at: offset)
        }
    }

    private static func call(_ name: String, _ arguments: [Syntax], at offset: Int)
        throws(ExpressionError) -> ExpressionNode
    {
        switch name {
        case "has":
            try requireCount(arguments, 1, of: name, at: offset)
            guard case .member(let base, let field) = arguments[0].kind else {
                throw ExpressionError(
                    "has() takes a member, as in has(claims.x); test a key with \"key\" in map",
                    at: arguments[0].start)
            }
            let checked = try Self.member(base, field, at: arguments[0].offset)
            guard case .member(let parent, let key) = checked.kind else {
                throw ExpressionError("has() cannot test request fields", at: offset)
            }
            return ExpressionNode(kind: .has(parent, key), type: .bool)
        case "size":
            try requireCount(arguments, 1, of: name, at: offset)
            let argument = try check(arguments[0])
            try require(argument, .string, .list, .map(of: .dynamic), for: "size()", at: offset)
            return ExpressionNode(kind: .size(argument), type: .number)
        case "startsWith", "endsWith", "contains", "matches":
            throw ExpressionError("\(name) is called on a string: s.\(name)(...)", at: offset)
        default:
            throw ExpressionError(
                "unknown function \"\(name)\"; the functions are has, size, startsWith, "
                    + "endsWith, contains and matches", at: offset)
        }
    }

    private static func method(
        _ receiver: Syntax, _ name: String, _ arguments: [Syntax], at offset: Int
    ) throws(ExpressionError) -> ExpressionNode {
        if name == "has" || name == "size" {
            throw ExpressionError("\(name) is written as a function: \(name)(x)", at: offset)
        }
        guard name == "matches" || ExpressionNode.TextTest(rawValue: name) != nil else {
            return try call(name, arguments, at: offset)
        }
        try requireCount(arguments, 1, of: name, at: offset)
        let checked = try check(receiver)
        try require(checked, .string, for: name, at: offset)
        guard let test = ExpressionNode.TextTest(rawValue: name) else {
            guard case .literal(.string(let pattern)) = arguments[0].kind else {
                throw ExpressionError(
                    "matches takes a string literal, compiled at load", at: arguments[0].start)
            }
            let regex = try RegexHandle(pattern, at: arguments[0].offset)
            return ExpressionNode(kind: .matches(checked, regex), type: .bool)
        }
        let argument = try check(arguments[0])
        try require(argument, .string, for: "the argument of \(name)", at: arguments[0].start)
        return ExpressionNode(kind: .text(test, checked, argument), type: .bool)
    }

    private static func binary(
        _ operation: Syntax.BinaryOperator, _ left: ExpressionNode, _ right: ExpressionNode,
        at offset: Int
    ) throws(ExpressionError) -> ExpressionNode {
        let symbol = "\"\(operation.rawValue)\""
        switch operation {
        case .and, .or:
            try require(left, .bool, for: "the left of \(symbol)", at: offset)
            try require(right, .bool, for: "the right of \(symbol)", at: offset)
            let kind: ExpressionNode.Kind =
                operation == .and ? .and(left, right) : .or(left, right)
            return ExpressionNode(kind: kind, type: .bool)
        case .in:
            try require(right, .list, .map(of: .dynamic), for: "the right of \"in\"", at: offset)
            if case .map = right.type {
                try require(left, .string, for: "a map's key", at: offset)
            }
            return ExpressionNode(kind: .isIn(left, right), type: .bool)
        default:
            guard let comparison = ExpressionNode.Comparison(rawValue: operation.rawValue) else {
                throw ExpressionError("unknown operator \(symbol)", at: offset)
            }
            try checkComparable(comparison, left.type, right.type, at: offset)
            return ExpressionNode(kind: .compare(comparison, left, right), type: .bool)
        }
    }

    private static func checkComparable(
        _ comparison: ExpressionNode.Comparison, _ left: StaticType, _ right: StaticType,
        at offset: Int
    ) throws(ExpressionError) {
        let isEquality = comparison == .equal || comparison == .notEqual
        if !isEquality {
            for side in [left, right] where !side.allows(.number, .string, .bool) {
                throw ExpressionError(
                    "\"\(comparison.rawValue)\" orders numbers, strings and bools, not "
                        + side.shown, at: offset)
            }
        }
        if left == .dynamic || right == .dynamic { return }
        if isEquality && (left == .null || right == .null) { return }
        if case .map = left, case .map = right { return }
        guard left == right else {
            throw ExpressionError("cannot compare \(left.shown) with \(right.shown)", at: offset)
        }
    }

    private static func require(
        _ node: ExpressionNode, _ kinds: StaticType..., for what: String, at offset: Int
    ) throws(ExpressionError) {
        guard kinds.contains(where: { node.type.allows($0) }) else {
            let wanted = kinds.map(\.shown).joined(separator: " or ")
            throw ExpressionError(
                "\(what) needs \(wanted), not \(node.type.shown)", at: offset)
        }
    }

    private static func requireCount(
        _ arguments: [Syntax], _ count: Int, of name: String, at offset: Int
    ) throws(ExpressionError) {
        guard arguments.count == count else {
            throw ExpressionError(
                "\(name) takes \(count) argument\(count == 1 ? "" : "s"), found "
                    + "\(arguments.count)", at: offset)
        }
    }
}
