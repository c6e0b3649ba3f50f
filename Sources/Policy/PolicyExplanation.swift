/// Why an expression did not give what was wanted, in two texts: without values for logs
/// and error bodies, with them for `tokengate verify`.
public struct PolicyExplanation: Sendable, Equatable {
    /// The part of the expression at fault and, for an error, its kind; never a value
    /// from the request: `claims.repository`, `claims.ref is missing`.
    public let reason: String
    /// The same with the values involved:
    /// `claims.repository is "acme/other", wants "acme/alerts"`.
    public let reasonWithValues: String

    /// An explanation.
    public init(reason: String, reasonWithValues: String) {
        self.reason = reason
        self.reasonWithValues = reasonWithValues
    }
}
