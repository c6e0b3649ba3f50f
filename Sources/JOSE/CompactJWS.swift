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
    public init(_ token: some Collection<UInt8>) throws(TokenRejection) {
        guard token.count <= Self.maximumLength else {
            throw .malformed("token is longer than \(Self.maximumLength) bytes")
        }
        let bytes = Array(token)
        guard let firstDot = bytes.firstIndex(of: UInt8(ascii: ".")),
            let secondDot = bytes[(firstDot + 1)...].firstIndex(of: UInt8(ascii: ".")),
            !bytes[(secondDot + 1)...].contains(UInt8(ascii: "."))
        else { throw .malformed("a compact JWS has exactly three segments") }

        guard let headerBytes = Base64URL.decodeStrict(bytes[..<firstDot]),
            let payload = Base64URL.decodeStrict(bytes[(firstDot + 1)..<secondDot]),
            let signature = Base64URL.decodeStrict(bytes[(secondDot + 1)...])
        else { throw .malformed("a segment is not unpadded base64url") }

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

    /// Calls `body` with the JWS signing input: `BASE64URL(header) "." BASE64URL(payload)`.
    func withSigningInput<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer {
            body(UnsafeBufferPointer(rebasing: $0[..<signingInputCount]))
        }
    }
}
