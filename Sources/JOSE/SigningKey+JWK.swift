import COpenSSL

extension SigningKey {
    /// The members RFC 7638 §3.2 puts in a thumbprint, in its lexicographic order.
    private var requiredPublicMembers: [(String, String)]? {
        switch handle.kind {
        case TGSSL_KEY_RSA:
            var modulus = [UInt8](repeating: 0, count: 2048)
            var exponent = [UInt8](repeating: 0, count: 512)
            var modulusCount = modulus.count
            var exponentCount = exponent.count
            guard
                tgssl_rsa_public_numbers(
                    handle.pointer, &modulus, &modulusCount, &exponent,
                    &exponentCount) == 1
            else { return nil }
            return [
                ("e", Base64URL.encode(exponent.prefix(exponentCount))), ("kty", "RSA"),
                ("n", Base64URL.encode(modulus.prefix(modulusCount))),
            ]
        case TGSSL_KEY_EC:
            var x = [UInt8](repeating: 0, count: 66)
            var y = [UInt8](repeating: 0, count: 66)
            let size = Int(tgssl_ec_field_bytes(handle.pointer))
            guard let curve = handle.ecCurve,
                tgssl_ec_public_coordinates(handle.pointer, &x, &y, x.count) == 1
            else { return nil }
            return [
                ("crv", curve), ("kty", "EC"), ("x", Base64URL.encode(x.prefix(size))),
                ("y", Base64URL.encode(y.prefix(size))),
            ]
        case TGSSL_KEY_ED25519:
            var raw = [UInt8](repeating: 0, count: 32)
            var length = raw.count
            guard EVP_PKEY_get_raw_public_key(handle.pointer, &raw, &length) == 1 else {
                return nil
            }
            return [
                ("crv", "Ed25519"), ("kty", "OKP"), ("x", Base64URL.encode(raw.prefix(length))),
            ]
        default:
            return nil
        }
    }

    /// The RFC 7638 thumbprint: base64url of the SHA-256 of the required members.
    public var thumbprint: String? {
        guard let members = requiredPublicMembers else { return nil }
        var object = JSONObject()
        for (name, value) in members { object.set(name, .string(value)) }
        let canonical = Array(JSONValue.object(object).serialized.utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        guard tgssl_sha256(canonical, canonical.count, &digest) == 1 else { return nil }
        return Base64URL.encode(digest)
    }

    /// The public JWK: the required members, then `kid`, `use` and `alg`.
    public func publicJWK(keyID: String?) -> JSONObject? {
        guard let members = requiredPublicMembers, let algorithm = defaultAlgorithm else {
            return nil
        }
        var object = JSONObject()
        for (name, value) in members { object.set(name, .string(value)) }
        if let keyID = keyID ?? thumbprint { object.set("kid", .string(keyID)) }
        object.set("use", .string("sig"))
        if algorithm.keyType != .rsa { object.set("alg", .string(algorithm.rawValue)) }
        return object
    }
}
