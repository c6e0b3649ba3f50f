/// An issuer's public keys (a JWK Set, RFC 7517 §5), imported once and shared by every
/// verification until the set is replaced whole.
public struct KeySet: Sendable {
    /// The keys that imported.
    public let keys: [VerificationKey]
    /// The keys that did not, by their position in `keys` of the document, with the reason.
    public let skipped: [(index: Int, keyID: String?, reason: String)]

    /// A set made of keys already imported.
    public init(keys: [VerificationKey]) {
        self.keys = keys
        self.skipped = []
    }

    /// Imports a JWK Set document.
    ///
    /// A key that cannot serve is skipped and listed in
    /// `skipped`, never spoiling the rest; only a document that is not a key set throws.
    public init(jwks document: [UInt8]) throws(KeyImportError) {
        let object: JSONObject
        do {
            object = try JSONParser.parseObject(document)
        } catch {
            throw KeyImportError("key set is not a JSON object: \(error)")
        }
        guard let entries = object["keys"]?.arrayValue else {
            throw KeyImportError("key set has no keys array")
        }
        var keys: [VerificationKey] = []
        var skipped: [(Int, String?, String)] = []
        for (index, entry) in entries.enumerated() {
            guard let jwk = entry.objectValue else {
                skipped.append((index, nil, "not a JSON object"))
                continue
            }
            do {
                keys.append(try VerificationKey(jwk: jwk))
            } catch {
                skipped.append((index, jwk["kid"]?.stringValue, error.reason))
            }
        }
        self.keys = keys
        self.skipped = skipped
    }

    /// The keys that may check a token with this header, in set order.
    ///
    /// With a `kid`, only keys of that `kid` count (one `kid` may name several keys that
    /// differ by `alg`); without one, every key that fits the algorithm is a candidate.
    public func candidates(for algorithm: SignatureAlgorithm, keyID: String?)
        -> Result<[VerificationKey], TokenRejection>
    {
        let named = keyID.map { kid in keys.filter { $0.keyID == kid } } ?? keys
        if let keyID, named.isEmpty { return .failure(.unknownKeyID(keyID)) }
        let fitting = named.filter { $0.fits(algorithm) }
        if fitting.isEmpty {
            return .failure(.noFittingKey(keyID: keyID, algorithm: algorithm.rawValue))
        }
        return .success(fitting)
    }
}
