/// One word of a configuration line, as the reader cut it, with its place in the file.
struct ConfigWord: Sendable {
    /// How the word was written.
    enum Kind: Sendable {
        /// Written as is, up to the next blank.
        case bare
        /// Written in double quotes; `source.text` holds it unquoted and unescaped.
        case quoted
        /// The raw rest of an `allow` line, continued while a bracket is open.
        case expression
    }

    /// The word's text and the place of each of its characters.
    let source: SourceText
    /// How it was written.
    let kind: Kind
    /// Whether the reader already reported a problem in it: later stages stay quiet
    /// about such a word, so that one mistake gives one diagnostic.
    let isDamaged: Bool

    /// The text of the word.
    var text: String { source.text }

    /// Where the word starts.
    var location: SourceLocation { source.location }

    /// Whether this is the bare word `text`, as braces must be to open or close a block.
    func isBare(_ text: String) -> Bool {
        kind == .bare && source.text == text
    }
}
