/// Durations as the contract writes them: `500ms`, `30s`, `5m`, `1h`, `7d`.
enum DurationText {
    /// The duration in seconds, or nil when `text` is not one.
    static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, scale: Double)] = [
            ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.count <= 12, number.allSatisfy(\.isASCIIDigit),
                let count = Double(number)
            else { return nil }
            return count * unit.scale
        }
        return nil
    }
}

extension Character {
    /// Whether this is one of `0`…`9`.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
