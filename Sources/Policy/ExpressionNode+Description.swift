extension ExpressionNode: CustomStringConvertible {
    /// The node written out again in one canonical spelling (`claims.repository`,
    /// `claims["kubernetes.io"].namespace`), as explanations name it: the expression's own
    /// text, never a request's values.
    var description: String { written.text }

    /// Binding strength, as the parser's grammar orders it.
    private enum Precedence: Int, Comparable {
        case or = 1
        case and, relation, unary, member

        static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private var written: (text: String, precedence: Precedence) {
        switch kind {
        case .literal(let value): (Self.literal(value), .member)
        case .list(let elements):
            ("[" + elements.map(\.description).joined(separator: ", ") + "]", .member)
        case .claims: ("claims", .member)
        case .issuer: ("issuer", .member)
        case .requestField(let field): ("request.\(field.rawValue)", .member)
        case .requestHeaders: ("request.headers", .member)
        case .member(let base, let name): (Self.member(base, name), .member)
        case .index(let base, let key):
            (base.operand(at: .member) + "[" + key.description + "]", .member)
        case .not(let operand): ("!" + operand.operand(at: .unary), .unary)
        case .and(let left, let right): Self.binary(left, "&&", right, .and)
        case .or(let left, let right): Self.binary(left, "||", right, .or)
        case .compare(let comparison, let left, let right):
            Self.binary(left, comparison.rawValue, right, .relation)
        case .isIn(let element, let container): Self.binary(element, "in", container, .relation)
        case .has(let base, let name): ("has(" + Self.member(base, name) + ")", .member)
        case .size(let argument): ("size(" + argument.description + ")", .member)
        case .text(let test, let receiver, let argument):
            (receiver.operand(at: .member) + ".\(test.rawValue)(\(argument))", .member)
        case .matches(let receiver, let regex):
            (
                receiver.operand(at: .member) + ".matches(" + PolicyValue.quoted(regex.pattern)
                    + ")", .member
            )
        }
    }

    /// The node as an operand of an operator of `precedence`, in parentheses if it binds
    /// less strongly.
    private func operand(at precedence: Precedence) -> String {
        let (text, own) = written
        return own < precedence ? "(" + text + ")" : text
    }

    private static func binary(
        _ left: ExpressionNode, _ symbol: String, _ right: ExpressionNode,
        _ precedence: Precedence
    ) -> (String, Precedence) {
        // Left-associative: a right operand of the same strength needs parentheses.
        let stronger = Precedence(rawValue: precedence.rawValue + 1) ?? .member
        return (
            left.operand(at: precedence) + " \(symbol) " + right.operand(at: stronger), precedence
        )
    }

    private static func member(_ base: ExpressionNode, _ name: String) -> String {
        let prefix = base.operand(at: .member)
        return isPlainName(name) ? prefix + "." + name : prefix + "[" + literal(.string(name)) + "]"
    }

    private static func literal(_ value: PolicyValue) -> String {
        if case .string(let text) = value { return PolicyValue.quoted(text) }
        return value.shown
    }

    /// Whether `a.name` can spell the member (otherwise `a["name"]`).
    private static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first),
            ExpressionToken.Keyword(rawValue: name) == nil
        else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar) || scalar == "_"
        }
    }
}
