import Foundation
import JOSE

/// Signing keys named by `kid`, and the JWK Set documents that publish them.
struct TestKeys {
    /// The keys, in publication order.
    let keys: [(id: String, key: SigningKey)]

    /// Fresh P-256 keys, one for each of `ids`.
    init(_ ids: String...) throws {
        keys = try ids.map { ($0, try SigningKey(generating: .ec(curve: "P-256"))) }
    }

    /// The JWK Set of the keys named `ids`, or of all of them.
    func jwks(_ ids: String...) -> String {
        let chosen = ids.isEmpty ? keys : keys.filter { ids.contains($0.id) }
        let members = chosen.compactMap { $0.key.publicJWK(keyID: $0.id).map(JSONValue.object) }
        var document = JSONObject()
        document.set("keys", .array(members))
        return JSONValue.object(document).serialized
    }

    /// A token signed by the key `id` and naming `kid`, which may be another key's.
    func token(signedBy id: String, kid: String? = nil) -> String? {
        guard let key = keys.first(where: { $0.id == id })?.key else { return nil }
        var claims = JSONObject()
        claims.set("sub", .string("tester"))
        claims.set("exp", .number(4_000_000_000))
        return key.mint(claims, algorithm: .es256, keyID: kid ?? id)
    }
}

/// Whether `token`'s signature checks against `keySet`, by its `kid`.
func signatureChecks(_ token: String?, against keySet: KeySet?) -> Bool {
    guard let token, let keySet else { return false }
    guard case .success = TokenVerifier(keySet: keySet).verifySignature(Array(token.utf8))
    else { return false }
    return true
}

/// The `kid`s of a key set, in order.
func keyIDs(_ keySet: KeySet?) -> [String] {
    keySet?.keys.compactMap(\.keyID) ?? []
}
