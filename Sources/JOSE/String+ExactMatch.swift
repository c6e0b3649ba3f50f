#if canImport(Glibc)
    import Glibc
#endif

extension String {
    /// Whether both strings hold the same UTF-8 bytes.
    ///
    /// Swift's `==` treats canonically equivalent strings as equal (`Å` and `A` followed by
    /// a combining ring, `K` and the Kelvin sign), which is right for text and wrong for
    /// identifiers: RFC 7519 §4.1 compares `iss`, `aud` and `kid` as exact code points.
    func isExactly(_ other: String) -> Bool {
        var left = self
        var right = other
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in
                guard leftBytes.count == rightBytes.count else { return false }
                guard let leftBase = leftBytes.baseAddress, let rightBase = rightBytes.baseAddress
                else { return true }
                return memcmp(leftBase, rightBase, leftBytes.count) == 0
            }
        }
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
