import COpenSSL

/// A private key that signs tokens: for `tokengate mint`, the demo's local issuer and tests.
public struct SigningKey: Sendable {
    /// The kinds of key that can be generated.
    public enum Kind: Sendable {
        case rsa(bits: Int)
        case ec(curve: String)
        case ed25519
    }

    /// The imported or generated key.
    public let handle: KeyHandle

    /// Reads a PEM private key (PKCS#8, or traditional RSA or EC); encrypted keys are refused.
    public init(pem: String) throws(KeyImportError) {
        var text = Array(pem.utf8)
        text.append(0)
        guard let pointer = tgssl_private_key_from_pem(text, text.count - 1) else {
            let detail = takeOpenSSLError()
            if pem.contains("ENCRYPTED") {
                throw KeyImportError("the key is encrypted; give an unencrypted PEM key")
            }
            throw KeyImportError("not a PEM private key: \(detail)")
        }
        handle = KeyHandle(taking: pointer)
        guard defaultAlgorithm != nil else {
            throw KeyImportError("only RSA, P-256, P-384, P-521 and Ed25519 keys can sign")
        }
        // Tokens signed by a key that tokengate's own verifier refuses would only mislead.
        if handle.kind == TGSSL_KEY_RSA && handle.bits < VerificationKey.minimumRSABits {
            throw KeyImportError(
                "RSA key of \(handle.bits) bits is below \(VerificationKey.minimumRSABits)")
        }
    }

    /// Generates a fresh key.
    public init(generating kind: Kind) throws(KeyImportError) {
        let pointer: OpaquePointer?
        switch kind {
        case .rsa(let bits): pointer = tgssl_generate_key(TGSSL_KEY_RSA, Int32(bits), nil)
        case .ec(let curve): pointer = tgssl_generate_key(TGSSL_KEY_EC, 0, curve)
        case .ed25519: pointer = tgssl_generate_key(TGSSL_KEY_ED25519, 0, nil)
        }
        guard let pointer else {
            throw KeyImportError("key generation failed: \(takeOpenSSLError())")
        }
        handle = KeyHandle(taking: pointer)
    }

    /// The algorithm a key of this kind signs with unless told otherwise.
    public var defaultAlgorithm: SignatureAlgorithm? {
        switch handle.kind {
        case TGSSL_KEY_RSA: .rs256
        case TGSSL_KEY_ED25519: .edDSA
        case TGSSL_KEY_EC:
            switch handle.ecCurve {
            case "P-256": .es256
            case "P-384": .es384
            case "P-521": .es512
            default: nil
            }
        default: nil
        }
    }

    /// Whether this key can sign with `algorithm`.
    public func canSign(_ algorithm: SignatureAlgorithm) -> Bool {
        guard let own = defaultAlgorithm else { return false }
        return algorithm.keyType == own.keyType && algorithm.curve == own.curve
    }

    /// The private key as PKCS#8 PEM text.
    public var pem: String? {
        var length = 0
        guard let text = tgssl_private_key_to_pem(handle.pointer, &length) else { return nil }
        defer { tgssl_free(text) }
        return String(cString: text)
    }

    /// Signs `message`; ES* signatures come out as raw R‖S.
    public func sign(_ message: [UInt8], algorithm: SignatureAlgorithm) -> [UInt8]? {
        guard canSign(algorithm), let scheme = algorithm.scheme else { return nil }
        var signature = [UInt8](
            repeating: 0, count: max(1024, Int(EVP_PKEY_get_size(handle.pointer))))
        var length = signature.count
        guard
            tgssl_sign(
                handle.pointer, scheme, algorithm.digestBits, message, message.count,
                &signature, &length) == 1
        else {
            _ = takeOpenSSLError()
            return nil
        }
        return Array(signature.prefix(length))
    }

    /// A compact JWS over `claims` with header `{"alg":…,"kid":…,"typ":"JWT"}`.
    public func mint(_ claims: JSONObject, algorithm: SignatureAlgorithm, keyID: String?)
        -> String?
    {
        var header = JSONObject()
        header.set("alg", .string(algorithm.rawValue))
        if let keyID { header.set("kid", .string(keyID)) }
        header.set("typ", .string("JWT"))
        let signingInput =
            Base64URL.encode(Array(JSONValue.object(header).serialized.utf8))
            + "." + Base64URL.encode(Array(JSONValue.object(claims).serialized.utf8))
        guard let signature = sign(Array(signingInput.utf8), algorithm: algorithm) else {
            return nil
        }
        return signingInput + "." + Base64URL.encode(signature)
    }
}
