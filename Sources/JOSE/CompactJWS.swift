#if canImport(Glibc)
    import Glibc
#endif

/// A JWS in compact serialization (RFC 7515 §7.1), split and decoded but not yet verified.
public struct CompactJWS: Sendable {
    /// Longest token accepted, in bytes: the default limit of a whole request head.
    public static let maximumLength = 64 * 1024

    /// The protected header.
    public let header: JSONObject
    /// The header's `alg`, exactly as written.
    public let algorithmName: String
    /// The header's `kid`, when present.
    public let keyID: String?
    /// The decoded payload.
    public let payload: [UInt8]
    /// The decoded signature.
    public let signature: [UInt8]
    /// The token's bytes; the signing input is its first `signingInputCount` of them.
    let bytes: [UInt8]
    let signingInputCount: Int

    /// Splits and decodes a token.
    ///
    /// Every segment must be strict base64url, the header a JSON
    /// object with a string `alg` and no `crit`.
    public init(_ token: [UInt8]) throws(TokenRejection) {
        guard token.count <= Self.maximumLength else {
            throw .malformed("token is longer than \(Self.maximumLength) bytes")
        }
        let segments = token.withUnsafeBufferPointer { Self.decodeSegments($0) }
        guard let segments else { throw .malformed("a compact JWS has exactly three segments") }
        guard let headerBytes = segments.header, let payload = segments.payload,
            let signature = segments.signature
        else { throw .malformed("a segment is not unpadded base64url") }
        let bytes = token
        let secondDot = segments.signingInputCount
        let header: JSONObject
        do {
            header = try JSONParser.parseObject(headerBytes)
        } catch {
            throw .malformed("the header is not a JSON object")
        }
        guard let algorithmName = header["alg"]?.stringValue else {
            throw .malformed("the header has no string alg")
        }
        // RFC 7515 §4.1.11: a recipient must refuse extensions it does not understand, and
        // tokengate understands none, so `crit` in any form (even empty) refuses the token.
        guard !header.contains("crit") else {
            throw .malformed("the header has crit, and no extension is supported")
        }
        var keyID: String?
        if let kid = header["kid"] {
            guard let text = kid.stringValue else { throw .malformed("kid is not a string") }
            keyID = text
        }
        // `jwk`, `jku`, `x5u` and `x5c` in a header are never read: a token cannot name the
        // key that vouches for it.
        self.header = header
        self.algorithmName = algorithmName
        self.keyID = keyID
        self.payload = payload
        self.signature = signature
        self.bytes = bytes
        self.signingInputCount = secondDot
    }

    /// Splits at the two dots and decodes each segment; nil unless there are exactly two dots.
    private static func decodeSegments(_ token: UnsafeBufferPointer<UInt8>)
        -> (header: [UInt8]?, payload: [UInt8]?, signature: [UInt8]?, signingInputCount: Int)?
    {
        guard let first = indexOfDot(token, from: 0),
            let second = indexOfDot(token, from: first + 1),
            indexOfDot(token, from: second + 1) == nil
        else { return nil }
        return (
            Base64URL.decodeStrict(UnsafeBufferPointer(rebasing: token[..<first])),
            Base64URL.decodeStrict(UnsafeBufferPointer(rebasing: token[(first + 1)..<second])),
            Base64URL.decodeStrict(UnsafeBufferPointer(rebasing: token[(second + 1)...])),
            second
        )
    }

    /// The position of the next `.` at or after `start`, found with memchr.
    private static func indexOfDot(_ token: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = token.baseAddress, start < token.count,
            let found = memchr(base + start, Int32(UInt8(ascii: ".")), token.count - start)
        else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// Calls `body` with the JWS signing input: `BASE64URL(header) "." BASE64URL(payload)`.
    func withSigningInput<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer {
            body(UnsafeBufferPointer(rebasing: $0[..<signingInputCount]))
        }
    }
}
