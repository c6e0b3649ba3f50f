/// Why one word is not a value of the kind its directive takes; the resolver reports it
/// at the word.
struct ValueError: Error, Sendable {
    /// The diagnostic's message.
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
