import HTTP1
import JOSE
import KeySets
import Policy

/// Why a request is not let through, as the wire and the log need it.
struct Denial: Error, Sendable, Equatable {
    /// 401, 403 or 503.
    let status: Int
    /// The `error` of the JSON body (`invalid_token`, `forbidden`, `keys_unavailable`).
    let error: String
    /// The reason without claim values, for the body, `WWW-Authenticate` and the log.
    let description: String
    /// The reason with values, for `tokengate verify`.
    let detail: String
    /// Whether no credential was found at all (the challenge then carries no error).
    let isMissingCredential: Bool

    static func unauthenticated(_ rejection: TokenRejection) -> Denial {
        if case .keysUnavailable = rejection {
            return Denial(
                status: 503, error: "keys_unavailable", description: rejection.summary,
                detail: rejection.detail, isMissingCredential: false)
        }
        return Denial(
            status: 401, error: "invalid_token", description: rejection.summary,
            detail: rejection.detail, isMissingCredential: false)
    }

    static let missingCredential = Denial(
        status: 401, error: "invalid_request", description: "no credential",
        detail: "no credential", isMissingCredential: true)
}

/// A token that passed: its claims and the issuer block that vouched for it.
struct Authentication {
    let claims: JSONObject
    let policyClaims: [String: PolicyValue]
    let issuerName: String
    let token: [UInt8]

    init(_ entry: VerifiedTokenCache.Entry, issuerName: String, token: [UInt8]) {
        claims = entry.claims
        policyClaims = entry.policyClaims
        self.issuerName = issuerName
        self.token = token
    }
}

/// The token half of the decision on one event loop: credential, issuer, key set,
/// signature and claims, with the verified-token cache in front.
///
/// Unknown `kid`s wait for
/// the refresh they start without holding up the loop.
///
/// `@unchecked Sendable`: a gate is handed to other threads only inside work queued on its
/// own loop (`EventLoop.execute`), and is touched nowhere else.
final class AuthGate: @unchecked Sendable {
    let issuers: [String: IssuerVerifier]
    let issuerOrder: [String]
    let cache: VerifiedTokenCache
    let registry: KeySetRegistry?
    let loop: EventLoop
    let clock: () -> Double
    /// Bumped by a reload, so that cached verdicts of an older configuration lapse.
    var generation = 0

    /// A gate over `issuers`; `cache` carries verified tokens over from the gate a reload
    /// replaces (only those of unchanged issuer blocks).
    init(
        issuers: [IssuerVerifier], registry: KeySetRegistry?, loop: EventLoop,
        clock: @escaping () -> Double, cache: VerifiedTokenCache = VerifiedTokenCache()
    ) {
        self.cache = cache
        self.issuers = Dictionary(issuers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.issuerOrder = issuers.map(\.name)
        self.registry = registry
        self.loop = loop
        self.clock = clock
    }

    /// Hears the registry on this loop's thread.
    func handle(_ event: KeySetEvent) {
        switch event {
        case .published(let snapshot):
            guard let issuer = issuers[snapshot.issuerName] else { return }
            if snapshot.version > (issuer.snapshot?.version ?? 0) { issuer.snapshot = snapshot }
            issuer.keysChanged()
        case .fetchFailed(let name, _):
            issuers[name]?.keysChanged()
        }
    }

    /// Decides on `token` for a route that takes `routeIssuers` (empty: all) with
    /// `expiryGrace`; calls `completion` once, now or after a key refresh.
    func authenticate(
        _ token: [UInt8], routeIssuers: [String], expiryGrace: Double,
        completion: @escaping (Result<Authentication, Denial>) -> Void
    ) {
        let names = routeIssuers.isEmpty ? issuerOrder : routeIssuers
        let digest = VerifiedTokenCache.digest(token)
        let now = clock()
        for name in names {
            // A cached verdict holds only while its key set is still usable (`max_stale`).
            guard let issuer = issuers[name], let snapshot = registrySnapshot(issuer) else {
                continue
            }
            let key = VerifiedTokenCache.Key(digest: digest, issuerName: name)
            if let entry = cache.lookup(
                key, keySetVersion: snapshot.version, generation: generation)
            {
                let rules = issuer.rules(expiryGrace: expiryGrace)
                if let rejection = rules.check(entry.claims, at: now) {
                    return completion(.failure(.unauthenticated(rejection)))
                }
                return completion(.success(Authentication(entry, issuerName: name, token: token)))
            }
        }
        verify(
            token, digest: digest, names: names, expiryGrace: expiryGrace, mayWait: true,
            completion: completion)
    }

    private func verify(
        _ token: [UInt8], digest: [UInt8], names: [String], expiryGrace: Double, mayWait: Bool,
        completion: @escaping (Result<Authentication, Denial>) -> Void
    ) {
        guard let iss = Self.peekIssuer(token) else {
            return completion(.failure(.unauthenticated(.malformed("no readable iss"))))
        }
        let candidates = names.compactMap { issuers[$0] }.filter { $0.accepts(iss: iss) }
        guard !candidates.isEmpty else {
            let near = names.compactMap { issuers[$0]?.issuer }.first
            return completion(
                .failure(.unauthenticated(.wrongIssuer(actual: iss, expected: near ?? ""))))
        }
        var firstRejection: TokenRejection?
        for issuer in candidates {
            guard let snapshot = registrySnapshot(issuer) else {
                firstRejection =
                    firstRejection ?? .keysUnavailable("no keys loaded for \(issuer.name)")
                continue
            }
            let result = issuer.verifier(keySet: snapshot.keySet, expiryGrace: expiryGrace)
                .verify(token, at: clock())
            switch result {
            case .success(let verified):
                let entry = cache.insert(
                    VerifiedTokenCache.Key(digest: digest, issuerName: issuer.name),
                    claims: verified.claims, keySetVersion: snapshot.version, generation: generation
                )
                return completion(
                    .success(Authentication(entry, issuerName: issuer.name, token: token)))
            case .failure(.unknownKeyID) where adoptFresherSnapshot(issuer, than: snapshot):
                // The registry already holds a newer set than this loop has heard of (its
                // news is queued behind this request): decide on that one at once.
                return verify(
                    token, digest: digest, names: names, expiryGrace: expiryGrace,
                    mayWait: mayWait, completion: completion)
            case .failure(.unknownKeyID(let kid)) where mayWait:
                if waitForRefresh(
                    issuer,
                    then: { [self] in
                        verify(
                            token, digest: digest, names: names, expiryGrace: expiryGrace,
                            mayWait: false, completion: completion)
                    })
                {
                    return
                }
                firstRejection = firstRejection ?? .unknownKeyID(kid)
            case .failure(let rejection):
                firstRejection = firstRejection ?? rejection
            }
        }
        completion(.failure(.unauthenticated(firstRejection ?? .badSignature)))
    }

    /// Takes the registry's set for `issuer` when it is newer than `snapshot`; the version
    /// only grows, so a retry on the adopted set ends.
    private func adoptFresherSnapshot(_ issuer: IssuerVerifier, than snapshot: KeySetSnapshot)
        -> Bool
    {
        guard let fresher = registry?.snapshot(for: issuer.name),
            fresher.version > snapshot.version
        else { return false }
        issuer.snapshot = fresher
        return true
    }

    /// This loop's copy of the issuer's set, unless it is older than its age plus
    /// `max_stale`; no lock is taken.
    private func registrySnapshot(_ issuer: IssuerVerifier) -> KeySetSnapshot? {
        guard issuer.settings.hasKeySet else { return issuer.secretOnlySnapshot }
        guard let snapshot = issuer.snapshot else { return nil }
        guard let expiresAt = snapshot.expiresAt else { return snapshot }
        return clock() < expiresAt + issuer.maxStale ? snapshot : nil
    }

    /// Parks a request until `issuer`'s refresh ends (10 s at most); false when no refresh
    /// may start (`kid_miss_interval`).
    private func waitForRefresh(_ issuer: IssuerVerifier, then resume: @escaping () -> Void) -> Bool
    {
        guard let registry, registry.kidMissed(issuer: issuer.name) != .refuse else { return false }
        var resumed = false
        let once = {
            guard !resumed else { return }
            resumed = true
            resume()
        }
        issuer.waiters.append(once)
        loop.schedule(at: EventLoop.now() + 10_000, once)
        return true
    }

    /// The `iss` of an unverified token, only to choose which issuer blocks may check it.
    static func peekIssuer(_ token: [UInt8]) -> String? {
        guard let jws = try? CompactJWS(token),
            let claims = try? JSONParser.parseObject(jws.payload)
        else { return nil }
        return claims["iss"]?.stringValue
    }
}
