import JOSE
import KeySets

/// One issuer block as the gateway checks tokens against it: its rules, and the key set
/// snapshot this event loop holds for it.
final class IssuerVerifier {
    /// The issuer block's name.
    let name: String
    /// The expected `iss`.
    let issuer: String
    /// Accepted algorithms.
    let algorithms: Set<SignatureAlgorithm>
    /// The shared secret of an HS* issuer.
    let hmacSecret: [UInt8]?
    /// Audiences (nil: `audience any`).
    let audiences: [String]?
    /// Clock skew allowed, in seconds.
    let leeway: Double
    /// How long a set serves past its age while its source fails, in seconds.
    let maxStale: Double
    /// The latest snapshot published to this loop; nil until one arrives.
    var snapshot: KeySetSnapshot?
    /// Exchanges waiting for a refresh started by an unknown `kid`.
    var waiters: [() -> Void] = []

    init(
        name: String, issuer: String, algorithms: Set<SignatureAlgorithm>, hmacSecret: [UInt8]?,
        audiences: [String]?, leeway: Double, maxStale: Double
    ) {
        self.name = name
        self.issuer = issuer
        self.algorithms = algorithms
        self.hmacSecret = hmacSecret
        self.audiences = audiences
        self.leeway = leeway
        self.maxStale = maxStale
    }

    /// Whether this block may have issued a token whose `iss` is `iss` (exact bytes).
    func accepts(iss: String) -> Bool {
        iss.utf8.elementsEqual(issuer.utf8)
    }

    /// The claim rules for a route with `expiryGrace` seconds of grace.
    func rules(expiryGrace: Double) -> ClaimRules {
        ClaimRules(issuer: issuer, audiences: audiences, leeway: leeway, expiryGrace: expiryGrace)
    }

    /// A verifier over `keySet` (an HS* issuer needs no key set).
    func verifier(keySet: KeySet, expiryGrace: Double) -> TokenVerifier {
        TokenVerifier(
            keySet: keySet, algorithms: algorithms, hmacSecret: hmacSecret,
            rules: rules(expiryGrace: expiryGrace), issuerName: name)
    }

    /// Called when this loop hears a new snapshot or a failed fetch: waiting exchanges go on.
    func keysChanged() {
        let waiting = waiters
        waiters.removeAll()
        for resume in waiting { resume() }
    }
}
