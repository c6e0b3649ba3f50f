import JOSE
import Testing

/// Regressions found by attacking the verifier as a stranger would: identifiers that only
/// look alike, values that try to forge log lines, key sets with one poisoned key.
@Suite struct HostileInputTests {
    static let kelvinSign = "\u{212A}"

    static func verifier(issuer: String? = nil, audiences: [String]? = nil) throws
        -> TokenVerifier
    {
        TokenVerifier(
            keySet: try FieldKeys.issuerSet(),
            rules: ClaimRules(issuer: issuer, audiences: audiences))
    }

    @Test(arguments: [
        (claim: "iss", value: "https://ci.example/\u{212A}", configured: "https://ci.example/K"),
        (claim: "iss", value: "https://ci.example/A\u{30A}", configured: "https://ci.example/Å"),
        (claim: "aud", value: "loki\u{212A}", configured: "lokiK"),
    ])
    func refusesIdentifiersThatAreOnlyCanonicallyEquivalent(
        claim: String, value: String, configured: String
    ) throws {
        let token = try FieldTokens.mint(
            FieldKeys.ec, keyID: "ec-1", claims: FieldTokens.claims([(claim, .string(value))]))
        let verifier =
            claim == "iss"
            ? try Self.verifier(issuer: configured) : try Self.verifier(audiences: [configured])
        #expect(throws: TokenRejection.self) { try verifier.verify(token, at: testNow).get() }
    }

    @Test func matchesKeyIDsByTheirBytes() throws {
        let token = try FieldTokens.mint(FieldKeys.ec, keyID: "ec-\u{212A}")
        let set = try FieldKeys.keySet([FieldKeys.jwk(FieldKeys.ec, keyID: "ec-K")])
        let result = TokenVerifier(keySet: set).verify(token, at: testNow)
        #expect(throws: TokenRejection.unknownKeyID("ec-\u{212A}")) { try result.get() }
    }

    @Test func showsHeaderValuesWithoutControlCharactersAndCut() throws {
        let forged = "x\nsignature verifies\u{1B}[2J\u{0}" + String(repeating: "k", count: 40_000)
        let token = try FieldTokens.mint(FieldKeys.ec, keyID: forged)
        let result = try Self.verifier().verify(token, at: testNow)
        guard case .failure(let rejection) = result else {
            Issue.record("a token with an unknown kid verified")
            return
        }
        let detail = rejection.detail
        #expect(!detail.contains("\n"))
        #expect(!detail.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(detail.count < 300, "\(detail.count) characters")
    }

    @Test(arguments: [
        (name: "number out of range", poison: #"{"kty":"EC","foo":1e400}"#),
        (name: "lone surrogate", poison: #"{"kty":"EC","kid":"\ud800"}"#),
        (name: "repeated member", poison: #"{"kty":"EC","kid":"a","kid":"b"}"#),
        (
            name: "nested too deeply",
            poison: String(repeating: "[", count: 70)
                + String(repeating: "]", count: 70)
        ),
    ])
    func skipsOnePoisonedKeyAndKeepsTheRest(name: String, poison: String) throws {
        let good = JSONValue.object(try FieldKeys.jwk(FieldKeys.ec, keyID: "ec-1")).serialized
        let document = Array(#"{"other":[1,{"x":"]"}],"keys":[\#(poison),\#(good)]}"#.utf8)
        let set = try KeySet(jwks: document)
        #expect(set.keys.count == 1, "\(name)")
        #expect(set.skipped.map(\.index) == [0], "\(name)")
        let token = try FieldTokens.mint(FieldKeys.ec, keyID: "ec-1")
        #expect(throws: Never.self) {
            try TokenVerifier(keySet: set).verify(token, at: testNow).get()
        }
    }

    @Test(arguments: [
        #"{"keys":[{}]} x"#, #"{"keys":[{"kty":1e400}],"keys":[]}"#, #"{"keys":[{"a":1e400}"#,
        #"[{"kty":1e400}]"#,
    ])
    func refusesPoisonedDocumentsThatAreNotKeySets(document: String) {
        #expect(throws: KeyImportError.self) { try KeySet(jwks: Array(document.utf8)) }
    }

    @Test func namesTheReasonWhenTheTokensKeyWasSkipped() throws {
        let weak = try SigningKey(generating: .rsa(bits: 2048))
        var jwk = try FieldKeys.jwk(weak, keyID: "weak-1")
        jwk.set("n", .string(Base64URL.encode([UInt8](repeating: 0xC5, count: 128))))
        let set = try KeySet(jwks: FieldKeys.document([jwk]))
        let token = try FieldTokens.mint(weak, keyID: "weak-1")
        let result = TokenVerifier(keySet: set).verify(token, at: testNow)
        guard case .failure(.unusableKey(let keyID, let reason)) = result else {
            Issue.record("expected the unusable key to be named, got \(result)")
            return
        }
        #expect(keyID == "weak-1")
        #expect(reason.contains("1024 bits"), "\(reason)")
    }
}
