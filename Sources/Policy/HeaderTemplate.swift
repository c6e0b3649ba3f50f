/// A `set_header` value: literal text and `${expression}` parts, with `$$` a literal `$`,
/// compiled at load and rendered for each request.
public struct HeaderTemplate: Sendable {
    private enum Part: Sendable {
        case text(String)
        case expression(ExpressionNode)
    }

    /// The template as written.
    public let text: String
    /// The rule name denials carry: `set_header NAME`.
    public let rule: String
    private let parts: [Part]

    /// Compiles `text`, the value of `set_header header ...`; an error names its offset in
    /// `text`.
    public init(compiling text: String, header: String) throws(ExpressionError) {
        let scalars = Array(text.unicodeScalars)
        var parts: [Part] = []
        var literal = ""
        var position = 0
        while position < scalars.count {
            let scalar = scalars[position]
            guard scalar == "$" else {
                guard !Self.isControl(scalar) else {
                    throw ExpressionError("control character in a header value", at: position)
                }
                literal.unicodeScalars.append(scalar)
                position += 1
                continue
            }
            let next = position + 1 < scalars.count ? scalars[position + 1] : nil
            if next == "$" {
                literal += "$"
                position += 2
            } else if next == "{" {
                if !literal.isEmpty { parts.append(.text(literal)) }
                literal = ""
                let (node, end) = try Self.expression(scalars, at: position)
                parts.append(.expression(node))
                position = end
            } else {
                throw ExpressionError(
                    "a lone \"$\": write \"$$\" for a dollar sign, \"${...}\" for an expression",
                    at: position)
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        self.text = text
        self.rule = "set_header \(header)"
        self.parts = parts
    }

    /// The value when the template holds no expression, so it is the same for every
    /// request.
    public var constantValue: String? {
        var value = ""
        for part in parts {
            guard case .text(let text) = part else { return nil }
            value += text
        }
        return value
    }

    /// The header value for a request; a denial when an expression has no value, gives
    /// neither a string nor an integer, or gives a control character: a tenant header is
    /// never left out, guessed, or used to smuggle in another header.
    public func render(_ context: PolicyContext) -> Result<String, PolicyDenial> {
        var value = ""
        for part in parts {
            switch part {
            case .text(let text):
                value += text
            case .expression(let node):
                switch Self.render(node, context) {
                case .success(let text): value += text
                case .failure(let fault):
                    return .failure(PolicyDenial(rule: rule, explanation: fault.explanation))
                }
            }
        }
        return .success(value)
    }

    /// The `${...}` whose `$` is at `start`: its checked node and the offset past its `}`.
    private static func expression(_ scalars: [Unicode.Scalar], at start: Int)
        throws(ExpressionError) -> (ExpressionNode, Int)
    {
        var parser = try ExpressionParser(scalars, from: start + 2)
        let (syntax, end) = try parser.expressionBeforeBrace()
        let node = try ExpressionChecker.check(syntax)
        guard node.type.allows(.string, .number) else {
            throw ExpressionError(
                "${...} must give a string or an integer, not \(node.type.shown)",
                at: syntax.start)
        }
        return (node, end)
    }

    private static func render(_ node: ExpressionNode, _ context: PolicyContext)
        -> Result<String, EvaluationFault>
    {
        node.evaluate(context).flatMap { value in
            switch value {
            case .string(let text):
                guard !text.unicodeScalars.contains(where: isControl) else {
                    return node.fault(.controlCharacter(text))
                }
                return .success(text)
            case .number(let number):
                // 1.0 is the integer 1; 1.5, or a number past 2^53 that may have been
                // rounded, is refused rather than written differently from the token.
                if let integer = PolicyValue.exactInteger(number) {
                    return .success(String(integer))
                }
                fallthrough
            default:
                return node.fault(.wrongType(value, wanted: "a string or an integer"))
            }
        }
    }

    /// C0 controls and DEL, which RFC 9110 §5.5 keeps out of field values, and C1 controls,
    /// which no tenant name needs and some software reads as line ends.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
