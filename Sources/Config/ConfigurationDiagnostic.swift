/// One problem found in a configuration, at the place of the offending word.
public struct ConfigurationDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public let location: SourceLocation
    /// What is wrong, in one line that starts in lower case.
    public let message: String

    /// Creates a diagnostic; control characters the message quotes from the file are
    /// written as `\u{1B}`, so that printing it cannot drive the terminal.
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = Self.escapingControls(message)
    }

    private static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `FILE:LINE:COLUMN: message`, the line `tokengate check` prints.
    public var description: String { "\(location): \(message)" }
}
