/// The configuration file itself cannot be read; `tokengate check` exits 2 for it, not 1.
public struct ConfigurationFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path as it was given.
    public let path: String
    /// Why it cannot be read, such as the system's error text.
    public let reason: String

    /// Creates the error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot read configuration file PATH: REASON`.
    public var description: String { "cannot read configuration file \(path): \(reason)" }
}
