import Foundation
import Testing

/// An issuer that signs with a shared secret only (`hmac_secret_file`, no key set at all):
/// its HS256 tokens are decided as any other, never answered 503 for keys that cannot come.
@Suite struct HMACIssuerTests {
    static let mintScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/tokens/mint_hs256.py").path

    /// An HS256 token over `claims`, signed with the secret in `secretPath`.
    static func mint(secretPath: String, claims: String) throws -> String {
        let result = try ShellCommand.run(
            "/usr/bin/python3 \(mintScript) \(secretPath) '\(claims)'", timeout: .seconds(10))
        guard result.status == 0 else { throw HarnessError("mint_hs256.py: \(result)") }
        let token = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        MintedTokens.shared.record(token)
        return token
    }

    @Test func decidesTokensOfAnIssuerWithOnlyASharedSecret() throws {
        let directory = try TemporaryDirectory(prefix: "hmac")
        let secret = try directory.write(
            "a shared secret of more than 32 bytes, for HS256", to: "secret")
        let other = try directory.write(
            "another secret, which the daemon does not know", to: "other")
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.issuer(
                    "hs",
                    [
                        "issuer https://hs.test", "audience loki", "discovery off",
                        "algorithms HS256", "hmac_secret_file \(secret)",
                    ])
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: upstreams["echo"]!,
                    [#"allow claims.sub == "robot""#])
        }
        defer { fixture.stop() }
        func status(_ secretPath: String, sub: String) throws -> Int {
            let token = try Self.mint(
                secretPath: secretPath,
                claims: #"{"iss":"https://hs.test","aud":"loki","sub":"\#(sub)"}"#)
            return try fixture.daemon.get("/api/x", fields: [("Authorization", "Bearer \(token)")])
                .status
        }
        #expect(try status(secret, sub: "robot") == 200)
        #expect(try status(secret, sub: "someone") == 403)
        #expect(try status(other, sub: "robot") == 401, "a token signed with another secret")
    }
}
