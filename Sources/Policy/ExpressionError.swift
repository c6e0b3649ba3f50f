/// An expression or header template that cannot be compiled: the configuration is refused.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in a sentence without a trailing period.
    public let message: String
    /// Where: the Unicode scalar offset from the start of the text, 0 for its first
    /// character and the text's length for one past its end (what
    /// `SourceText.location(atOffset:)` takes).
    public let offset: Int

    /// An error at `offset`.
    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The column, counted from 1 at the start of the text; the caller adds where the text
    /// starts on its line.
    public var column: Int { offset + 1 }

    /// `COLUMN: message`.
    public var description: String { "\(column): \(message)" }
}
