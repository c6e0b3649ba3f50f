/// One `allow` expression, parsed and checked at load.
public struct AllowRule: Sendable, CustomStringConvertible {
    /// What a rule gave for one request.
    public enum Outcome: Sendable, Equatable {
        /// The expression is true.
        case holds
        /// The expression is false.
        case isFalse(PolicyExplanation)
        /// The expression has no value (a missing claim, a type mismatch, ...); it denies.
        case error(PolicyExplanation)
    }

    /// The expression as written.
    public let text: String
    let node: ExpressionNode

    /// Compiles `text`; an error names its offset in `text`.
    public init(compiling text: String) throws(ExpressionError) {
        let syntax = try ExpressionParser.parse(text)
        let node = try ExpressionChecker.check(syntax)
        guard node.type.allows(.bool) else {
            throw ExpressionError(
                "an allow expression must give true or false, not \(node.type.shown)",
                at: syntax.start)
        }
        self.text = text
        self.node = node
    }

    /// The expression as written.
    public var description: String { text }

    /// Whether the rule holds for a request, and why not when it does not.
    public func evaluate(_ context: PolicyContext) -> Outcome {
        switch node.evaluateBool(context) {
        case .success(true): .holds
        case .success(false): .isFalse(node.explain(wanting: true, context))
        case .failure(let fault): .error(fault.explanation)
        }
    }
}
