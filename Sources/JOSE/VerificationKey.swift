import COpenSSL

/// One public key from a key set, imported into OpenSSL once and used for many tokens.
public struct VerificationKey: Sendable {
    /// The key's `kid`, if it has one.
    public let keyID: String?
    /// The key's `kty`.
    public let keyType: KeyType
    /// The curve of an EC or OKP key.
    public let curve: String?
    /// The algorithm the key's `alg` pins it to; nil when the key may serve any that fits.
    public let pinnedAlgorithm: SignatureAlgorithm?
    /// The imported key.
    public let handle: KeyHandle

    /// Whether a token signed with `algorithm` may be checked with this key.
    public func fits(_ algorithm: SignatureAlgorithm) -> Bool {
        if let pinnedAlgorithm, pinnedAlgorithm != algorithm { return false }
        return algorithm.keyType == keyType && algorithm.curve == curve
    }
}

/// Why a JWK was left out of its key set.
public struct KeyImportError: Error, Equatable, CustomStringConvertible {
    /// What was wrong, without key material.
    public let reason: String

    /// The reason.
    public var description: String { reason }

    init(_ reason: String) {
        self.reason = reason
    }
}

extension VerificationKey {
    /// Smallest RSA modulus accepted, in bits.
    public static let minimumRSABits = 2048

    /// Imports one JWK (RFC 7517 §4) as a verification key, or says why it cannot serve.
    public init(jwk: JSONObject) throws(KeyImportError) {
        guard let typeName = jwk["kty"]?.stringValue else { throw KeyImportError("no kty") }
        guard let keyType = KeyType(rawValue: typeName), keyType != .oct else {
            throw KeyImportError("key type \(typeName) is not used for verification")
        }
        if let use = jwk["use"], use.stringValue != "sig" {
            throw KeyImportError("use is not sig")
        }
        if let operations = jwk["key_ops"] {
            guard let list = operations.arrayValue, list.contains(.string("verify")) else {
                throw KeyImportError("key_ops does not hold verify")
            }
        }
        var keyID: String?
        if let kid = jwk["kid"] {
            guard let text = kid.stringValue else { throw KeyImportError("kid is not a string") }
            keyID = text
        }

        let (handle, curve) = try Self.importMaterial(jwk, keyType: keyType)
        var pinned: SignatureAlgorithm?
        if let alg = jwk["alg"] {
            guard let name = alg.stringValue, let algorithm = SignatureAlgorithm(rawValue: name),
                !algorithm.isHMAC, algorithm.keyType == keyType, algorithm.curve == curve
            else { throw KeyImportError("alg does not name a signature algorithm for this key") }
            pinned = algorithm
        }
        self.init(
            keyID: keyID, keyType: keyType, curve: curve, pinnedAlgorithm: pinned,
            handle: handle)
    }

    /// Builds the OpenSSL key from the members, from `x5c`, or from both when they agree.
    private static func importMaterial(_ jwk: JSONObject, keyType: KeyType)
        throws(KeyImportError) -> (KeyHandle, String?)
    {
        let certificateKey = try certificateKey(jwk)
        let hasMembers: Bool
        switch keyType {
        case .rsa: hasMembers = jwk.contains("n") || jwk.contains("e")
        case .ec: hasMembers = jwk.contains("x") || jwk.contains("y")
        case .okp, .oct: hasMembers = jwk.contains("x")
        }
        guard hasMembers || certificateKey != nil else { throw KeyImportError("no key material") }

        let memberKey: KeyHandle?
        if hasMembers {
            switch keyType {
            case .rsa: memberKey = try rsaKey(jwk)
            case .ec: memberKey = try ecKey(jwk)
            case .okp, .oct: memberKey = try okpKey(jwk)
            }
        } else {
            memberKey = nil
        }

        if let certificateKey, let memberKey, !certificateKey.hasSamePublicKey(as: memberKey) {
            throw KeyImportError("x5c certificate and key members disagree")
        }
        guard let key = memberKey ?? certificateKey else { throw KeyImportError("no key") }
        return (key, try checkedCurve(of: key, keyType: keyType, jwk: jwk))
    }

    /// Confirms the key is of the declared type and returns its JOSE curve name.
    private static func checkedCurve(of key: KeyHandle, keyType: KeyType, jwk: JSONObject)
        throws(KeyImportError) -> String?
    {
        switch (keyType, key.kind) {
        case (.rsa, TGSSL_KEY_RSA):
            try checkRSANumbers(of: key)
            return nil
        case (.ec, TGSSL_KEY_EC):
            let curve = key.ecCurve
            guard curve != nil, jwk["crv"] == nil || jwk["crv"]?.stringValue == curve else {
                throw KeyImportError("curve does not match crv")
            }
            return curve
        case (.okp, TGSSL_KEY_ED25519):
            guard jwk["crv"] == nil || jwk["crv"]?.stringValue == "Ed25519" else {
                throw KeyImportError("curve does not match crv")
            }
            return "Ed25519"
        default:
            throw KeyImportError("key material is not of type \(keyType.rawValue)")
        }
    }

    private static func certificateKey(_ jwk: JSONObject) throws(KeyImportError) -> KeyHandle? {
        guard let chain = jwk["x5c"] else { return nil }
        guard let first = chain.arrayValue?.first?.stringValue,
            let der = Base64URL.decodeStandard(first)
        else { throw KeyImportError("x5c is not a list of base64 certificates") }
        guard
            let pointer = der.withUnsafeBufferPointer({ buffer in
                tgssl_certificate_public_key(buffer.baseAddress, buffer.count)
            })
        else {
            _ = takeOpenSSLError()
            throw KeyImportError("x5c certificate does not parse")
        }
        return KeyHandle(taking: pointer)
    }

    private static func member(_ jwk: JSONObject, _ name: String) throws(KeyImportError)
        -> [UInt8]
    {
        guard let text = jwk[name]?.stringValue, let bytes = Base64URL.decodeLenient(text),
            !bytes.isEmpty
        else { throw KeyImportError("member \(name) is missing or not base64url") }
        return bytes
    }

    private static func rsaKey(_ jwk: JSONObject) throws(KeyImportError) -> KeyHandle {
        let modulus = Array(try member(jwk, "n").drop { $0 == 0 })
        let exponent = Array(try member(jwk, "e").drop { $0 == 0 })
        try checkRSANumbers(modulus: modulus, exponent: exponent)
        guard let pointer = tgssl_rsa_public_key(modulus, modulus.count, exponent, exponent.count)
        else {
            throw KeyImportError("RSA key rejected by OpenSSL: \(takeOpenSSLError())")
        }
        return KeyHandle(taking: pointer)
    }

    private static func checkRSANumbers(of key: KeyHandle) throws(KeyImportError) {
        var modulus = [UInt8](repeating: 0, count: 2048)
        var exponent = [UInt8](repeating: 0, count: 512)
        var modulusCount = modulus.count
        var exponentCount = exponent.count
        guard
            tgssl_rsa_public_numbers(
                key.pointer, &modulus, &modulusCount, &exponent,
                &exponentCount) == 1
        else { throw KeyImportError("RSA numbers cannot be read") }
        try checkRSANumbers(
            modulus: Array(modulus.prefix(modulusCount)),
            exponent: Array(exponent.prefix(exponentCount)))
    }

    /// RSA keys below 2048 bits are refused (NIST SP 800-131A), and so is an even or tiny
    /// exponent, which no honest key generator produces.
    private static func checkRSANumbers(modulus: [UInt8], exponent: [UInt8])
        throws(KeyImportError)
    {
        let bits = modulus.isEmpty ? 0 : modulus.count * 8 - modulus[0].leadingZeroBitCount
        guard bits >= minimumRSABits else {
            throw KeyImportError("RSA modulus of \(bits) bits is below \(minimumRSABits)")
        }
        guard let last = exponent.last, last & 1 == 1, exponent.count > 1 || last >= 3 else {
            throw KeyImportError("RSA exponent is not odd and at least 3")
        }
    }

    private static func ecKey(_ jwk: JSONObject) throws(KeyImportError) -> KeyHandle {
        let size: Int
        switch jwk["crv"]?.stringValue {
        case "P-256": size = 32
        case "P-384": size = 48
        case "P-521": size = 66
        default: throw KeyImportError("crv is not P-256, P-384 or P-521")
        }
        let x = try member(jwk, "x")
        let y = try member(jwk, "y")
        guard x.count == size, y.count == size else {
            throw KeyImportError("EC coordinates are not \(size) bytes long")
        }
        guard let curve = jwk["crv"]?.stringValue,
            let pointer = tgssl_ec_public_key(curve, x, y, size)
        else {
            _ = takeOpenSSLError()
            throw KeyImportError("EC point is not on the curve")
        }
        return KeyHandle(taking: pointer)
    }

    private static func okpKey(_ jwk: JSONObject) throws(KeyImportError) -> KeyHandle {
        guard jwk["crv"]?.stringValue == "Ed25519" else {
            throw KeyImportError("crv is not Ed25519")
        }
        let x = try member(jwk, "x")
        guard let pointer = tgssl_ed25519_public_key(x, x.count) else {
            _ = takeOpenSSLError()
            throw KeyImportError("Ed25519 key is not 32 bytes")
        }
        return KeyHandle(taking: pointer)
    }
}
