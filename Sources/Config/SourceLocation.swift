/// A place in a configuration file: its name, and a line and column counted from 1.
///
/// Columns count Unicode scalars, which is characters for the ASCII text a configuration
/// normally holds.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file's name as the reader was given it.
    public let file: String
    /// The line, counted from 1.
    public let line: Int
    /// The column, counted from 1.
    public let column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COLUMN`, as diagnostics print it.
    public var description: String { "\(file):\(line):\(column)" }

    /// Orders by file name, then line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
