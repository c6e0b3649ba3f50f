import COpenSSL
import JOSE
import Policy

/// Tokens that passed their signature check on this event loop, so that a client that sends
/// the same token many times pays for one signature.
///
/// Keyed by a SHA-256 digest of the token and the issuer block that accepted it; an entry
/// holds only while that block's key-set version and configuration generation are the ones
/// it was verified under. A hit skips the signature, never the time checks. Bounded: when
/// full, the oldest half is dropped.
final class VerifiedTokenCache {
    struct Key: Hashable {
        let digest: [UInt8]
        let issuerName: String
    }

    struct Entry {
        let claims: JSONObject
        /// The claims as policies read them, converted once.
        let policyClaims: [String: PolicyValue]
        let keySetVersion: Int
        let generation: Int
        let insertedOrder: Int
    }

    let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var insertions = 0
    private(set) var hits = 0
    private(set) var misses = 0

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    static func digest(_ token: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        _ = tgssl_sha256(token, token.count, &digest)
        return digest
    }

    /// The entry of a token verified under the same key set and configuration, if any.
    func lookup(_ key: Key, keySetVersion: Int, generation: Int) -> Entry? {
        guard let entry = entries[key], entry.keySetVersion == keySetVersion,
            entry.generation == generation
        else {
            misses += 1
            return nil
        }
        hits += 1
        return entry
    }

    /// Drops every entry of an issuer block not in `issuers` (a reload changed or removed
    /// it); the others stay, as valid as before.
    func keepOnly(issuers: Set<String>) {
        entries = entries.filter { issuers.contains($0.key.issuerName) }
    }

    @discardableResult
    func insert(_ key: Key, claims: JSONObject, keySetVersion: Int, generation: Int) -> Entry {
        if entries.count >= capacity {
            let cutoff = insertions - capacity / 2
            entries = entries.filter { $0.value.insertedOrder >= cutoff }
        }
        insertions += 1
        let entry = Entry(
            claims: claims, policyClaims: claims.policyValues, keySetVersion: keySetVersion,
            generation: generation, insertedOrder: insertions)
        entries[key] = entry
        return entry
    }
}
