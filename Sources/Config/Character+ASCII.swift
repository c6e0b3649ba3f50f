extension Character {
    /// Whether this is one of `0` to `9`.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
