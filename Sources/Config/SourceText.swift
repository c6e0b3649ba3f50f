/// Text kept as the configuration wrote it, with the place of each of its characters.
///
/// `allow` expressions and header values are kept this way: this module does not read
/// them, and the module that compiles them reports its errors at `location(atOffset:)`.
public struct SourceText: Sendable, Hashable, CustomStringConvertible {
    /// A line and column pair, without the file name every position of a text shares.
    struct Position: Sendable, Hashable {
        var line: Int
        var column: Int
    }

    /// The text: unquoted and unescaped for a quoted word; for an expression that spans
    /// lines, its lines joined by `\n` with comments and trailing blanks removed.
    public let text: String
    /// Where the text starts in the file (for a quoted word, its opening quote).
    public let location: SourceLocation
    /// The place of each Unicode scalar of `text`, then the place one past its end.
    private let positions: [Position]

    /// Creates text that starts at `location`; a `\n` in it starts a new line at column 1.
    public init(_ text: String, at location: SourceLocation) {
        var position = Position(line: location.line, column: location.column)
        var positions: [Position] = []
        for scalar in text.unicodeScalars {
            positions.append(position)
            if scalar == "\n" {
                position = Position(line: position.line + 1, column: 1)
            } else {
                position.column += 1
            }
        }
        positions.append(position)
        self.init(text: text, location: location, positions: positions)
    }

    /// Creates text from what the reader collected; `positions` has one more element than
    /// `text` has Unicode scalars.
    init(text: String, location: SourceLocation, positions: [Position]) {
        self.text = text
        self.location = location
        self.positions = positions
    }

    /// The place of the Unicode scalar at `offset` in `text`: offset 0 is the first, and
    /// the scalar count gives the place one past the end; offsets beyond are clamped.
    public func location(atOffset offset: Int) -> SourceLocation {
        let position = positions[min(max(offset, 0), positions.count - 1)]
        return SourceLocation(file: location.file, line: position.line, column: position.column)
    }

    /// The text itself.
    public var description: String { text }
}
