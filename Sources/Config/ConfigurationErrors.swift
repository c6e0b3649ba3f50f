/// Every problem found in a configuration, sorted by place, printed one per line.
public struct ConfigurationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The diagnostics, sorted by file, line and column; those at one place keep the order
    /// in which they were found.
    public let diagnostics: [ConfigurationDiagnostic]

    /// Collects `diagnostics` and sorts them.
    public init(_ diagnostics: [ConfigurationDiagnostic]) {
        self.diagnostics = diagnostics.enumerated()
            .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
    }

    /// One `FILE:LINE:COLUMN: message` line per diagnostic, without a final newline.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
