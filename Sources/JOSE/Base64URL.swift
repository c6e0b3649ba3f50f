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
    public static func decodeStrict(_ text: [UInt8]) -> [UInt8]? {
        text.withUnsafeBufferPointer { decodeStrict($0) }
    }

    /// The same over bytes in place, as the token parser calls it for each segment.
    static func decodeStrict(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        urlSafeValues.withUnsafeBufferPointer { table in
            decodeFast(text, table: table)
        }
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

    /// Decodes unpadded text four characters at a time, refusing any character outside
    /// `table` and, for a canonical result, nonzero unused bits in the last character.
    private static func decodeFast(
        _ text: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>
    )
        -> [UInt8]?
    {
        let count = text.count
        let remainder = count % 4
        if remainder == 1 { return nil }
        let outputCount = count / 4 * 3 + (remainder == 0 ? 0 : remainder - 1)
        var isValid = true
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
            var input = 0
            var out = 0
            var invalid: UInt8 = 0
            while input + 4 <= count {
                let a = table[Int(text[input])]
                let b = table[Int(text[input + 1])]
                let c = table[Int(text[input + 2])]
                let d = table[Int(text[input + 3])]
                invalid |= (a | b | c | d) & 0xC0
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                buffer[out] = UInt8(truncatingIfNeeded: group >> 16)
                buffer[out + 1] = UInt8(truncatingIfNeeded: group >> 8)
                buffer[out + 2] = UInt8(truncatingIfNeeded: group)
                input += 4
                out += 3
            }
            if remainder >= 2 {
                let a = table[Int(text[input])]
                let b = table[Int(text[input + 1])]
                let c = remainder == 3 ? table[Int(text[input + 2])] : 0
                invalid |= (a | b | c) & 0xC0
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                buffer[out] = UInt8(truncatingIfNeeded: group >> 16)
                if remainder == 3 { buffer[out + 1] = UInt8(truncatingIfNeeded: group >> 8) }
                // The bits past the last whole byte must be zero (RFC 4648 §3.5).
                let unused = remainder == 2 ? b & 0x0F : c & 0x03
                if unused != 0 { invalid = 0xFF }
            }
            initialized = outputCount
            isValid = invalid == 0
        }
        return isValid ? output : nil
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
