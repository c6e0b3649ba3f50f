/// Verifies JWTs for one issuer: parse, algorithm, key choice, signature, then claims.
///
/// It holds no clock and does no I/O: the time is a parameter and the keys are a snapshot
/// the caller supplies, so one verifier serves every request of an event loop.
public struct TokenVerifier: Sendable {
    /// The issuer's keys.
    public var keySet: KeySet
    /// The algorithms accepted; HMAC ones count only when `hmacSecret` is set too.
    public var algorithms: Set<SignatureAlgorithm>
    /// A shared secret for HS* issuers; never taken from a key set.
    public var hmacSecret: [UInt8]?
    /// What the claims must satisfy.
    public var rules: ClaimRules
    /// The issuer block's name, for messages.
    public var issuerName: String?

    /// A verifier over `keySet` that accepts every asymmetric algorithm by default.
    public init(
        keySet: KeySet, algorithms: Set<SignatureAlgorithm> = SignatureAlgorithm.asymmetric,
        hmacSecret: [UInt8]? = nil, rules: ClaimRules = ClaimRules(), issuerName: String? = nil
    ) {
        self.keySet = keySet
        self.algorithms = algorithms
        self.hmacSecret = hmacSecret
        self.rules = rules
        self.issuerName = issuerName
    }

    /// Verifies a whole token at time `now` (seconds since the epoch).
    public func verify(_ token: String, at now: Double) -> Result<VerifiedToken, TokenRejection> {
        verify(Array(token.utf8), at: now)
    }

    /// Verifies a whole token, given as its bytes, at time `now`.
    public func verify(_ token: [UInt8], at now: Double)
        -> Result<VerifiedToken, TokenRejection>
    {
        let signed: SignedToken
        switch verifySignature(token) {
        case .success(let token): signed = token
        case .failure(let rejection): return .failure(rejection)
        }
        let claims: JSONObject
        do {
            claims = try JSONParser.parseObject(signed.jws.payload)
        } catch {
            return .failure(.malformed("the payload is not a valid JSON object: \(error.message)"))
        }
        if let rejection = rules.check(claims, at: now) { return .failure(rejection) }
        return .success(VerifiedToken(signed: signed, claims: claims))
    }

    /// Checks the JWS signature and key choice only: no claims, no clock.
    public func verifySignature(_ token: [UInt8])
        -> Result<SignedToken, TokenRejection>
    {
        let jws: CompactJWS
        do {
            jws = try CompactJWS(token)
        } catch {
            return .failure(error)
        }
        guard let algorithm = SignatureAlgorithm(rawValue: jws.algorithmName),
            algorithms.contains(algorithm), !algorithm.isHMAC || hmacSecret != nil
        else {
            return .failure(
                .algorithmNotAllowed(
                    algorithm: jws.algorithmName,
                    issuerName: issuerName))
        }
        // Checked after the algorithm, so that an unsigned `alg: none` token is refused for
        // its algorithm, and every other empty signature as the malformed JWS it is.
        guard !jws.signature.isEmpty else { return .failure(.malformed("the signature is empty")) }

        if algorithm.isHMAC, let hmacSecret {
            let matches = jws.withSigningInput {
                SignatureCheck.macMatches(
                    jws.signature, over: $0, secret: hmacSecret,
                    algorithm: algorithm)
            }
            let token = SignedToken(jws: jws, algorithm: algorithm, key: nil)
            return matches ? .success(token) : .failure(.badSignature)
        }

        let candidates: [VerificationKey]
        switch keySet.candidates(for: algorithm, keyID: jws.keyID) {
        case .success(let keys): candidates = keys
        case .failure(let rejection): return .failure(rejection)
        }
        for key in candidates {
            let verifies = jws.withSigningInput {
                SignatureCheck.verifies(
                    jws.signature, over: $0, with: key.handle,
                    algorithm: algorithm)
            }
            if verifies { return .success(SignedToken(jws: jws, algorithm: algorithm, key: key)) }
        }
        return .failure(.badSignature)
    }
}

/// A token whose signature verified, claims not yet checked.
public struct SignedToken: Sendable {
    /// The parsed token.
    public let jws: CompactJWS
    /// The algorithm it was verified with.
    public let algorithm: SignatureAlgorithm
    /// The key that verified it; nil for an HMAC secret.
    public let key: VerificationKey?
}

/// A token whose signature and registered claims both passed.
public struct VerifiedToken: Sendable {
    /// The signature-level result.
    public let signed: SignedToken
    /// The payload.
    public let claims: JSONObject
}
