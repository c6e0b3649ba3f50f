/// A route's `allow` rules: a request passes when any of them holds.
public struct AllowRules: Sendable {
    /// The rules in the order written; `allow #1` is the first.
    public let rules: [AllowRule]

    /// Rules in the order the configuration wrote them.
    public init(_ rules: [AllowRule]) {
        self.rules = rules
    }

    /// The decision for a request: the first rule that holds allows it; when none does,
    /// the denial explains the first rule (with one rule, the one the operator meant).
    public func evaluate(_ context: PolicyContext) -> PolicyDecision {
        for (position, rule) in rules.enumerated() {
            if case .success(true) = rule.node.evaluateBool(context) {
                return .allow(rule: position + 1)
            }
        }
        guard let first = rules.first else {
            let nothing = PolicyExplanation(reason: "no rule", reasonWithValues: "no rule")
            return .deny(PolicyDenial(rule: "allow", explanation: nothing))
        }
        switch first.evaluate(context) {
        case .isFalse(let explanation), .error(let explanation):
            return .deny(PolicyDenial(rule: "allow #1", explanation: explanation))
        case .holds:
            // Unreachable: evaluation is a pure function of the context.
            return .allow(rule: 1)
        }
    }
}
