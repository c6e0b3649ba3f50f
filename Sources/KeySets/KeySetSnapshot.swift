import JOSE

/// One issuer's keys as loaded at one moment: immutable, shared by every event loop, and
/// replaced whole when a new set arrives.
public struct KeySetSnapshot: Sendable {
    /// The issuer block's name.
    public let issuerName: String
    /// The keys.
    public let keySet: KeySet
    /// Increases with every set published for this issuer; verified-token caches compare it.
    public let version: Int
    /// When the set was loaded, in seconds since the epoch.
    public let loadedAt: Double
    /// When it ages out and should have been replaced; nil for a set from a file, which
    /// never ages (it is re-read on reload).
    public let expiresAt: Double?

    /// A snapshot with these parts.
    public init(
        issuerName: String, keySet: KeySet, version: Int, loadedAt: Double, expiresAt: Double?
    ) {
        self.issuerName = issuerName
        self.keySet = keySet
        self.version = version
        self.loadedAt = loadedAt
        self.expiresAt = expiresAt
    }
}
