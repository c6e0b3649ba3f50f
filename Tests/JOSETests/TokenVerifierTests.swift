import Foundation
import JOSE
import Testing

/// Every rule of `TokenVerifier`: the clock, the algorithm, the key choice, the sizes, the
/// claims, the segment shapes, shared secrets, and what a rejection may say.
@Suite struct TokenVerifierTests {
    private static let rsaHeader = #"{"alg":"RS256","kid":"rsa-1"}"#

    /// A token signed by the issuer's RSA key over exactly `header` and `payload`.
    private static func rsaToken(header: String = rsaHeader, payload: String) -> String {
        TokenFactory.token(header: header, payload: payload, key: FieldKeys.rsa, algorithm: .rs256)
    }

    /// A payload holding the usual `exp` and `members`.
    private static func payload(_ members: String = "") -> String {
        #"{"sub":"verifier-subject","exp":\#(FieldTokens.laterExpiry)"#
            + (members.isEmpty ? "" : ",") + members + "}"
    }

    private static func defaultVerifier(rules: ClaimRules = ClaimRules()) throws -> TokenVerifier {
        TokenVerifier(keySet: try FieldKeys.issuerSet(), rules: rules)
    }

    // MARK: The clock

    /// `exp` and `nbf` relative to `testNow`, the rules' leeway and grace, and the outcome.
    struct ClockCase: Sendable, CustomTestStringConvertible {
        let name: String
        var leeway: Double = 60
        var grace: Double = 0
        let expiry: Double
        var notBefore: Double?
        let expected: FieldOutcome
        var testDescription: String { name }
    }

    @Test(arguments: [
        ClockCase(name: "exp exactly at now-leeway has expired", expiry: -60, expected: .expired),
        ClockCase(name: "exp one second inside the leeway", expiry: -59, expected: .accepted),
        ClockCase(name: "exp half a second inside the leeway", expiry: -59.5, expected: .accepted),
        ClockCase(name: "exp one second past the leeway", expiry: -61, expected: .expired),
        ClockCase(
            name: "nbf exactly at now+leeway", expiry: 3600, notBefore: 60, expected: .accepted),
        ClockCase(
            name: "nbf one second past now+leeway", expiry: 3600, notBefore: 61,
            expected: .notYetValid),
        ClockCase(name: "leeway 0, exp now", leeway: 0, expiry: 0, expected: .expired),
        ClockCase(name: "leeway 0, exp now+1", leeway: 0, expiry: 1, expected: .accepted),
        ClockCase(
            name: "leeway 0, nbf now", leeway: 0, expiry: 3600, notBefore: 0,
            expected: .accepted),
        ClockCase(
            name: "leeway 0, nbf now+1", leeway: 0, expiry: 3600, notBefore: 1,
            expected: .notYetValid),
        ClockCase(
            name: "grace: exp at now-leeway-grace has expired", grace: 300, expiry: -360,
            expected: .expired),
        ClockCase(
            name: "grace: exp one second inside leeway+grace", grace: 300, expiry: -359,
            expected: .accepted),
        ClockCase(
            name: "grace does not widen nbf", grace: 300, expiry: 3600, notBefore: 61,
            expected: .notYetValid),
        ClockCase(
            name: "nbf in the past is fine", expiry: 3600, notBefore: -86400,
            expected: .accepted),
    ])
    func appliesLeewayAndGraceAtTheEdges(clock: ClockCase) throws {
        let rules = ClaimRules(leeway: clock.leeway, expiryGrace: clock.grace)
        var claims = FieldTokens.claims([("exp", .number(testNow + clock.expiry))])
        if let notBefore = clock.notBefore { claims.set("nbf", .number(testNow + notBefore)) }
        let token = try FieldTokens.mint(FieldKeys.rsa, keyID: "rsa-1", claims: claims)
        let verifier = try Self.defaultVerifier(rules: rules)
        #expect(FieldTokens.outcome(verifier, token) == clock.expected)
    }

    @Test func reportsTheExpiryAndStartTimesItRefusedFor() throws {
        let verifier = try Self.defaultVerifier()
        let expired = try FieldTokens.mint(
            FieldKeys.rsa, keyID: "rsa-1",
            claims: FieldTokens.claims([("exp", .number(testNow - 3600))]))
        #expect(FieldTokens.rejection(verifier, expired) == .expired(at: testNow - 3600))
        let early = try FieldTokens.mint(
            FieldKeys.rsa, keyID: "rsa-1",
            claims: FieldTokens.claims([("nbf", .number(testNow + 3600))]))
        #expect(FieldTokens.rejection(verifier, early) == .notYetValid(until: testNow + 3600))
    }

    @Test(arguments: [
        "\(Int(testNow) + 86400 * 365)", #""yesterday""#, "null", "{}", "-1", "true",
    ])
    func neverRefusesBecauseOfIssuedAt(issuedAt: String) throws {
        let token = Self.rsaToken(payload: Self.payload(#""iat":\#(issuedAt)"#))
        #expect(FieldTokens.outcome(try Self.defaultVerifier(), token) == .accepted)
    }

    // MARK: The algorithm

    /// A header `alg` member as written, and the rejection it must get.
    struct AlgorithmSpelling: Sendable, CustomTestStringConvertible {
        let member: String?
        let expected: FieldOutcome
        var testDescription: String { member ?? "alg missing" }
    }

    @Test(arguments: [
        AlgorithmSpelling(member: #""none""#, expected: .algorithmNotAllowed),
        AlgorithmSpelling(member: #""None""#, expected: .algorithmNotAllowed),
        AlgorithmSpelling(member: #""NONE""#, expected: .algorithmNotAllowed),
        AlgorithmSpelling(member: #""nOnE""#, expected: .algorithmNotAllowed),
        AlgorithmSpelling(member: #""FOO""#, expected: .algorithmNotAllowed),
        AlgorithmSpelling(member: #""rs256""#, expected: .algorithmNotAllowed),
        AlgorithmSpelling(member: #""RS256 ""#, expected: .algorithmNotAllowed),
        AlgorithmSpelling(member: #""""#, expected: .algorithmNotAllowed),
        AlgorithmSpelling(member: nil, expected: .malformed),
        AlgorithmSpelling(member: "256", expected: .malformed),
        AlgorithmSpelling(member: "null", expected: .malformed),
        AlgorithmSpelling(member: "false", expected: .malformed),
        AlgorithmSpelling(member: #"["RS256"]"#, expected: .malformed),
        AlgorithmSpelling(member: #"{"name":"RS256"}"#, expected: .malformed),
    ])
    func refusesAlgorithmsItDoesNotKnow(spelling: AlgorithmSpelling) throws {
        let header = #"{"kid":"rsa-1""# + (spelling.member.map { #","alg":\#($0)"# } ?? "") + "}"
        // Signed by the right key, so that only the header's alg is wrong.
        let token = Self.rsaToken(header: header, payload: Self.payload())
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), algorithms: Set(SignatureAlgorithm.allCases),
            hmacSecret: Array("configured-secret".utf8))
        #expect(FieldTokens.outcome(verifier, token) == spelling.expected)
        #expect(FieldOutcome(verifier.verifySignature(Array(token.utf8))) == spelling.expected)
    }

    /// Bytes of the issuer's public RSA key that an attacker may try as an HMAC secret.
    enum ConfusionSecret: String, Sendable, CaseIterable {
        case publicPEM
        case publicDER
        case rawModulus
        case modulusWithLeadingZero
        case modulusText
        case jwkText

        func bytes() throws -> [UInt8] {
            let jwk = try FieldKeys.jwk(FieldKeys.rsa, keyID: "rsa-1")
            switch self {
            case .publicPEM: return try FieldOpenSSL.publicPEM(FieldKeys.rsa)
            case .publicDER: return try FieldOpenSSL.publicDER(FieldKeys.rsa)
            case .rawModulus: return try FieldKeys.memberBytes(jwk, "n")
            case .modulusWithLeadingZero: return try [0] + FieldKeys.memberBytes(jwk, "n")
            case .modulusText: return Array(try #require(jwk["n"]?.stringValue).utf8)
            case .jwkText: return Array(JSONValue.object(jwk).serialized.utf8)
            }
        }
    }

    /// An `algorithms` setting of an RS256 issuer.
    enum AlgorithmSetting: String, Sendable, CaseIterable {
        case onlyRS256
        case everyAsymmetric
        case everyAlgorithmIncludingHMAC

        var algorithms: Set<SignatureAlgorithm> {
            switch self {
            case .onlyRS256: [.rs256]
            case .everyAsymmetric: SignatureAlgorithm.asymmetric
            case .everyAlgorithmIncludingHMAC: Set(SignatureAlgorithm.allCases)
            }
        }
    }

    @Test(arguments: ConfusionSecret.allCases, AlgorithmSetting.allCases)
    func refusesHMACKeyedWithPublicKeyWithoutConfiguredSecret(
        secret: ConfusionSecret, setting: AlgorithmSetting
    ) throws {
        let secretBytes = try secret.bytes()
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), algorithms: setting.algorithms)
        for algorithm in [SignatureAlgorithm.hs256, .hs384, .hs512] {
            let token = TokenFactory.token(
                header: #"{"alg":"\#(algorithm.rawValue)","kid":"rsa-1"}"#,
                payload: Self.payload(), secret: secretBytes, algorithm: algorithm)
            #expect(
                FieldTokens.rejection(verifier, token)
                    == .algorithmNotAllowed(algorithm: algorithm.rawValue, issuerName: nil))
        }
    }

    // MARK: Keys named by the token itself

    /// A header member by which a token tries to bring its own key.
    enum EmbeddedKey: String, Sendable, CaseIterable {
        case jwk
        case jku
        case x5u
        case x5c

        func member() throws -> String {
            switch self {
            case .jwk:
                let jwk = try FieldKeys.jwk(FieldKeys.attacker, keyID: "attacker-1")
                return #""jwk":\#(JSONValue.object(jwk).serialized)"#
            case .jku: return #""jku":"https://attacker.example/jwks.json""#
            case .x5u: return #""x5u":"https://attacker.example/cert.pem""#
            case .x5c:
                let certificate = try FieldOpenSSL.selfSignedCertificate(FieldKeys.attacker)
                return #""x5c":["\#(Data(certificate).base64EncodedString())"]"#
            }
        }
    }

    /// The `kid` such a token carries.
    enum EmbeddedKeyID: String, Sendable, CaseIterable {
        case none
        case attackers
        case issuers

        var member: String {
            switch self {
            case .none: ""
            case .attackers: #","kid":"attacker-1""#
            case .issuers: #","kid":"rsa-1""#
            }
        }

        var expected: FieldOutcome {
            switch self {
            case .none, .issuers: .badSignature
            case .attackers: .unknownKeyID
            }
        }
    }

    @Test(arguments: EmbeddedKey.allCases, EmbeddedKeyID.allCases)
    func neverUsesKeyCarriedByTheToken(embedded: EmbeddedKey, keyID: EmbeddedKeyID) throws {
        let header = #"{"alg":"RS256"\#(keyID.member),\#(try embedded.member())}"#
        let token = TokenFactory.token(
            header: header, payload: Self.payload(), key: FieldKeys.attacker, algorithm: .rs256)
        #expect(FieldTokens.outcome(try Self.defaultVerifier(), token) == keyID.expected)
    }

    // MARK: Key choice

    @Test func refusesKeyIDOfWrongKeyTypeAsNoFittingKey() throws {
        let token = try FieldTokens.mint(FieldKeys.rsa, keyID: "ec-1")
        #expect(
            FieldTokens.rejection(try Self.defaultVerifier(), token)
                == .noFittingKey(keyID: "ec-1", algorithm: "RS256"))
    }

    @Test func refusesUnknownKeyID() throws {
        let token = try FieldTokens.mint(FieldKeys.rsa, keyID: "nope")
        #expect(
            FieldTokens.rejection(try Self.defaultVerifier(), token) == .unknownKeyID("nope"))
    }

    /// A token under a `kid` shared by an RS256-pinned and a PS256-pinned key.
    struct SharedKeyIDCase: Sendable, CustomTestStringConvertible {
        let signer: String
        let algorithm: SignatureAlgorithm
        let expectedPin: SignatureAlgorithm?
        var testDescription: String { "\(algorithm.rawValue) by \(signer)" }

        var key: SigningKey { signer == "rs256 key" ? FieldKeys.rsa : FieldKeys.rsaOther }
    }

    @Test(arguments: [
        SharedKeyIDCase(signer: "rs256 key", algorithm: .rs256, expectedPin: .rs256),
        SharedKeyIDCase(signer: "ps256 key", algorithm: .ps256, expectedPin: .ps256),
        SharedKeyIDCase(signer: "ps256 key", algorithm: .rs256, expectedPin: nil),
        SharedKeyIDCase(signer: "rs256 key", algorithm: .ps256, expectedPin: nil),
    ])
    func picksTheKeyPinnedToTheTokensAlgorithmUnderSharedKeyID(shared: SharedKeyIDCase) throws {
        let set = try FieldKeys.keySet([
            FieldKeys.jwk(FieldKeys.rsa, keyID: "shared", [("alg", .string("RS256"))]),
            FieldKeys.jwk(FieldKeys.rsaOther, keyID: "shared", [("alg", .string("PS256"))]),
        ])
        let token = try FieldTokens.mint(shared.key, keyID: "shared", algorithm: shared.algorithm)
        let result = TokenVerifier(keySet: set).verify(Array(token.utf8), at: testNow)
        switch result {
        case .success(let verified):
            #expect(verified.signed.key?.pinnedAlgorithm == shared.expectedPin)
            #expect(shared.expectedPin != nil)
        case .failure(let rejection):
            #expect(rejection == .badSignature)
            #expect(shared.expectedPin == nil)
        }
    }

    /// A token without `kid` against a set of several keys.
    struct UnnamedKeyCase: Sendable, CustomTestStringConvertible {
        let signer: String
        let expectedKeyID: String?
        let expected: FieldOutcome
        var testDescription: String { "signed by \(signer)" }

        var key: SigningKey {
            switch signer {
            case "rsa": FieldKeys.rsa
            case "rsaOther": FieldKeys.rsaOther
            case "ec": FieldKeys.ec
            case "ed25519": FieldKeys.ed25519
            default: FieldKeys.attacker
            }
        }
    }

    @Test(arguments: [
        UnnamedKeyCase(signer: "rsa", expectedKeyID: "r1", expected: .accepted),
        UnnamedKeyCase(signer: "rsaOther", expectedKeyID: "r2", expected: .accepted),
        UnnamedKeyCase(signer: "ec", expectedKeyID: "e1", expected: .accepted),
        UnnamedKeyCase(signer: "attacker", expectedKeyID: nil, expected: .badSignature),
        UnnamedKeyCase(signer: "ed25519", expectedKeyID: nil, expected: .noFittingKey),
    ])
    func triesEveryFittingKeyWhenTokenHasNoKeyID(unnamed: UnnamedKeyCase) throws {
        let set = try FieldKeys.keySet([
            FieldKeys.jwk(FieldKeys.rsaOther, keyID: "r2"),
            FieldKeys.jwk(FieldKeys.ec, keyID: "e1"),
            FieldKeys.jwk(FieldKeys.rsa, keyID: "r1"),
        ])
        let token = try FieldTokens.mint(unnamed.key, keyID: nil)
        let result = TokenVerifier(keySet: set).verify(Array(token.utf8), at: testNow)
        #expect(FieldOutcome(result) == unnamed.expected)
        if case .success(let verified) = result {
            #expect(verified.signed.key?.keyID == unnamed.expectedKeyID)
        }
    }

    @Test(arguments: [SignatureAlgorithm.rs256, .rs384, .rs512, .ps256, .ps384, .ps512])
    func keyPinnedByAlgRefusesOtherAlgorithms(algorithm: SignatureAlgorithm) throws {
        let set = try FieldKeys.keySet([
            FieldKeys.jwk(FieldKeys.rsa, keyID: "rsa-1", [("alg", .string("RS256"))])
        ])
        let verifier = TokenVerifier(keySet: set)
        for keyID in ["rsa-1", nil] {
            let token = try FieldTokens.mint(FieldKeys.rsa, keyID: keyID, algorithm: algorithm)
            let expected: TokenRejection? =
                algorithm == .rs256
                ? nil : .noFittingKey(keyID: keyID, algorithm: algorithm.rawValue)
            #expect(FieldTokens.rejection(verifier, token) == expected)
        }
    }

    // MARK: Size

    /// An RS256 token whose length is exactly `length`, its payload padded with a claim.
    private static func token(ofLength length: Int) throws -> String {
        let signatureLength = 342  // 256 bytes of RS256 signature in unpadded base64url
        for headerPadding in 0..<4 {
            let header =
                #"{"alg":"RS256","kid":"rsa-1","pad":""#
                + String(repeating: "h", count: headerPadding) + #""}"#
            let headerLength = Base64URL.encode(Array(header.utf8)).utf8.count
            let payloadLength = length - headerLength - 2 - signatureLength
            let blobLength = payloadLength * 3 / 4 - Self.payload(#""blob":"""#).utf8.count
            for blob in max(0, blobLength - 3)...(blobLength + 3) {
                let payload = Self.payload(
                    #""blob":""# + String(repeating: "b", count: blob) + #"""#)
                guard Base64URL.encode(Array(payload.utf8)).utf8.count == payloadLength else {
                    continue
                }
                return Self.rsaToken(header: header, payload: payload)
            }
        }
        throw FieldOpenSSL.StepError(description: "no token of length \(length)")
    }

    @Test func verifiesLargeValidlySignedToken() throws {
        let token = try Self.token(ofLength: 40 * 1024)
        #expect(token.utf8.count == 40 * 1024)
        #expect(FieldTokens.outcome(try Self.defaultVerifier(), token) == .accepted)
    }

    @Test func acceptsTokenOfExactlyMaximumLength() throws {
        let token = try Self.token(ofLength: CompactJWS.maximumLength)
        #expect(token.utf8.count == CompactJWS.maximumLength)
        #expect(FieldTokens.outcome(try Self.defaultVerifier(), token) == .accepted)
    }

    @Test(arguments: [1, 4, 1024 * 1024])
    func refusesValidlySignedTokenOverMaximumLengthAsMalformed(excess: Int) throws {
        let token: String
        if excess < 4096 {
            token = try Self.token(ofLength: CompactJWS.maximumLength + excess)
        } else {
            let claims = FieldTokens.claims([
                ("blob", .string(String(repeating: "b", count: excess)))
            ])
            token = try FieldTokens.mint(FieldKeys.rsa, keyID: "rsa-1", claims: claims)
        }
        #expect(token.utf8.count >= CompactJWS.maximumLength + excess)
        #expect(FieldTokens.outcome(try Self.defaultVerifier(), token) == .malformed)
    }

    /// Forty kilobytes of something that is not a token.
    enum Garbage: String, Sendable, CaseIterable {
        case randomBytes
        case dots
        case oneLongSegment
        case threeSegmentsOfNoise
        case nulBytes

        var bytes: [UInt8] {
            let size = 40 * 1024
            switch self {
            case .randomBytes:
                var state: UInt64 = 0x9E37_79B9_7F4A_7C15
                return (0..<size).map { _ in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 56)
                }
            case .dots: return Array(repeating: UInt8(ascii: "."), count: size)
            case .oneLongSegment: return Array(repeating: UInt8(ascii: "A"), count: size)
            case .threeSegmentsOfNoise:
                let third = Array(repeating: UInt8(ascii: "~"), count: size / 3)
                return third + [UInt8(ascii: ".")] + third + [UInt8(ascii: ".")] + third
            case .nulBytes: return Array(repeating: 0, count: size)
            }
        }
    }

    @Test(arguments: Garbage.allCases)
    func refusesFortyKilobytesOfGarbageAsMalformed(garbage: Garbage) throws {
        let result = try Self.defaultVerifier().verify(garbage.bytes, at: testNow)
        #expect(FieldOutcome(result) == .malformed)
    }

    // MARK: Claims

    /// A payload, as written, that is not a claims object a verifier can trust.
    struct BadPayload: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        BadPayload(name: "array", text: #"[{"exp":9999999999}]"#),
        BadPayload(name: "string", text: #""exp""#),
        BadPayload(name: "null", text: "null"),
        BadPayload(name: "number", text: "9999999999"),
        BadPayload(name: "empty", text: ""),
        BadPayload(name: "truncated", text: #"{"exp":"#),
        BadPayload(name: "unquoted name", text: "{exp:9999999999}"),
        BadPayload(name: "trailing data", text: #"{"exp":9999999999} x"#),
        BadPayload(name: "duplicate exp", text: #"{"exp":1,"exp":2}"#),
        BadPayload(name: "duplicate exp, later one valid", text: #"{"exp":1,"exp":9999999999}"#),
        BadPayload(name: "duplicate exp, first one valid", text: #"{"exp":9999999999,"exp":1}"#),
        BadPayload(
            name: "duplicate sub", text: #"{"exp":9999999999,"sub":"alice","sub":"admin"}"#),
        BadPayload(name: "lone surrogate", text: #"{"exp":9999999999,"sub":"\ud800"}"#),
        BadPayload(name: "exp missing", text: #"{"sub":"x"}"#),
        BadPayload(name: "exp null", text: #"{"exp":null}"#),
        BadPayload(name: "exp boolean", text: #"{"exp":true}"#),
        BadPayload(name: "exp array", text: #"{"exp":[9999999999]}"#),
        BadPayload(name: "nbf string", text: #"{"exp":9999999999,"nbf":"0"}"#),
        BadPayload(name: "exp out of range", text: #"{"exp":1e400}"#),
    ])
    func refusesPayloadThatIsNotValidClaimsObject(payload: BadPayload) throws {
        let token = Self.rsaToken(payload: payload.text)
        let verifier = try Self.defaultVerifier()
        #expect(FieldTokens.outcome(verifier, token) == .malformed)
        // The signature is good: only the claims are at fault.
        #expect(FieldOutcome(verifier.verifySignature(Array(token.utf8))) == .accepted)
    }

    @Test func refusesPayloadOfInvalidUTF8() throws {
        let header = Base64URL.encode(Array(Self.rsaHeader.utf8))
        let payload = Array(#"{"exp":9999999999,"sub":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let token = try FieldTokens.signedSegments(
            header: header, payload: Base64URL.encode(payload), key: FieldKeys.rsa,
            algorithm: .rs256)
        #expect(FieldTokens.outcome(try Self.defaultVerifier(), token) == .malformed)
    }

    /// A configured issuer, the token's `iss` member as written, and the outcome.
    struct IssuerCase: Sendable, CustomTestStringConvertible {
        let configured: String?
        let member: String?
        let expected: FieldOutcome
        var testDescription: String { "\(configured ?? "no issuer") vs \(member ?? "no iss")" }
    }

    @Test(arguments: [
        IssuerCase(
            configured: "https://idp.example", member: #""https://idp.example""#,
            expected: .accepted),
        IssuerCase(
            configured: "https://idp.example", member: #""https://IDP.example""#,
            expected: .wrongIssuer),
        IssuerCase(
            configured: "https://idp.example", member: #""https://idp.example/""#,
            expected: .wrongIssuer),
        IssuerCase(
            configured: "https://idp.example/", member: #""https://idp.example""#,
            expected: .wrongIssuer),
        IssuerCase(
            configured: "https://idp.example", member: #""https://idp.example ""#,
            expected: .wrongIssuer),
        IssuerCase(configured: "https://idp.example", member: nil, expected: .wrongIssuer),
        IssuerCase(configured: "https://idp.example", member: "null", expected: .wrongIssuer),
        IssuerCase(configured: "https://idp.example", member: "7", expected: .wrongIssuer),
        IssuerCase(
            configured: "https://idp.example", member: #"["https://idp.example"]"#,
            expected: .wrongIssuer),
        IssuerCase(configured: nil, member: #""https://anyone.example""#, expected: .accepted),
        IssuerCase(configured: nil, member: nil, expected: .accepted),
    ])
    func comparesIssuerExactly(issuer: IssuerCase) throws {
        let token = Self.rsaToken(
            payload: Self.payload(issuer.member.map { #""iss":\#($0)"# } ?? ""))
        let verifier = try Self.defaultVerifier(rules: ClaimRules(issuer: issuer.configured))
        #expect(FieldTokens.outcome(verifier, token) == issuer.expected)
    }

    @Test(arguments: [
        ("https://idp.example/", "https://idp.example", true),
        ("https://idp.example", "https://idp.example/", true),
        ("https://idp.example", "https://idp.example//", false),
        ("https://idp.example", "https://idp.example.org", false),
        ("https://idp.example", "https://IDP.example", false),
    ])
    func mentionsTrailingSlashOnlyWhenThatIsTheDifference(
        configured: String, actual: String, mentionsSlash: Bool
    ) throws {
        let claims = FieldTokens.claims([("iss", .string(actual))])
        let token = try FieldTokens.mint(FieldKeys.rsa, keyID: "rsa-1", claims: claims)
        let verifier = try Self.defaultVerifier(rules: ClaimRules(issuer: configured))
        let rejection = try #require(FieldTokens.rejection(verifier, token))
        #expect(rejection == .wrongIssuer(actual: actual, expected: configured))
        #expect(rejection.summary.contains("trailing slash") == mentionsSlash)
        #expect(rejection.detail.contains("trailing slash") == mentionsSlash)
    }

    /// Configured audiences, the token's `aud` member as written, and the outcome.
    struct AudienceCase: Sendable, CustomTestStringConvertible {
        let configured: [String]?
        let member: String?
        let expected: FieldOutcome
        var testDescription: String {
            "\(configured?.description ?? "any audience") vs \(member ?? "no aud")"
        }
    }

    @Test(arguments: [
        AudienceCase(configured: nil, member: nil, expected: .accepted),
        AudienceCase(configured: nil, member: #""whatever""#, expected: .accepted),
        AudienceCase(configured: nil, member: "5", expected: .accepted),
        AudienceCase(configured: nil, member: "[]", expected: .accepted),
        AudienceCase(configured: ["a", "b"], member: #""b""#, expected: .accepted),
        AudienceCase(configured: ["a", "b"], member: #"["x","a"]"#, expected: .accepted),
        AudienceCase(configured: ["a", "b"], member: #""c""#, expected: .wrongAudience),
        AudienceCase(configured: ["svc"], member: #""SVC""#, expected: .wrongAudience),
        AudienceCase(configured: ["svc"], member: #""svc ""#, expected: .wrongAudience),
        AudienceCase(configured: ["svc"], member: #""svc/""#, expected: .wrongAudience),
        AudienceCase(configured: ["svc"], member: #"[["svc"]]"#, expected: .wrongAudience),
        AudienceCase(configured: ["svc"], member: #"{"svc":true}"#, expected: .wrongAudience),
        AudienceCase(configured: ["svc"], member: "true", expected: .wrongAudience),
        AudienceCase(configured: ["svc"], member: #""""#, expected: .wrongAudience),
    ])
    func matchesAudienceByExactString(audience: AudienceCase) throws {
        let token = Self.rsaToken(
            payload: Self.payload(audience.member.map { #""aud":\#($0)"# } ?? ""))
        let verifier = try Self.defaultVerifier(rules: ClaimRules(audiences: audience.configured))
        #expect(FieldTokens.outcome(verifier, token) == audience.expected)
    }

    // MARK: Segment shapes

    /// A token whose segments are not those of a compact JWS (RFC 7515 §7.1).
    struct SegmentShape: Sendable, CustomTestStringConvertible {
        let name: String
        /// Builds the token from a good one's three segments.
        let build: @Sendable ([String]) -> String
        var testDescription: String { name }
    }

    @Test(arguments: [
        SegmentShape(name: "two segments") { $0[0] + "." + $0[1] },
        SegmentShape(name: "four segments") { $0.joined(separator: ".") + "." + $0[2] },
        SegmentShape(name: "four segments, empty last") { $0.joined(separator: ".") + "." },
        SegmentShape(name: "five segments") { ($0 + $0[1...2]).joined(separator: ".") },
        SegmentShape(name: "empty header") { "." + $0[1] + "." + $0[2] },
        SegmentShape(name: "empty signature") { $0[0] + "." + $0[1] + "." },
        SegmentShape(name: "empty token") { _ in "" },
        SegmentShape(name: "two dots") { _ in ".." },
        SegmentShape(name: "leading space") { " " + $0.joined(separator: ".") },
        SegmentShape(name: "trailing newline") { $0.joined(separator: ".") + "\n" },
        SegmentShape(name: "space inside the payload") {
            $0[0] + "." + String($0[1].prefix(8)) + " " + String($0[1].dropFirst(8)) + "."
                + $0[2]
        },
        SegmentShape(name: "Bearer prefix") { "Bearer " + $0.joined(separator: ".") },
    ])
    func refusesTokenThatIsNotThreeSegments(shape: SegmentShape) throws {
        let good = Self.rsaToken(payload: Self.payload())
        let verifier = try Self.defaultVerifier()
        #expect(FieldTokens.outcome(verifier, good) == .accepted)
        let token = shape.build(FieldTokens.segments(good))
        #expect(token != good)
        #expect(FieldTokens.outcome(verifier, token) == .malformed)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func refusesEmptySignatureAsMalformedWhateverTheAlgorithm(algorithm: SignatureAlgorithm)
        throws
    {
        let input = TokenFactory.signingInput(
            header: #"{"alg":"\#(algorithm.rawValue)"}"#, payload: Self.payload())
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), algorithms: Set(SignatureAlgorithm.allCases),
            hmacSecret: Array("configured-secret".utf8))
        #expect(FieldTokens.outcome(verifier, input + ".") == .malformed)
    }

    @Test(arguments: [
        "not json", #"["alg","RS256"]"#, #""RS256""#, "null", "{",
        #"{"alg":"RS256","kid":"rsa-1"}x"#,
        #"{"alg":"RS256","kid":7}"#, #"{"alg":"RS256","kid":null}"#,
        #"{"alg":"RS256","kid":["rsa-1"]}"#, #"{"alg":"RS256","kid":{"id":"rsa-1"}}"#,
        #"{"alg":"RS256","kid":"rsa-1","kid":"rsa-1"}"#, #"{"alg":"none","alg":"RS256"}"#,
        #"{"alg":"RS256","alg":"RS256"}"#, #"{"alg":"RS256","crit":["b64"],"b64":false}"#,
        #"{"alg":"RS256","crit":["exp"]}"#, #"{"alg":"RS256","crit":null}"#,
        #"{"alg":"RS256","crit":{}}"#, #"{"alg":"RS256","crit":[""]}"#,
    ])
    func refusesHeaderThatIsNotAUsableJOSEHeader(header: String) throws {
        let token = Self.rsaToken(header: header, payload: Self.payload())
        let verifier = try Self.defaultVerifier()
        #expect(FieldTokens.outcome(verifier, token) == .malformed)
    }

    // MARK: Shared secrets

    @Test(arguments: [SignatureAlgorithm.hs256, .hs384, .hs512])
    func checksMACWithConfiguredSecret(algorithm: SignatureAlgorithm) throws {
        let secret = Array("a-configured-secret-of-32-bytes!".utf8)
        let header = #"{"alg":"\#(algorithm.rawValue)"}"#
        let good = TokenFactory.token(
            header: header, payload: Self.payload(), secret: secret, algorithm: algorithm)
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), algorithms: [algorithm], hmacSecret: secret)
        let result = verifier.verify(Array(good.utf8), at: testNow)
        #expect(FieldOutcome(result) == .accepted)
        if case .success(let verified) = result {
            #expect(verified.signed.algorithm == algorithm)
            #expect(verified.signed.key == nil)
        }

        let wrongSecret = TokenFactory.token(
            header: header, payload: Self.payload(), secret: Array("another-secret".utf8),
            algorithm: algorithm)
        #expect(FieldTokens.rejection(verifier, wrongSecret) == .badSignature)

        let mac = try #require(FieldOpenSSL.base64URLDecode(FieldTokens.segments(good)[2]))
        let truncated = FieldTokens.replacingSignature(of: good, with: Array(mac.dropLast()))
        #expect(FieldTokens.rejection(verifier, truncated) == .badSignature)
        let extended = FieldTokens.replacingSignature(of: good, with: mac + [0])
        #expect(FieldTokens.rejection(verifier, extended) == .badSignature)

        let others = Set([SignatureAlgorithm.hs256, .hs384, .hs512]).subtracting([algorithm])
        let unlisted = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), algorithms: others, hmacSecret: secret)
        #expect(
            FieldTokens.rejection(unlisted, good)
                == .algorithmNotAllowed(algorithm: algorithm.rawValue, issuerName: nil))
        let asymmetricOnly = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), hmacSecret: secret)
        #expect(
            FieldTokens.rejection(asymmetricOnly, good)
                == .algorithmNotAllowed(algorithm: algorithm.rawValue, issuerName: nil))
    }

    @Test func refusesMACOfOneHMACAlgorithmUnderAnother() throws {
        let secret = Array("a-configured-secret-of-32-bytes!".utf8)
        let input = TokenFactory.signingInput(header: #"{"alg":"HS256"}"#, payload: Self.payload())
        let mac512 = TokenFactory.hmac(Array(input.utf8), secret, .hs512)
        let token = input + "." + Base64URL.encode(mac512)
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), algorithms: [.hs256, .hs512], hmacSecret: secret)
        #expect(FieldTokens.rejection(verifier, token) == .badSignature)
    }

    @Test func keepsVerifyingSignaturesWhenSecretIsConfigured() throws {
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), algorithms: [.rs256, .hs256],
            hmacSecret: Array("secret".utf8))
        let token = try FieldTokens.mint(FieldKeys.rsa, keyID: "rsa-1")
        #expect(FieldTokens.outcome(verifier, token) == .accepted)
        let forged = try FieldTokens.mint(FieldKeys.attacker, keyID: "rsa-1")
        #expect(FieldTokens.outcome(verifier, forged) == .badSignature)
    }

    // MARK: What a rejection says

    /// A way to get a token refused; every token carries the distinctive claim values.
    struct Provocation: Sendable, CustomTestStringConvertible {
        let name: String
        let expected: FieldOutcome
        var header = #"{"alg":"RS256","kid":"rsa-1"}"#
        var signer = "rsa"
        var expiry = "\(FieldTokens.laterExpiry)"
        var extra = ""
        var rules = ClaimRules(issuer: secretIssuer, audiences: [secretAudience])
        var testDescription: String { name }
    }

    static let secretSubject = "sub-7QX-distinctive-subject"
    static let secretAudience = "aud-8RY-distinctive-audience"
    static let secretIssuer = "https://iss-9SZ-distinctive.example"

    @Test(arguments: [
        Provocation(
            name: "wrong issuer", expected: .wrongIssuer,
            rules: ClaimRules(issuer: "https://other.example", audiences: [secretAudience])),
        Provocation(
            name: "issuer differing by a slash", expected: .wrongIssuer,
            rules: ClaimRules(issuer: secretIssuer + "/", audiences: [secretAudience])),
        Provocation(
            name: "wrong audience", expected: .wrongAudience,
            rules: ClaimRules(issuer: secretIssuer, audiences: ["other"])),
        Provocation(name: "expired", expected: .expired, expiry: "\(Int(testNow) - 3600)"),
        Provocation(
            name: "not yet valid", expected: .notYetValid,
            extra: #","nbf":\#(Int(testNow) + 3600)"#),
        Provocation(name: "exp a string", expected: .malformed, expiry: #""\#(secretSubject)""#),
        Provocation(
            name: "duplicate sub", expected: .malformed, extra: #","sub":"\#(secretSubject)""#),
        Provocation(name: "bad signature", expected: .badSignature, signer: "attacker"),
        Provocation(
            name: "unknown kid", expected: .unknownKeyID,
            header: #"{"alg":"RS256","kid":"nope"}"#),
        Provocation(
            name: "no fitting key", expected: .noFittingKey,
            header: #"{"alg":"RS256","kid":"ec-1"}"#),
        Provocation(
            name: "algorithm not allowed", expected: .algorithmNotAllowed,
            header: #"{"alg":"FOO"}"#),
        Provocation(
            name: "crit", expected: .malformed,
            header: #"{"alg":"RS256","crit":["urn:example:x"]}"#),
    ])
    func summaryNeverRepeatsClaimValues(provocation: Provocation) throws {
        let payload =
            #"{"sub":"\#(Self.secretSubject)","aud":"\#(Self.secretAudience)","#
            + #""iss":"\#(Self.secretIssuer)","exp":\#(provocation.expiry)\#(provocation.extra)}"#
        let key = provocation.signer == "rsa" ? FieldKeys.rsa : FieldKeys.attacker
        let token = TokenFactory.token(
            header: provocation.header, payload: payload, key: key, algorithm: .rs256)
        let verifier = try Self.defaultVerifier(rules: provocation.rules)
        let rejection = try #require(FieldTokens.rejection(verifier, token))
        #expect(FieldOutcome(rejection) == provocation.expected)

        let summary = rejection.summary
        for value in [Self.secretSubject, Self.secretAudience, Self.secretIssuer] {
            #expect(!summary.contains(value), "summary \"\(summary)\" holds \(value)")
        }
        for fragment in ["7QX", "8RY", "9SZ"] {
            #expect(!summary.contains(fragment), "summary \"\(summary)\" holds \(fragment)")
        }
        if provocation.expected == .wrongIssuer {
            // The detail, for `tokengate verify` only, does name the value.
            #expect(rejection.detail.contains(Self.secretIssuer))
        }
    }
}
