import Foundation
import JOSE
import Testing

/// The token rows of the field cases (`Tests/Fixtures/FIELD.md`, F01–F08 and F10–F12), each
/// tested for exactly what its "tokengate must" column asks.
@Suite struct FieldCaseTests {
    private static let rsaHeader = #"{"alg":"RS256","kid":"rsa-1"}"#

    private static func payload(_ members: String) -> String {
        #"{"sub":"field-subject","exp":\#(FieldTokens.laterExpiry)"#
            + (members.isEmpty ? "" : ",") + members + "}"
    }

    // MARK: F01

    @Test func acceptsModulusWithLeadingZeroByte_F01() throws {
        let plain = try FieldKeys.jwk(FieldKeys.rsa, keyID: "rsa-1")
        let modulus = try FieldKeys.memberBytes(plain, "n")
        #expect(modulus.count == 256)
        let padded = try FieldKeys.jwk(
            FieldKeys.rsa, keyID: "rsa-1", [("n", .string(Base64URL.encode([0] + modulus)))])
        #expect(try FieldKeys.memberBytes(padded, "n").count == 257)

        let set = try KeySet(jwks: FieldKeys.document([padded]))
        #expect(set.skipped.isEmpty)
        #expect(set.keys.count == 1)
        let verifier = TokenVerifier(keySet: set)
        let token = try FieldTokens.mint(FieldKeys.rsa, keyID: "rsa-1")
        #expect(FieldTokens.outcome(verifier, token) == .accepted)
        let stranger = try FieldTokens.mint(FieldKeys.rsaOther, keyID: "rsa-1")
        #expect(FieldTokens.outcome(verifier, stranger) == .badSignature)
    }

    // MARK: F02

    @Test func refusesDEREncodedES256SignatureAndAcceptsRawForm_F02() throws {
        let verifier = TokenVerifier(keySet: try FieldKeys.issuerSet())
        var token = ""
        var raw: [UInt8] = []
        var der: [UInt8] = []
        // ECDSA signatures vary: mint until the DER form has the 70–72 bytes of the field report.
        for attempt in 0..<32 where !(70...72).contains(der.count) {
            let claims = FieldTokens.claims([("jti", .number(Double(attempt)))])
            token = try FieldTokens.mint(FieldKeys.ec, keyID: "ec-1", claims: claims)
            raw = try #require(FieldOpenSSL.base64URLDecode(FieldTokens.segments(token)[2]))
            der = FieldTokens.derSignature(raw: raw)
        }
        #expect(raw.count == 64)
        #expect(der.first == 0x30)
        #expect((70...72).contains(der.count))

        // The DER form is the same signature, good in OpenSSL's own encoding.
        let parts = FieldTokens.segments(token)
        let input = Array((parts[0] + "." + parts[1]).utf8)
        #expect(try FieldOpenSSL.verifiesSHA256(der, over: input, key: FieldKeys.ec))

        #expect(FieldTokens.outcome(verifier, token) == .accepted)
        let derToken = FieldTokens.replacingSignature(of: token, with: der)
        #expect(FieldTokens.outcome(verifier, derToken) == .badSignature)
    }

    // MARK: F03

    @Test(arguments: [true, false])
    func verifiesWithSigningKeyOnlyWhateverKeyOrder_F03(signingKeyFirst: Bool) throws {
        let signing = try FieldKeys.jwk(
            FieldKeys.rsa, keyID: "kc-sig", [("use", .string("sig")), ("alg", .string("RS256"))])
        let encryption = try FieldKeys.jwk(
            FieldKeys.rsaOther, keyID: "kc-enc",
            [("use", .string("enc")), ("alg", .string("RSA-OAEP"))])
        let entries = signingKeyFirst ? [signing, encryption] : [encryption, signing]
        let set = try KeySet(jwks: FieldKeys.document(entries))
        #expect(set.keys.map(\.keyID) == ["kc-sig"])
        #expect(set.skipped.map(\.keyID) == ["kc-enc"])

        let verifier = TokenVerifier(keySet: set)
        let token = try FieldTokens.mint(FieldKeys.rsa, keyID: nil)
        let result = verifier.verify(Array(token.utf8), at: testNow)
        #expect(FieldOutcome(result) == .accepted)
        if case .success(let verified) = result {
            #expect(verified.signed.key?.keyID == "kc-sig")
        }
        // A token signed by the encryption key's private half must not pass through it.
        let byEncryptionKey = try FieldTokens.mint(FieldKeys.rsaOther, keyID: nil)
        #expect(FieldTokens.outcome(verifier, byEncryptionKey) == .badSignature)
    }

    // MARK: F04

    /// One `aud` shape of F04 and whether audience `svc` accepts it.
    struct AudienceShape: Sendable, CustomTestStringConvertible {
        let json: String?
        let isAccepted: Bool
        var testDescription: String { "F04 aud \(json ?? "absent")" }
    }

    @Test(arguments: [
        AudienceShape(json: #""svc""#, isAccepted: true),
        AudienceShape(json: #"["other","svc"]"#, isAccepted: true),
        AudienceShape(json: "[]", isAccepted: false),
        AudienceShape(json: "5", isAccepted: false),
        AudienceShape(json: "null", isAccepted: false),
        AudienceShape(json: nil, isAccepted: false),
    ])
    func acceptsOnlyAudienceStringOrArrayHoldingConfiguredOne_F04(shape: AudienceShape) throws {
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), rules: ClaimRules(audiences: ["svc"]))
        let payload = Self.payload(shape.json.map { #""aud":\#($0)"# } ?? "")
        let token = TokenFactory.token(
            header: Self.rsaHeader, payload: payload, key: FieldKeys.rsa, algorithm: .rs256)
        let expected: FieldOutcome = shape.isAccepted ? .accepted : .wrongAudience
        #expect(FieldTokens.outcome(verifier, token) == expected)
    }

    // MARK: F05

    /// One `exp` spelling of F05 and what it must give at `testNow`.
    struct ExpiryShape: Sendable, CustomTestStringConvertible {
        let json: String
        let expected: FieldOutcome
        var testDescription: String { "F05 exp \(json)" }
    }

    @Test(arguments: [
        ExpiryShape(json: "1900000000.5", expected: .accepted),
        ExpiryShape(json: "1.9e9", expected: .accepted),
        ExpiryShape(json: #""1900000000""#, expected: .malformed),
    ])
    func acceptsNumericExpiryInAnyFormAndRefusesString_F05(shape: ExpiryShape) throws {
        let verifier = TokenVerifier(keySet: try FieldKeys.issuerSet())
        let payload = #"{"sub":"field-subject","exp":\#(shape.json)}"#
        let token = TokenFactory.token(
            header: Self.rsaHeader, payload: payload, key: FieldKeys.rsa, algorithm: .rs256)
        #expect(FieldTokens.outcome(verifier, token) == shape.expected)
        // A number is read as its value: the token expires at 1.9e9 like any other.
        if shape.expected == .accepted {
            #expect(FieldTokens.outcome(verifier, token, at: 1_900_000_100) == .expired)
        }
    }

    // MARK: F06

    /// The ways an unsigned token reaches a verifier.
    enum UnsignedForm: String, Sendable, CaseIterable {
        case emptySignatureTrailingDot
        case noSignatureSegment
        case signatureOfAnotherAlgorithm
        case signatureThenTrailingDot
    }

    @Test(arguments: ["none", "NONE"], UnsignedForm.allCases)
    func refusesUnsignedTokenWhateverTheKeySetHolds_F06(algorithm: String, form: UnsignedForm)
        throws
    {
        let input = TokenFactory.signingInput(
            header: #"{"alg":"\#(algorithm)"}"#, payload: Self.payload(""))
        let signature = try #require(FieldKeys.rsa.sign(Array(input.utf8), algorithm: .rs256))
        let token: String
        switch form {
        case .emptySignatureTrailingDot: token = input + "."
        case .noSignatureSegment: token = input
        case .signatureOfAnotherAlgorithm: token = input + "." + Base64URL.encode(signature)
        case .signatureThenTrailingDot: token = input + "." + Base64URL.encode(signature) + "."
        }

        let octKey = #"{"kty":"oct","k":"c2VjcmV0","alg":"HS256"}"#
        let withOct = try KeySet(jwks: Array(#"{"keys":[\#(octKey)]}"#.utf8))
        let verifiers = [
            TokenVerifier(keySet: try FieldKeys.issuerSet()),
            TokenVerifier(keySet: KeySet(keys: [])),
            TokenVerifier(
                keySet: withOct, algorithms: Set(SignatureAlgorithm.allCases),
                hmacSecret: Array("secret".utf8)),
            TokenVerifier(
                keySet: try FieldKeys.issuerSet(), algorithms: Set(SignatureAlgorithm.allCases),
                hmacSecret: Array("secret".utf8)),
        ]
        for verifier in verifiers {
            let outcome = FieldTokens.outcome(verifier, token)
            #expect(outcome == .malformed || outcome == .algorithmNotAllowed, "\(outcome)")
            #expect(FieldOutcome(verifier.verifySignature(Array(token.utf8))) != .accepted)
        }
    }

    // MARK: F07

    /// The public-key encodings an attacker may use as an HMAC secret.
    enum PublicKeyForm: String, Sendable, CaseIterable {
        case pem
        case pemWithoutFinalNewline
        case der

        func bytes(of key: SigningKey) throws -> [UInt8] {
            switch self {
            case .pem: try FieldOpenSSL.publicPEM(key)
            case .pemWithoutFinalNewline: Array(try FieldOpenSSL.publicPEM(key).dropLast())
            case .der: try FieldOpenSSL.publicDER(key)
            }
        }
    }

    @Test(arguments: PublicKeyForm.allCases, [false, true])
    func refusesHS256TokenKeyedWithIssuersPublicKey_F07(
        form: PublicKeyForm, hs256Listed: Bool
    ) throws {
        let secret = try form.bytes(of: FieldKeys.rsa)
        let token = TokenFactory.token(
            header: #"{"alg":"HS256","kid":"rsa-1"}"#, payload: Self.payload(""), secret: secret,
            algorithm: .hs256)
        let algorithms = hs256Listed ? Set(SignatureAlgorithm.allCases) : [.rs256]
        let verifier = TokenVerifier(keySet: try FieldKeys.issuerSet(), algorithms: algorithms)
        #expect(
            FieldTokens.rejection(verifier, token)
                == .algorithmNotAllowed(algorithm: "HS256", issuerName: nil))

        // The MAC itself is sound: only a secret the operator configured makes it count.
        let configured = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), algorithms: [.hs256], hmacSecret: secret)
        #expect(FieldTokens.outcome(configured, token) == .accepted)
    }

    // MARK: F08

    @Test(arguments: [
        #"{"alg":"RS256","kid":"rsa-1","crit":["urn:example:x"],"urn:example:x":true}"#,
        #"{"alg":"RS256","kid":"rsa-1","crit":[]}"#,
        #"{"alg":"RS256","kid":"rsa-1","crit":"exp"}"#,
        #"{"alg":"RS256","kid":"rsa-1","crit":[null]}"#,
    ])
    func refusesEveryCritHeaderForm_F08(header: String) throws {
        let verifier = TokenVerifier(keySet: try FieldKeys.issuerSet())
        let token = TokenFactory.token(
            header: header, payload: Self.payload(""), key: FieldKeys.rsa, algorithm: .rs256)
        #expect(FieldTokens.outcome(verifier, token) == .malformed)
        #expect(FieldOutcome(verifier.verifySignature(Array(token.utf8))) == .malformed)

        let control = TokenFactory.token(
            header: Self.rsaHeader, payload: Self.payload(""), key: FieldKeys.rsa,
            algorithm: .rs256)
        #expect(FieldTokens.outcome(verifier, control) == .accepted)
    }

    // MARK: F10

    @Test func refusesIssuerLackingTrailingSlashAndSaysSo_F10() throws {
        let configured = "https://auth.example/application/o/app/"
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(), rules: ClaimRules(issuer: configured))
        let claims = FieldTokens.claims([("iss", .string("https://auth.example/application/o/app"))]
        )
        let token = try FieldTokens.mint(FieldKeys.rsa, keyID: "rsa-1", claims: claims)

        let rejection = try #require(FieldTokens.rejection(verifier, token))
        #expect(
            rejection
                == .wrongIssuer(
                    actual: "https://auth.example/application/o/app", expected: configured))
        #expect(rejection.summary.contains("differ only by a trailing slash"))
        #expect(rejection.detail.contains("differ only by a trailing slash"))

        let exact = try FieldTokens.mint(
            FieldKeys.rsa, keyID: "rsa-1",
            claims: FieldTokens.claims([("iss", .string(configured))]))
        #expect(FieldTokens.outcome(verifier, exact) == .accepted)
    }

    // MARK: F11

    /// A published key whose base64url members carry `=` padding.
    enum PaddedKey: String, Sendable, CaseIterable {
        case rsaModulus
        case rsaModulusAndExponent
        case ecCoordinates
        case ed25519

        var keyID: String { "padded-\(rawValue)" }

        var key: SigningKey {
            switch self {
            case .rsaModulus, .rsaModulusAndExponent: FieldKeys.rsa
            case .ecCoordinates: FieldKeys.ec
            case .ed25519: FieldKeys.ed25519
            }
        }

        func jwk() throws -> JSONObject {
            let plain = try FieldKeys.jwk(key, keyID: keyID)
            func padded(_ name: String) throws -> (String, JSONValue?) {
                let bytes = try FieldKeys.memberBytes(plain, name)
                let text = Data(bytes).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-")
                    .replacingOccurrences(of: "/", with: "_")
                #expect(text.hasSuffix("="), "member \(name) needs no padding")
                return (name, .string(text))
            }
            switch self {
            case .rsaModulus: return try FieldKeys.jwk(key, keyID: keyID, [padded("n")])
            case .rsaModulusAndExponent:
                // e = 65537 with a leading zero byte, the spelling that needs padding.
                let exponent: (String, JSONValue?) = ("e", .string("AAEAAQ=="))
                return try FieldKeys.jwk(key, keyID: keyID, [padded("n"), exponent])
            case .ecCoordinates:
                return try FieldKeys.jwk(key, keyID: keyID, [padded("x"), padded("y")])
            case .ed25519: return try FieldKeys.jwk(key, keyID: keyID, [padded("x")])
            }
        }
    }

    @Test(arguments: PaddedKey.allCases)
    func acceptsPaddedJWKMembers_F11(padded: PaddedKey) throws {
        let set = try KeySet(jwks: FieldKeys.document([padded.jwk()]))
        #expect(set.skipped.isEmpty)
        #expect(set.keys.count == 1)
        let token = try FieldTokens.mint(padded.key, keyID: padded.keyID)
        #expect(FieldTokens.outcome(TokenVerifier(keySet: set), token) == .accepted)
    }

    /// A token segment spelled in a way base64url (RFC 7515 §2) does not allow.
    enum SegmentSpelling: String, Sendable, CaseIterable {
        case paddedHeader
        case paddedPayload
        case paddedSignature
        case standardAlphabetHeader
        case standardAlphabetPayload
        case standardAlphabetSignature
    }

    /// `json` with spaces before its closing brace until its length is `remainder` mod 3.
    private static func spaced(_ json: String, toLengthModThree remainder: Int) -> String {
        var text = json
        while text.utf8.count % 3 != remainder {
            text.insert(" ", at: text.index(before: text.endIndex))
        }
        return text
    }

    private static func paddedSegment(_ text: String) -> String {
        let plain = Base64URL.encode(Array(text.utf8))
        return plain + String(repeating: "=", count: (4 - plain.utf8.count % 4) % 4)
    }

    private static func standardAlphabet(_ segment: String) -> String {
        segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    }

    @Test(arguments: SegmentSpelling.allCases)
    func refusesPaddedOrStandardAlphabetTokenSegment_F11(spelling: SegmentSpelling) throws {
        let verifier = TokenVerifier(keySet: try FieldKeys.issuerSet())
        // "~~~" encodes as "fn5-" and "???" as "Pz8_": six of each hold one aligned group.
        let marks = "~~~~~~??????"
        let header = Self.spaced(
            #"{"alg":"RS256","kid":"rsa-1","note":"\#(marks)"}"#, toLengthModThree: 1)
        var payload = Self.spaced(Self.payload(#""note":"\#(marks)""#), toLengthModThree: 1)
        let headerSegment = Base64URL.encode(Array(header.utf8))
        var payloadSegment = Base64URL.encode(Array(payload.utf8))
        // The signature must also hold a '-' or '_': vary the payload until it does.
        var control = try FieldTokens.signedSegments(
            header: headerSegment, payload: payloadSegment, key: FieldKeys.rsa, algorithm: .rs256)
        for attempt in 0..<16 where Self.standardAlphabet(control) == control {
            payload = Self.spaced(
                Self.payload(#""note":"\#(marks)","n":\#(attempt)"#), toLengthModThree: 1)
            payloadSegment = Base64URL.encode(Array(payload.utf8))
            control = try FieldTokens.signedSegments(
                header: headerSegment, payload: payloadSegment, key: FieldKeys.rsa,
                algorithm: .rs256)
        }
        #expect(FieldTokens.outcome(verifier, control) == .accepted)

        let signature = FieldTokens.segments(control)[2]
        let token: String
        switch spelling {
        case .paddedHeader:
            token = try FieldTokens.signedSegments(
                header: Self.paddedSegment(header), payload: payloadSegment,
                key: FieldKeys.rsa, algorithm: .rs256)
        case .paddedPayload:
            token = try FieldTokens.signedSegments(
                header: headerSegment, payload: Self.paddedSegment(payload),
                key: FieldKeys.rsa, algorithm: .rs256)
        case .paddedSignature:
            token = headerSegment + "." + payloadSegment + "." + signature + "=="
        case .standardAlphabetHeader:
            token = try FieldTokens.signedSegments(
                header: Self.standardAlphabet(headerSegment), payload: payloadSegment,
                key: FieldKeys.rsa, algorithm: .rs256)
        case .standardAlphabetPayload:
            token = try FieldTokens.signedSegments(
                header: headerSegment, payload: Self.standardAlphabet(payloadSegment),
                key: FieldKeys.rsa, algorithm: .rs256)
        case .standardAlphabetSignature:
            token = headerSegment + "." + payloadSegment + "." + Self.standardAlphabet(signature)
        }
        #expect(token != control)
        #expect(token.contains("=") || token.contains("+") || token.contains("/"))
        #expect(FieldTokens.outcome(verifier, token) == .malformed)
    }

    // MARK: F12

    @Test(arguments: [false, true])
    func refusesHS256WithoutSecretNamingTheIssuer_F12(hs256Listed: Bool) throws {
        let token = TokenFactory.token(
            header: #"{"alg":"HS256","typ":"JWT"}"#, payload: Self.payload(""),
            secret: Array("authentik-shared-secret".utf8), algorithm: .hs256)
        let verifier = TokenVerifier(
            keySet: try FieldKeys.issuerSet(),
            algorithms: hs256Listed ? [.hs256] : SignatureAlgorithm.asymmetric,
            issuerName: "authentik")
        let rejection = try #require(FieldTokens.rejection(verifier, token))
        #expect(rejection == .algorithmNotAllowed(algorithm: "HS256", issuerName: "authentik"))
        #expect(rejection.summary == "algorithm HS256 is not allowed for issuer authentik")
        #expect(rejection.detail.contains("algorithm HS256 is not allowed for issuer authentik"))
    }
}
