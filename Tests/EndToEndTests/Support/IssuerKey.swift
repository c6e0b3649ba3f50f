import Foundation

/// A P-256 signing key of a stand-in issuer, made by `openssl genpkey`, with the key sets
/// (`tokengate jwks`) and tokens (`tokengate mint`) the binary under test makes from it.
final class IssuerKey {
    /// The `kid` that the key set and every token name.
    let keyID: String
    /// The private key in PEM.
    let privateKeyPath: String
    private let directory: TemporaryDirectory

    /// Generates a key called `keyID`.
    init(keyID: String) throws {
        guard let openssl = ProgramSearch.find("openssl") else {
            throw HarnessError("openssl is not on PATH (Debian package openssl)")
        }
        self.keyID = keyID
        directory = try TemporaryDirectory(prefix: "key-\(keyID)")
        privateKeyPath = directory.path("key.pem")
        let child = try ChildProcess(
            executable: openssl,
            arguments: [
                "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                privateKeyPath,
            ], directory: directory, name: "genpkey")
        guard child.waitForExit(timeout: .seconds(10)), child.exitedTermination?.status == 0
        else { throw HarnessError("openssl genpkey failed: \(child.standardError)") }
    }

    /// The public key set of this key alone, as JSON text.
    func keySet() throws -> String {
        try TokengateCommand.output(["jwks", "--key", privateKeyPath, "--kid", keyID])
    }

    /// A token over `claims` (a JSON object as text) that lives `ttl`.
    func mint(claims: String, ttl: String = "5m") throws -> String {
        let token = try TokengateCommand.output([
            "mint", "--key", privateKeyPath, "--kid", keyID, "--claims", claims, "--ttl", ttl,
        ])
        MintedTokens.shared.record(token)
        return token
    }

    /// One key set holding the public keys of all of `keys`, as JSON text.
    static func keySet(of keys: [IssuerKey]) throws -> String {
        var members: [Any] = []
        for key in keys {
            let object = try JSONSerialization.jsonObject(with: Data(try key.keySet().utf8))
            guard let set = object as? [String: Any], let list = set["keys"] as? [Any] else {
                throw HarnessError("tokengate jwks printed no key set for \(key.keyID)")
            }
            members += list
        }
        let data = try JSONSerialization.data(withJSONObject: ["keys": members])
        return String(decoding: data, as: UTF8.self)
    }
}

/// The claims of a test token as JSON text: `iss`, `aud` and further members.
enum TokenClaims {
    /// `{"iss":ISS,"aud":AUD,MEMBERS}`; `members` is JSON text of further members, such as
    /// `"tenant":"team-a"`, or empty.
    static func text(iss: String, aud: String, _ members: String = "") -> String {
        let base = "\"iss\":\(quoted(iss)),\"aud\":\(quoted(aud))"
        return "{" + base + (members.isEmpty ? "" : "," + members) + "}"
    }

    /// Time claims an hour in the past: a token that expired long before any leeway.
    static var expiredAnHourAgo: String {
        let now = Int(Date().timeIntervalSince1970)
        return "\"iat\":\(now - 7200),\"nbf\":\(now - 7200),\"exp\":\(now - 3600)"
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: [text], options: .withoutEscapingSlashes))
            ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
