import Foundation
import JOSE
import Testing

/// `tokengate mint` and `tokengate jwks` through the built binary: the time claims it adds,
/// the `kid` both commands agree on, and a token of every algorithm that `verify` accepts.
@Suite struct MintCommandTests {
    let workspace: Workspace

    init() throws {
        workspace = try Workspace()
    }

    /// The header and payload of a token, or a failed test.
    private func parts(_ token: String) throws -> (header: JSONObject, payload: JSONObject) {
        try #require(TokenParts.decode(token), "not a decodable token: \(token)")
    }

    @Test(arguments: [("30s", 30.0), ("5m", 300), ("1h", 3600), (nil, 300)])
    func mintAddsTimeClaimsWhenAbsent(ttl: String?, seconds: Double) throws {
        let key = try workspace.generateKey(.p256, named: "issuer.pem")
        let before = Date().timeIntervalSince1970.rounded(.down)
        let token = try workspace.mint(
            key: key, claims: #"{"sub":"ci"}"#, ttl.map { ["--ttl", $0] } ?? [])
        let after = Date().timeIntervalSince1970.rounded(.up)

        let payload = try parts(token).payload
        let issuedAt = try #require(payload["iat"]?.numberValue)
        let expiry = try #require(payload["exp"]?.numberValue)
        #expect((before...after).contains(issuedAt))
        #expect(payload["nbf"] == .number(issuedAt))
        #expect(expiry - issuedAt == seconds)
        #expect(payload["sub"] == .string("ci"))
        #expect(payload.count == 4)
    }

    @Test(arguments: [
        #"{"sub":"ci","iat":1000,"nbf":1001,"exp":4102444800}"#,
        #"{"sub":"ci","exp":4102444800}"#,
        #"{"sub":"ci","nbf":1001}"#,
    ])
    func mintKeepsTimeClaimsGiven(claims: String) throws {
        let key = try workspace.generateKey(.p256, named: "issuer.pem")
        let given = try JSONParser.parseObject(Array(claims.utf8))

        let token = try workspace.mint(key: key, claims: claims, ["--ttl", "1h"])
        let payload = try parts(token).payload
        for name in ["iat", "nbf", "exp"] {
            #expect(payload[name]?.numberValue != nil, "\(name) missing")
            if let value = given[name] { #expect(payload[name] == value, "\(name)") }
        }
        #expect(payload["sub"] == .string("ci"))
    }

    @Test func mintReadsClaimsFromFile() throws {
        let key = try workspace.generateKey(.p256, named: "issuer.pem")
        let claims = #"{"sub":"from-file","aud":["a","b"],"exp":4102444800}"#
        let file = try workspace.write(claims + "\n", to: "claims.json")

        let payload = try parts(try workspace.mint(key: key, claims: "@" + file)).payload
        #expect(payload["sub"] == .string("from-file"))
        #expect(payload["aud"] == .array([.string("a"), .string("b")]))
        #expect(payload["exp"] == .number(4_102_444_800))
    }

    @Test func mintAndJWKSUseGivenKid() throws {
        let key = try workspace.generateKey(.ed25519, named: "issuer.pem")
        let jwks = try workspace.writeKeySet(of: key, keyID: "2026-rotation")
        let token = try workspace.mint(key: key, claims: "{}", ["--kid", "2026-rotation"])

        #expect(try parts(token).header["kid"] == .string("2026-rotation"))
        let keys = try JSONParser.parseObject(try Array(Data(contentsOf: URL(filePath: jwks))))
        #expect(keys["keys"]?.arrayValue?.first?.objectValue?["kid"] == .string("2026-rotation"))
        let verified = try Tokengate.run(["verify", "--jwks", jwks, token], in: workspace)
        #expect(verified.status == 0, "\(verified.error)")
    }

    @Test(arguments: KeyKind.allCases)
    func defaultKidIsThumbprintInMintAndJWKS(kind: KeyKind) throws {
        let key = try workspace.generateKey(kind, named: "issuer.pem")
        let printed = try Tokengate.run(["jwks", "--key", key], in: workspace)
        #expect(printed.status == 0, "\(printed.error)")
        let keys = try #require(printed.outputObject?["keys"]?.arrayValue)
        #expect(keys.count == 1)
        let jwk = try #require(keys.first?.objectValue)

        let expected = try IndependentThumbprint.thumbprint(of: key, kind: kind, in: workspace)
        let token = try workspace.mint(key: key, claims: "{}")
        #expect(try parts(token).header["kid"] == .string(expected))
        #expect(jwk["kid"] == .string(expected))
        let members = try IndependentThumbprint.members(of: key, kind: kind, in: workspace)
        for member in members { #expect(jwk[member.name] == .string(member.value)) }
    }

    @Test(arguments: [
        (KeyKind.rsa2048, nil, "RS256"), (.rsa2048, "RS384", "RS384"),
        (.rsa2048, "RS512", "RS512"), (.rsa2048, "PS256", "PS256"),
        (.rsa2048, "PS384", "PS384"), (.rsa2048, "PS512", "PS512"),
        (.p256, nil, "ES256"), (.p384, nil, "ES384"), (.p384, "ES384", "ES384"),
        (.p521, nil, "ES512"), (.p521, "ES512", "ES512"), (.ed25519, nil, "EdDSA"),
        (.ed25519, "EdDSA", "EdDSA"),
    ])
    func mintedTokenVerifiesAgainstJWKS(kind: KeyKind, algorithm: String?, header: String)
        throws
    {
        let key = try workspace.generateKey(kind, named: "issuer.pem")
        let jwks = try workspace.writeKeySet(of: key)
        let claims = #"{"iss":"https://issuer.example","aud":"loki","sub":"\#(kind)"}"#
        let token = try workspace.mint(
            key: key, claims: claims, algorithm.map { ["--alg", $0] } ?? [])
        #expect(try parts(token).header["alg"] == .string(header))

        let outcome = try Tokengate.run(
            [
                "verify", "--jwks", jwks, "--issuer", "https://issuer.example", "--audience",
                "loki",
                token,
            ],
            in: workspace)
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.outputObject == (try parts(token).payload))
        #expect(outcome.outputObject?["sub"] == .string("\(kind)"))
    }
}
