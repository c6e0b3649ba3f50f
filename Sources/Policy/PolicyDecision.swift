/// What the `allow` rules of a route decided for one request.
public enum PolicyDecision: Sendable, Equatable {
    /// The request may pass: rule number `rule` (counted from 1) held.
    case allow(rule: Int)
    /// No rule held.
    case deny(PolicyDenial)
}

/// A valid token that policy refuses (403), with the reason in two texts.
public struct PolicyDenial: Error, Sendable, Equatable {
    /// The rule that refused: `allow #1`, or `set_header X-Scope-OrgID` for a header whose
    /// value cannot be had.
    public let rule: String
    /// Why, without any value from the token or request, for logs and error bodies:
    /// `allow #1: claims.repository`, `allow #1: claims.ref is missing`.
    public let reason: String
    /// Why, with the values, for `tokengate verify`:
    /// `allow #1: claims.repository is "acme/other", wants "acme/alerts"`.
    public let reasonWithValues: String

    /// A denial by `rule`, its texts prefixed with the rule's name.
    public init(rule: String, explanation: PolicyExplanation) {
        self.rule = rule
        self.reason = "\(rule): \(explanation.reason)"
        self.reasonWithValues = "\(rule): \(explanation.reasonWithValues)"
    }
}
