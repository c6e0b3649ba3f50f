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
        var keys: [VerificationKey] = []
        var skipped: [(Int, String?, String)] = []
        for (index, entry) in try Self.entries(document).enumerated() {
            switch entry {
            case .failure(let error)
            where error.offset == 0 && error.message == "not a JSON object":
                skipped.append((index, nil, error.message))
            case .failure(let error):
                skipped.append((index, nil, "not valid JSON: \(error.message)"))
            case .success(let jwk):
                do {
                    keys.append(try VerificationKey(jwk: jwk))
                } catch {
                    skipped.append((index, jwk["kid"]?.stringValue, error.reason))
                }
            }
        }
        self.keys = keys
        self.skipped = skipped
    }

    /// Each element of the `keys` array as an object, or why it is not one.
    ///
    /// A document the strict parser refuses is split by structure, and each element is
    /// parsed on its own.
    private static func entries(_ document: [UInt8]) throws(KeyImportError)
        -> [Result<JSONObject, JSONParser.SyntaxError>]
    {
        let notObject = JSONParser.SyntaxError(offset: 0, message: "not a JSON object")
        do {
            let object = try JSONParser.parseObject(document)
            guard let entries = object["keys"]?.arrayValue else {
                throw KeyImportError("key set has no keys array")
            }
            return entries.map { $0.objectValue.map { .success($0) } ?? .failure(notObject) }
        } catch let error as KeyImportError {
            throw error
        } catch {
            guard let ranges = KeySetScanner.keyElements(document) else {
                throw KeyImportError("key set is not a JSON object with a keys array: \(error)")
            }
            return ranges.map { range in
                Result { () throws(JSONParser.SyntaxError) in
                    try JSONParser.parseObject(Array(document[range]))
                }
            }
        }
    }

    /// The keys that may check a token with this header, in set order.
    ///
    /// With a `kid`, only keys of that `kid` count (one `kid` may name several keys that
    /// differ by `alg`); without one, every key that fits the algorithm is a candidate.
    public func candidates(for algorithm: SignatureAlgorithm, keyID: String?)
        -> Result<[VerificationKey], TokenRejection>
    {
        let named = keyID.map { kid in keys.filter { $0.keyID?.isExactly(kid) == true } } ?? keys
        if let keyID, named.isEmpty {
            if let skip = skipped.first(where: { $0.keyID?.isExactly(keyID) == true }) {
                return .failure(.unusableKey(keyID: keyID, reason: skip.reason))
            }
            return .failure(.unknownKeyID(keyID))
        }
        let fitting = named.filter { $0.fits(algorithm) }
        if fitting.isEmpty {
            return .failure(.noFittingKey(keyID: keyID, algorithm: algorithm.rawValue))
        }
        return .success(fitting)
    }
}
