extension String {
    /// Whether both strings hold the same UTF-8 bytes.
    ///
    /// Swift's `==` treats canonically equivalent strings as equal (`Å` and `A` followed by
    /// a combining ring, `K` and the Kelvin sign), which is right for text and wrong for
    /// identifiers: RFC 7519 §4.1 compares `iss`, `aud` and `kid` as exact code points.
    func isExactly(_ other: String) -> Bool {
        utf8.count == other.utf8.count && utf8.elementsEqual(other.utf8)
    }

    /// The text as a message may show it: quoted, control and non-ASCII characters
    /// escaped, cut to `limit` characters, so that a value from an unverified token can
    /// neither forge a line nor flood a terminal.
    func shownSafely(limit: Int = 120) -> String {
        var shown = "\""
        for scalar in unicodeScalars.prefix(limit) {
            switch scalar.value {
            case 0x22: shown += "\\\""
            case 0x5C: shown += "\\\\"
            case 0x20..<0x7F: shown.unicodeScalars.append(scalar)
            default: shown += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        if unicodeScalars.count > limit { shown += "…" }
        return shown + "\""
    }
}
