import Foundation
import JOSE
import Testing

/// JWK import (`VerificationKey(jwk:)`), JWK Set import (`KeySet(jwks:)`) and key choice.
@Suite struct KeyImportTests {
    /// The reason `jwk` is refused with, or nil when it imports.
    private func refusal(_ jwk: JSONObject) -> String? {
        do {
            _ = try VerificationKey(jwk: jwk)
            return nil
        } catch {
            return error.reason
        }
    }

    // MARK: RSA

    @Test func importsRSA2048Key() throws {
        let jwk = try JWKFactory.jwk(TestKeys.rsa)
        let key = try VerificationKey(jwk: jwk)
        #expect(key.keyType == .rsa)
        #expect(key.keyID == "k")
        #expect(key.curve == nil)
        #expect(key.pinnedAlgorithm == nil)
        #expect(key.handle.bits == 2048)
        #expect(SignatureProbe.verifies(key, signedBy: TestKeys.rsa, algorithm: .rs256))
        #expect(SignatureProbe.verifies(key, signedBy: TestKeys.rsa, algorithm: .ps512))
        #expect(!SignatureProbe.verifies(key, signedBy: TestKeys.otherRSA, algorithm: .rs256))
    }

    @Test(arguments: [1024, 2047])
    func refusesRSAModulusBelow2048Bits(bits: Int) throws {
        let signer = try SigningKey(generating: .rsa(bits: bits))
        let reason = refusal(try JWKFactory.jwk(signer))
        #expect(reason?.contains("\(bits) bits is below 2048") == true)
    }

    @Test(arguments: [
        (name: "one", exponent: [1] as [UInt8]?), (name: "two", exponent: [2]),
        (name: "zero", exponent: [0]), (name: "even 65536", exponent: [1, 0, 0]),
        (name: "even 4", exponent: [4]), (name: "one with leading zero", exponent: [0, 1]),
        (name: "absent", exponent: nil),
    ])
    func refusesWeakOrAbsentRSAExponent(name: String, exponent: [UInt8]?) throws {
        let jwk = try JWKFactory.jwk(
            TestKeys.rsa, [("e", exponent.map { .string(Base64URL.encode($0)) })])
        #expect(refusal(jwk) != nil)
    }

    @Test func refusesEmptyOrNonBase64Exponent() throws {
        for value in [JSONValue.string(""), .string("AQ*B"), .number(65537)] {
            #expect(refusal(try JWKFactory.jwk(TestKeys.rsa, [("e", value)])) != nil)
        }
    }

    @Test(arguments: [[3], [1, 0, 1], [0, 1, 0, 1]] as [[UInt8]])
    func acceptsOddRSAExponent(exponent: [UInt8]) throws {
        let jwk = try JWKFactory.jwk(TestKeys.rsa, [("e", .string(Base64URL.encode(exponent)))])
        #expect(refusal(jwk) == nil)
    }

    @Test func acceptsModulusWithOneLeadingZeroByteF01() throws {
        let plain = try JWKFactory.jwk(TestKeys.rsa)
        let modulus = try JWKFactory.bytes(plain, "n")
        #expect(modulus.count == 256)
        let padded = plain.editing([("n", .string(Base64URL.encode([0] + modulus)))])

        let plainKey = try VerificationKey(jwk: plain)
        let paddedKey = try VerificationKey(jwk: padded)
        #expect(paddedKey.handle.bits == 2048)
        for key in [plainKey, paddedKey] {
            #expect(SignatureProbe.verifies(key, signedBy: TestKeys.rsa, algorithm: .rs256))
            #expect(!SignatureProbe.verifies(key, signedBy: TestKeys.otherRSA, algorithm: .rs256))
        }
    }

    @Test func acceptsPaddedModulusAndExponentF11() throws {
        let plain = try JWKFactory.jwk(TestKeys.rsa)
        let modulus = try JWKFactory.bytes(plain, "n")
        let paddedModulus = JWKFactory.paddedBase64URL(modulus)
        let paddedExponent = JWKFactory.paddedBase64URL([0, 1, 0, 1])
        #expect(paddedModulus.hasSuffix("=="))
        #expect(paddedExponent == "AAEAAQ==")
        let padded = plain.editing([
            ("n", .string(paddedModulus)), ("e", .string(paddedExponent)),
        ])

        let key = try VerificationKey(jwk: padded)
        #expect(key.handle.bits == 2048)
        #expect(SignatureProbe.verifies(key, signedBy: TestKeys.rsa, algorithm: .rs256))
        #expect(!SignatureProbe.verifies(key, signedBy: TestKeys.otherRSA, algorithm: .rs256))
    }

    @Test func refusesBadlyPaddedModulus() throws {
        let plain = try JWKFactory.jwk(TestKeys.rsa)
        let modulus = try JWKFactory.bytes(plain, "n")
        let overPadded = JWKFactory.paddedBase64URL(modulus) + "=="
        #expect(refusal(plain.editing([("n", .string(overPadded))])) != nil)
    }

    // MARK: EC

    private static let curves: [(curve: String, algorithm: SignatureAlgorithm, size: Int)] = [
        ("P-256", .es256, 32), ("P-384", .es384, 48), ("P-521", .es512, 66),
    ]

    @Test(arguments: curves)
    func importsECKey(curve: String, algorithm: SignatureAlgorithm, size: Int) throws {
        let jwk = try JWKFactory.jwk(TestKeys.ec(curve))
        #expect(try JWKFactory.bytes(jwk, "x").count == size)
        let key = try VerificationKey(jwk: jwk)
        #expect(key.keyType == .ec)
        #expect(key.curve == curve)
        #expect(key.pinnedAlgorithm == algorithm)
        #expect(SignatureProbe.verifies(key, signedBy: TestKeys.ec(curve), algorithm: algorithm))

        let unpinned = try VerificationKey(jwk: jwk.editing([("alg", nil)]))
        #expect(unpinned.pinnedAlgorithm == nil)
        #expect(unpinned.fits(algorithm))
        #expect(!unpinned.fits(algorithm == .es256 ? .es384 : .es256))
    }

    @Test func refusesSignaturesOfAnotherECKey() throws {
        let key = try VerificationKey(jwk: try JWKFactory.jwk(TestKeys.p256))
        #expect(!SignatureProbe.verifies(key, signedBy: TestKeys.otherP256, algorithm: .es256))
    }

    @Test(arguments: ["P-256", "P-384", "P-521"], ["x", "y"])
    func refusesECCoordinateOneByteShortOrLong(curve: String, coordinate: String) throws {
        let jwk = try JWKFactory.jwk(TestKeys.ec(curve))
        let bytes = try JWKFactory.bytes(jwk, coordinate)
        for changed in [Array(bytes.dropFirst()), [0] + bytes] {
            let edited = jwk.editing([(coordinate, .string(Base64URL.encode(changed)))])
            #expect(refusal(edited)?.contains("bytes long") == true)
        }
    }

    @Test(arguments: ["P-256", "P-384", "P-521"])
    func refusesPointNotOnTheCurve(curve: String) throws {
        let jwk = try JWKFactory.jwk(TestKeys.ec(curve))
        var y = try JWKFactory.bytes(jwk, "y")
        y[y.count - 1] ^= 0x01
        let reason = refusal(jwk.editing([("y", .string(Base64URL.encode(y)))]))
        #expect(reason == "EC point is not on the curve")
    }

    @Test(arguments: [
        JSONValue.string("P-257"), .string("secp256k1"), .string("p-256"), .string("Ed25519"),
        .number(256), .null,
    ])
    func refusesUnknownCurve(crv: JSONValue) throws {
        let jwk = try JWKFactory.jwk(TestKeys.p256, [("crv", crv), ("alg", nil)])
        #expect(refusal(jwk) != nil)
    }

    @Test func refusesAbsentCurve() throws {
        let jwk = try JWKFactory.jwk(TestKeys.p256, [("crv", nil), ("alg", nil)])
        #expect(refusal(jwk) != nil)
    }

    @Test func refusesCurveNotMatchingTheCoordinates() throws {
        let jwk = try JWKFactory.jwk(TestKeys.p256, [("crv", .string("P-384")), ("alg", nil)])
        #expect(refusal(jwk) != nil)
    }

    @Test(arguments: [
        (curve: "P-256", alg: "ES384"), (curve: "P-256", alg: "ES512"),
        (curve: "P-384", alg: "ES256"), (curve: "P-521", alg: "ES384"),
        (curve: "P-256", alg: "EdDSA"), (curve: "P-256", alg: "RS256"),
        (curve: "P-256", alg: "HS256"), (curve: "P-256", alg: "ES256K"),
    ])
    func refusesAlgorithmThatDoesNotMatchTheCurve(curve: String, alg: String) throws {
        let jwk = try JWKFactory.jwk(TestKeys.ec(curve), [("alg", .string(alg))])
        #expect(refusal(jwk) == "alg does not name a signature algorithm for this key")
    }

    // MARK: OKP

    @Test func importsEd25519Key() throws {
        let jwk = try JWKFactory.jwk(TestKeys.ed25519)
        let key = try VerificationKey(jwk: jwk)
        #expect(key.keyType == .okp)
        #expect(key.curve == "Ed25519")
        #expect(key.pinnedAlgorithm == .edDSA)
        #expect(SignatureProbe.verifies(key, signedBy: TestKeys.ed25519, algorithm: .edDSA))
    }

    @Test(arguments: [31, 33])
    func refusesEd25519KeyOfWrongLength(length: Int) throws {
        let jwk = try JWKFactory.jwk(TestKeys.ed25519)
        let x = try JWKFactory.bytes(jwk, "x")
        let changed = length < x.count ? Array(x.prefix(length)) : x + [0]
        #expect(changed.count == length)
        let reason = refusal(jwk.editing([("x", .string(Base64URL.encode(changed)))]))
        #expect(reason == "Ed25519 key is not 32 bytes")
    }

    @Test(arguments: ["Ed448", "X25519", "X448", "P-256"])
    func refusesOtherOKPCurves(crv: String) throws {
        let jwk = try JWKFactory.jwk(TestKeys.ed25519, [("crv", .string(crv)), ("alg", nil)])
        #expect(refusal(jwk) == "crv is not Ed25519")
    }

    @Test func refusesEd448KeyOfItsOwnLength() throws {
        let jwk: JSONObject = try JWKFactory.jwk(
            TestKeys.ed25519,
            [
                ("crv", .string("Ed448")), ("alg", nil),
                ("x", .string(Base64URL.encode([UInt8](repeating: 7, count: 57)))),
            ])
        #expect(refusal(jwk) != nil)
    }

    @Test func refusesSymmetricKeyEvenFromAKeySetF07() throws {
        var oct = JSONObject()
        oct.set("kty", .string("oct"))
        oct.set("kid", .string("shared"))
        oct.set("alg", .string("HS256"))
        oct.set("k", .string(Base64URL.encode(Array("a shared secret of 32 bytes!!!!!".utf8))))
        #expect(refusal(oct) == "key type oct is not used for verification")

        let set = try KeySet(jwks: JWKFactory.document([oct]))
        #expect(set.keys.isEmpty)
        #expect(set.skipped.map(\.index) == [0])
        #expect(set.skipped.first?.keyID == "shared")
    }

    @Test(arguments: [JSONValue.string("rsa"), .string("ec"), .string("OCT"), .number(1), nil])
    func refusesUnknownOrAbsentKeyType(kty: JSONValue?) throws {
        #expect(refusal(try JWKFactory.jwk(TestKeys.rsa, [("kty", kty)])) != nil)
    }

    @Test func refusesKeyTypeNotMatchingTheMembers() throws {
        let rsaAsEC = try JWKFactory.jwk(TestKeys.rsa, [("kty", .string("EC"))])
        let ecAsRSA = try JWKFactory.jwk(TestKeys.p256, [("kty", .string("RSA"))])
        #expect(refusal(rsaAsEC) != nil)
        #expect(refusal(ecAsRSA) != nil)
    }

    // MARK: use, key_ops, kid, alg

    @Test(arguments: [
        (name: "use sig", member: "use", value: JSONValue.string("sig"), kept: true),
        (name: "use enc (F03)", member: "use", value: .string("enc"), kept: false),
        (name: "use SIG", member: "use", value: .string("SIG"), kept: false),
        (name: "use not a string", member: "use", value: .bool(true), kept: false),
        (name: "key_ops verify", member: "key_ops", value: .array([.string("verify")]), kept: true),
        (
            name: "key_ops sign and verify", member: "key_ops",
            value: .array([.string("sign"), .string("verify")]), kept: true
        ),
        (
            name: "key_ops encrypt", member: "key_ops", value: .array([.string("encrypt")]),
            kept: false
        ),
        (name: "key_ops empty", member: "key_ops", value: .array([]), kept: false),
        (name: "key_ops a string", member: "key_ops", value: .string("verify"), kept: false),
        (name: "kid a number", member: "kid", value: .number(7), kept: false),
        (name: "kid null", member: "kid", value: .null, kept: false),
        (name: "kid an array", member: "kid", value: .array([.string("k")]), kept: false),
        (name: "alg RS256", member: "alg", value: .string("RS256"), kept: true),
        (name: "alg PS512", member: "alg", value: .string("PS512"), kept: true),
        (name: "alg unknown", member: "alg", value: .string("RS257"), kept: false),
        (name: "alg lower case", member: "alg", value: .string("rs256"), kept: false),
        (name: "alg none", member: "alg", value: .string("none"), kept: false),
        (name: "alg of EC family", member: "alg", value: .string("ES256"), kept: false),
        (name: "alg HMAC", member: "alg", value: .string("HS256"), kept: false),
        (name: "alg EdDSA", member: "alg", value: .string("EdDSA"), kept: false),
        (name: "alg encryption", member: "alg", value: .string("RSA-OAEP"), kept: false),
        (name: "alg not a string", member: "alg", value: .number(256), kept: false),
    ])
    func honoursUseKeyOpsKeyIDAndAlgorithm(
        name: String, member: String, value: JSONValue, kept: Bool
    ) throws {
        let jwk = try JWKFactory.jwk(TestKeys.rsa, [("use", nil), (member, value)])
        #expect((refusal(jwk) == nil) == kept)

        let set = try KeySet(jwks: JWKFactory.document([jwk]))
        #expect(set.keys.count == (kept ? 1 : 0))
        #expect(set.skipped.count == (kept ? 0 : 1))
    }

    @Test func pinsTheKeyToItsAlgorithm() throws {
        let key = try VerificationKey(
            jwk: try JWKFactory.jwk(TestKeys.rsa, [("alg", .string("PS256"))]))
        #expect(key.pinnedAlgorithm == .ps256)
        #expect(key.fits(.ps256))
        #expect(!key.fits(.rs256))
        #expect(!key.fits(.ps384))
    }

    // MARK: x5c

    @Test(arguments: ["RSA", "EC"])
    func importsKeyFromCertificateAlone(kty: String) throws {
        let signer = kty == "RSA" ? TestKeys.rsa : TestKeys.p256
        let other = kty == "RSA" ? TestKeys.otherRSA : TestKeys.otherP256
        let algorithm: SignatureAlgorithm = kty == "RSA" ? .rs256 : .es256
        let der = try #require(kty == "RSA" ? TestKeys.rsaCertificate : TestKeys.p256Certificate)
        var jwk = JSONObject()
        jwk.set("kty", .string(kty))
        jwk.set("kid", .string("cert"))
        jwk.set("x5c", .array([CertificateFactory.x5cEntry(der)]))

        let key = try VerificationKey(jwk: jwk)
        #expect(key.keyType.rawValue == kty)
        #expect(key.curve == (kty == "EC" ? "P-256" : nil))
        #expect(SignatureProbe.verifies(key, signedBy: signer, algorithm: algorithm))
        #expect(!SignatureProbe.verifies(key, signedBy: other, algorithm: algorithm))
    }

    @Test(arguments: ["RSA", "EC"])
    func importsCertificateWithMatchingMembers(kty: String) throws {
        let signer = kty == "RSA" ? TestKeys.rsa : TestKeys.p256
        let der = try #require(kty == "RSA" ? TestKeys.rsaCertificate : TestKeys.p256Certificate)
        let jwk = try JWKFactory.jwk(signer, [("x5c", .array([CertificateFactory.x5cEntry(der)]))])
        let key = try VerificationKey(jwk: jwk)
        #expect(
            SignatureProbe.verifies(
                key, signedBy: signer, algorithm: kty == "RSA" ? .rs256 : .es256))
    }

    @Test(arguments: ["RSA", "EC"])
    func skipsCertificateThatDisagreesWithMembers(kty: String) throws {
        let other = kty == "RSA" ? TestKeys.otherRSA : TestKeys.otherP256
        let der = try #require(kty == "RSA" ? TestKeys.rsaCertificate : TestKeys.p256Certificate)
        let jwk = try JWKFactory.jwk(other, [("x5c", .array([CertificateFactory.x5cEntry(der)]))])
        #expect(refusal(jwk) == "x5c certificate and key members disagree")

        let set = try KeySet(jwks: JWKFactory.document([jwk]))
        #expect(set.keys.isEmpty)
        #expect(set.skipped.first?.reason == "x5c certificate and key members disagree")
    }

    @Test func skipsCertificateOfAnotherKeyType() throws {
        let der = try #require(TestKeys.rsaCertificate)
        var jwk = JSONObject()
        jwk.set("kty", .string("EC"))
        jwk.set("x5c", .array([CertificateFactory.x5cEntry(der)]))
        #expect(refusal(jwk) != nil)
    }

    @Test func skipsCertificateWhoseCurveDiffersFromCrv() throws {
        let der = try #require(TestKeys.p256Certificate)
        var jwk = JSONObject()
        jwk.set("kty", .string("EC"))
        jwk.set("crv", .string("P-384"))
        jwk.set("x5c", .array([CertificateFactory.x5cEntry(der)]))
        #expect(refusal(jwk) == "curve does not match crv")
        #expect(refusal(jwk.editing([("crv", .string("P-256"))])) == nil)
    }

    @Test func skipsCertificateOfWeakRSAKey() throws {
        let der = try CertificateFactory.selfSigned(try SigningKey(generating: .rsa(bits: 1024)))
        var jwk = JSONObject()
        jwk.set("kty", .string("RSA"))
        jwk.set("x5c", .array([CertificateFactory.x5cEntry(der)]))
        #expect(refusal(jwk)?.contains("1024 bits is below 2048") == true)
    }

    @Test func skipsCertificateWithTrailingBytes() throws {
        let der = try #require(TestKeys.rsaCertificate)
        let jwk = try JWKFactory.jwk(
            TestKeys.rsa, [("x5c", .array([CertificateFactory.x5cEntry(der + [0])]))])
        #expect(refusal(jwk) == "x5c certificate does not parse")
    }

    @Test(arguments: [
        (name: "not base64", x5c: JSONValue.array([.string("not base64!")])),
        (name: "base64 of junk", x5c: .array([.string("AAAAAAAA")])),
        (name: "empty list", x5c: .array([])),
        (name: "a string, not a list", x5c: .string("MIIB")),
        (name: "a number in the list", x5c: .array([.number(1)])),
        (name: "empty entry", x5c: .array([.string("")])),
    ])
    func skipsGarbageCertificate(name: String, x5c: JSONValue) throws {
        let withMembers = try JWKFactory.jwk(TestKeys.rsa, [("x5c", x5c)])
        var alone = JSONObject()
        alone.set("kty", .string("RSA"))
        alone.set("x5c", x5c)
        #expect(refusal(withMembers) != nil)
        #expect(refusal(alone) != nil)
    }

    // MARK: KeySet(jwks:)

    @Test func keepsGoodKeysAroundABadOne() throws {
        let weak = try SigningKey(generating: .rsa(bits: 1024))
        let document = JWKFactory.document([
            try JWKFactory.jwk(TestKeys.rsa, keyID: "good-rsa"),
            try JWKFactory.jwk(weak, keyID: "weak"),
            try JWKFactory.jwk(TestKeys.p256, keyID: "good-ec"),
            try JWKFactory.jwk(TestKeys.ed25519, keyID: "good-ed"),
        ])
        let set = try KeySet(jwks: document)
        #expect(set.keys.map(\.keyID) == ["good-rsa", "good-ec", "good-ed"])
        #expect(set.skipped.count == 1)
        #expect(set.skipped.first?.index == 1)
        #expect(set.skipped.first?.keyID == "weak")
        #expect(set.skipped.first?.reason.contains("below 2048") == true)
    }

    @Test(arguments: [
        "", "[]", #""keys""#, "null", "not json", #"{"keys":[]"#, #"{"keys":[]} x"#,
        #"{"keys":[],"keys":[]}"#,
    ])
    func refusesDocumentThatIsNotAnObject(document: String) {
        #expect(throws: KeyImportError.self) { try KeySet(jwks: Array(document.utf8)) }
    }

    @Test(arguments: [
        "{}", #"{"keys":{}}"#, #"{"keys":null}"#, #"{"keys":"[]"}"#, #"{"Keys":[]}"#,
    ])
    func refusesDocumentWithoutKeysArray(document: String) {
        #expect(throws: KeyImportError.self) { try KeySet(jwks: Array(document.utf8)) }
    }

    @Test func acceptsEmptyKeysArray() throws {
        let set = try KeySet(jwks: Array(#"{"keys":[]}"#.utf8))
        #expect(set.keys.isEmpty)
        #expect(set.skipped.isEmpty)
    }

    @Test func skipsEntriesThatAreNotObjects() throws {
        let good = JSONValue.object(try JWKFactory.jwk(TestKeys.ed25519, keyID: "ed"))
        let document = JWKFactory.document([
            .number(5), .string("k"), good, .null, .array([good]), .bool(true),
        ])
        let set = try KeySet(jwks: document)
        #expect(set.keys.map(\.keyID) == ["ed"])
        #expect(set.skipped.map(\.index) == [0, 1, 3, 4, 5])
        #expect(set.skipped.allSatisfy { $0.keyID == nil && $0.reason == "not a JSON object" })
    }

    @Test(arguments: [false, true])
    func keycloakSetVerifiesWithTheSigningKeyOnlyF03(encryptionKeyFirst: Bool) throws {
        let signing = try JWKFactory.jwk(
            TestKeys.rsa, keyID: "sig", [("alg", .string("RS256"))])
        let encryption = try JWKFactory.jwk(
            TestKeys.otherRSA, keyID: "enc",
            [("use", .string("enc")), ("alg", .string("RSA-OAEP"))])
        let entries = encryptionKeyFirst ? [encryption, signing] : [signing, encryption]
        let set = try KeySet(jwks: JWKFactory.document(entries))
        #expect(set.keys.map(\.keyID) == ["sig"])
        #expect(set.skipped.map(\.keyID) == ["enc"])

        let token = TokenFactory.token(
            header: #"{"alg":"RS256","typ":"JWT"}"#, payload: #"{"sub":"u"}"#,
            key: try #require(TestKeys.rsa), algorithm: .rs256)
        let result = TokenVerifier(keySet: set).verifySignature(Array(token.utf8))
        #expect((try? result.get())?.key?.keyID == "sig")
    }

    @Test func importsRealKubernetesKeySet() throws {
        let set = try KeySet(jwks: Fixture.bytes("real/k8s-sa.jwks.json"))
        #expect(!set.keys.isEmpty)
        #expect(set.skipped.isEmpty)
    }

    // MARK: candidates(for:keyID:)

    private func rsaKeySet() throws -> KeySet {
        KeySet(keys: [
            try VerificationKey(jwk: try JWKFactory.jwk(TestKeys.rsa, keyID: "a")),
            try VerificationKey(jwk: try JWKFactory.jwk(TestKeys.p256, keyID: "b")),
            try VerificationKey(jwk: try JWKFactory.jwk(TestKeys.otherRSA, keyID: "c")),
            try VerificationKey(
                jwk: try JWKFactory.jwk(TestKeys.rsa, keyID: "two", [("alg", .string("RS256"))])),
            try VerificationKey(
                jwk: try JWKFactory.jwk(
                    TestKeys.otherRSA, keyID: "two", [("alg", .string("PS256"))])),
        ])
    }

    @Test func choosesTheKeyOfAKnownKeyID() throws {
        let keys = try rsaKeySet().candidates(for: .rs256, keyID: "c").get()
        #expect(keys.map(\.keyID) == ["c"])
        let ec = try rsaKeySet().candidates(for: .es256, keyID: "b").get()
        #expect(ec.map(\.keyID) == ["b"])
    }

    @Test func reportsAnUnknownKeyID() throws {
        let result = try rsaKeySet().candidates(for: .rs256, keyID: "nope")
        #expect(throws: TokenRejection.unknownKeyID("nope")) { try result.get() }
    }

    @Test func choosesAmongKeysOfOneKeyIDByAlgorithm() throws {
        let set = try rsaKeySet()
        let pss = try set.candidates(for: .ps256, keyID: "two").get()
        #expect(pss.map(\.pinnedAlgorithm) == [.ps256])
        #expect(SignatureProbe.verifies(pss[0], signedBy: TestKeys.otherRSA, algorithm: .ps256))
        let pkcs1 = try set.candidates(for: .rs256, keyID: "two").get()
        #expect(pkcs1.map(\.pinnedAlgorithm) == [.rs256])

        let none = set.candidates(for: .rs512, keyID: "two")
        #expect(throws: TokenRejection.noFittingKey(keyID: "two", algorithm: "RS512")) {
            try none.get()
        }
    }

    @Test func keepsKeySetOrderWithoutKeyID() throws {
        let set = try rsaKeySet()
        #expect(
            try set.candidates(for: .rs256, keyID: nil).get().map(\.keyID) == ["a", "c", "two"])
        #expect(
            try set.candidates(for: .ps256, keyID: nil).get().map(\.keyID) == ["a", "c", "two"])
        #expect(try set.candidates(for: .es256, keyID: nil).get().map(\.keyID) == ["b"])

        let reversed = KeySet(keys: set.keys.reversed())
        #expect(
            try reversed.candidates(for: .rs256, keyID: nil).get().map(\.keyID) == [
                "two", "c", "a",
            ])
    }

    @Test func neverOffersAnAsymmetricKeyForHMACF07() throws {
        let set = try rsaKeySet()
        #expect(throws: TokenRejection.noFittingKey(keyID: "a", algorithm: "HS256")) {
            try set.candidates(for: .hs256, keyID: "a").get()
        }
        #expect(throws: TokenRejection.noFittingKey(keyID: nil, algorithm: "HS256")) {
            try set.candidates(for: .hs256, keyID: nil).get()
        }
        #expect(throws: TokenRejection.noFittingKey(keyID: nil, algorithm: "EdDSA")) {
            try set.candidates(for: .edDSA, keyID: nil).get()
        }
    }
}
