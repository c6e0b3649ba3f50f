import JOSE
import KeySets

/// One issuer block as the gateway checks tokens against it on one event loop: its
/// settings, and the key set snapshot this loop holds for it.
final class IssuerVerifier {
    /// The block's settings, shared by every loop.
    let settings: IssuerSettings
    /// The latest snapshot published to this loop; nil until one arrives.
    var snapshot: KeySetSnapshot?
    /// Exchanges waiting for a refresh started by an unknown `kid`.
    var waiters: [() -> Void] = []

    /// The empty, never-ageing set of an issuer that signs with `hmac_secret_file` only.
    let secretOnlySnapshot: KeySetSnapshot

    init(_ settings: IssuerSettings) {
        self.settings = settings
        secretOnlySnapshot = KeySetSnapshot(
            issuerName: settings.name, keySet: KeySet(keys: []), version: 1, loadedAt: 0,
            expiresAt: nil)
    }

    /// The issuer block's name.
    var name: String { settings.name }
    /// The expected `iss`.
    var issuer: String { settings.issuer }
    /// How long a set serves past its age while its source fails, in seconds.
    var maxStale: Double { settings.maxStale }

    /// Whether this block may have issued a token whose `iss` is `iss` (exact bytes).
    func accepts(iss: String) -> Bool {
        iss.utf8.elementsEqual(settings.issuer.utf8)
    }

    /// The claim rules for a route with `expiryGrace` seconds of grace.
    func rules(expiryGrace: Double) -> ClaimRules {
        ClaimRules(
            issuer: settings.issuer, audiences: settings.audiences, leeway: settings.leeway,
            expiryGrace: expiryGrace)
    }

    /// A verifier over `keySet` (an HS* issuer needs no key set).
    func verifier(keySet: KeySet, expiryGrace: Double) -> TokenVerifier {
        TokenVerifier(
            keySet: keySet, algorithms: settings.algorithms, hmacSecret: settings.hmacSecret,
            rules: rules(expiryGrace: expiryGrace), issuerName: settings.name)
    }

    /// Called when this loop hears a new snapshot or a failed fetch: waiting exchanges go on.
    func keysChanged() {
        let waiting = waiters
        waiters.removeAll()
        for resume in waiting { resume() }
    }
}
