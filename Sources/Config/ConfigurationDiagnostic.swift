/// One problem found in a configuration, at the place of the offending word.
public struct ConfigurationDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public let location: SourceLocation
    /// What is wrong, in one line that starts in lower case.
    public let message: String

    /// Creates a diagnostic.
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COLUMN: message`, the line `tokengate check` prints.
    public var description: String { "\(location): \(message)" }
}
