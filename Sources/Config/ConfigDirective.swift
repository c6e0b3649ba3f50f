/// One node of the syntax tree: a directive's name, its arguments, and perhaps a block.
struct ConfigDirective: Sendable {
    /// The first word of the line.
    let name: ConfigWord
    /// The words after the name (without the `{` that opens a block).
    let arguments: [ConfigWord]
    /// The directives inside the braces, or nil when the line opened no block.
    let block: [ConfigDirective]?
}
