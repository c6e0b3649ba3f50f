/// Puts a request path in the one form that both tokengate and the upstream read, before
/// routing: escapes checked, unreserved ones decoded, slashes merged, dot segments resolved.
///
/// An encoded `/` or `\` stays encoded and never splits a segment, so `team%2Fns` is one
/// segment for the route table as for Loki's ruler.
public enum PathNormalizer {
    /// The normalised path, or a 400 for `%00`, a malformed escape, a byte outside visible
    /// ASCII, a path not starting with `/`, or a `..` that climbs above the root.
    public static func normalize(_ path: String) throws(RequestError) -> String {
        let decoded = try decodeUnreserved(Array(path.utf8))
        guard decoded.first == UInt8(ascii: "/") else {
            throw RequestError(400, "path does not start with /")
        }
        var segments: [ArraySlice<UInt8>] = []
        let parts = decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let endsWithSlash = decoded.count > 1 && decoded.last == UInt8(ascii: "/")
        var endsInDirectory = endsWithSlash
        for part in parts.dropFirst() {
            endsInDirectory = endsWithSlash
            switch Array(part) {
            case []:
                continue
            case [UInt8(ascii: ".")]:
                endsInDirectory = true
            case [UInt8(ascii: "."), UInt8(ascii: ".")]:
                guard !segments.isEmpty else {
                    throw RequestError(400, "path climbs above the root")
                }
                segments.removeLast()
                endsInDirectory = true
            default:
                segments.append(part)
            }
        }
        var output: [UInt8] = []
        for segment in segments {
            output.append(UInt8(ascii: "/"))
            output.append(contentsOf: segment)
        }
        if output.isEmpty || endsInDirectory { output.append(UInt8(ascii: "/")) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Step 1 and 2: validates every byte and escape, decodes escaped unreserved characters
    /// and writes the remaining escapes in upper case.
    private static func decodeUnreserved(_ bytes: [UInt8]) throws(RequestError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte > 0x20 && byte < 0x7F else {
                throw RequestError(400, "byte outside visible ASCII in the path")
            }
            guard byte == UInt8(ascii: "%") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            else { throw RequestError(400, "malformed escape in the path") }
            let value = high << 4 | low
            guard value != 0 else { throw RequestError(400, "%00 in the path") }
            if isUnreserved(value) {
                output.append(value)
            } else {
                output.append(contentsOf: [UInt8(ascii: "%"), hexDigit(high), hexDigit(low)])
            }
            index += 3
        }
        return output
    }

    /// RFC 3986 §2.3 `unreserved`.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
