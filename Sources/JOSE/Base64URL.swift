/// Base64url (RFC 4648 §5) as JOSE uses it: strict for token segments, tolerant for the
/// members of published keys.
public enum Base64URL {
    /// Sextet values by ASCII byte; 0xFF marks a byte outside the URL-safe alphabet.
    private static let urlSafeValues: [UInt8] = alphabetTable(extra62: 0x2D, extra63: 0x5F)

    /// The same table for the standard alphabet, used for `x5c` certificates.
    private static let standardValues: [UInt8] = alphabetTable(extra62: 0x2B, extra63: 0x2F)

    private static let urlSafeAlphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static func alphabetTable(extra62: UInt8, extra63: UInt8) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
            table[Int(byte) + 32] = UInt8(index + 26)
        }
        for digit in 0..<10 {
            table[0x30 + digit] = UInt8(52 + digit)
        }
        table[Int(extra62)] = 62
        table[Int(extra63)] = 63
        return table
    }

    /// Decodes a token segment: URL-safe alphabet only, no padding, no whitespace, and the
    /// unused low bits of the last character zero, so that each value has one spelling.
    public static func decodeStrict(_ text: some Collection<UInt8>) -> [UInt8]? {
        decode(text, table: urlSafeValues, canonical: true)
    }

    /// Decodes a JWK member as issuers publish it: URL-safe, `=` padding tolerated.
    public static func decodeLenient(_ text: String) -> [UInt8]? {
        decode(text.utf8.prefix { $0 != 0x3D }, table: urlSafeValues, canonical: false, text)
    }

    /// Decodes standard base64 with optional padding, as RFC 7517 §4.7 writes `x5c` entries.
    public static func decodeStandard(_ text: String) -> [UInt8]? {
        decode(text.utf8.prefix { $0 != 0x3D }, table: standardValues, canonical: false, text)
    }

    /// Encodes without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(urlSafeAlphabet[Int(group >> 18 & 63)])
            output.append(urlSafeAlphabet[Int(group >> 12 & 63)])
            if second != nil { output.append(urlSafeAlphabet[Int(group >> 6 & 63)]) }
            if third != nil { output.append(urlSafeAlphabet[Int(group & 63)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `text`; when `padded` is given, the part after the data must be valid padding.
    private static func decode(
        _ text: some Collection<UInt8>, table: [UInt8], canonical: Bool, _ padded: String? = nil
    ) -> [UInt8]? {
        let count = text.count
        if count % 4 == 1 { return nil }
        if let padded {
            let padding = padded.utf8.count - count
            guard padding == 0 || (padding + count) % 4 == 0 && padding <= 2 else { return nil }
            guard padded.utf8.dropFirst(count).allSatisfy({ $0 == 0x3D }) else { return nil }
        }
        var output = [UInt8]()
        output.reserveCapacity(count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text {
            let value = table[Int(byte)]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        if canonical && accumulator & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return output
    }
}
