/// `set_header NAME VALUE` or `response_header NAME VALUE`: a header a route sets.
public struct HeaderAssignment: Sendable, Hashable {
    /// The header name as written (header names compare without case).
    public let name: String
    /// The value as written, unquoted: a template in which `${...}` holds an expression and
    /// `$$` is a literal `$`, left for the policy module to compile.
    public let value: SourceText

    /// Creates a header assignment.
    public init(name: String, value: SourceText) {
        self.name = name
        self.value = value
    }
}
