import JOSE
import Testing

/// Runs Google's Wycheproof vectors: the signature files through the bare signature layer,
/// the JWS file through parsing, key choice and signature (`verify --signature-only`).
@Suite struct WycheproofTests {
    /// A signature vector file and the JWS algorithm whose signatures it holds.
    struct SignatureFile: Sendable, CustomTestStringConvertible {
        let name: String
        let algorithm: SignatureAlgorithm

        var testDescription: String { "\(name) as \(algorithm.rawValue)" }
    }

    /// The answer tokengate gives to a case Wycheproof calls `acceptable`, and why it is that one.
    struct AcceptableAnswer: Sendable {
        let file: String
        let tcId: Int
        let verifies: Bool
        let reason: String
    }

    /// A group whose key tokengate refuses to import, so that it says no to all its cases.
    struct RefusedKey: Sendable {
        let file: String
        let group: Int
        let reason: String
    }

    /// A case of the JWS file where tokengate's answer is not Wycheproof's, on purpose.
    struct JWSDifference: Sendable {
        let tcId: Int
        let group: String
        let accepts: Bool
        let reason: String
    }

    static let signatureFiles: [SignatureFile] = [
        SignatureFile(name: "ecdsa_secp256r1_sha256_p1363_test.json", algorithm: .es256),
        SignatureFile(name: "ecdsa_secp384r1_sha384_p1363_test.json", algorithm: .es384),
        SignatureFile(name: "ecdsa_secp521r1_sha512_p1363_test.json", algorithm: .es512),
        SignatureFile(name: "ed25519_test.json", algorithm: .edDSA),
        SignatureFile(name: "rsa_signature_2048_sha256_test.json", algorithm: .rs256),
        SignatureFile(name: "rsa_signature_3072_sha384_test.json", algorithm: .rs384),
        SignatureFile(name: "rsa_signature_4096_sha512_test.json", algorithm: .rs512),
        SignatureFile(name: "rsa_pss_2048_sha256_mgf1_32_test.json", algorithm: .ps256),
        SignatureFile(name: "rsa_pss_2048_sha384_mgf1_48_test.json", algorithm: .ps384),
        SignatureFile(name: "rsa_pss_4096_sha512_mgf1_64_test.json", algorithm: .ps512),
    ]

    static let jwsFile = "json_web_signature_test.part1.json"

    /// The answers tokengate gives to the `acceptable` cases of the signature files.
    ///
    /// All three are RSA PKCS#1 v1.5 signatures whose DigestInfo leaves out the NULL
    /// parameters of the hash algorithm. OpenSSL rebuilds the one encoding it expects (with
    /// NULL) and compares it whole, so tokengate refuses them; JWS signers (RFC 7518 §3.3)
    /// write the NULL, so no honest issuer is turned away.
    static let acceptableAnswers: [AcceptableAnswer] = [
        AcceptableAnswer(
            file: "rsa_signature_2048_sha256_test.json", tcId: 8, verifies: false,
            reason: "MissingNull: DigestInfo without NULL parameters is refused"),
        AcceptableAnswer(
            file: "rsa_signature_3072_sha384_test.json", tcId: 8, verifies: false,
            reason: "MissingNull: DigestInfo without NULL parameters is refused"),
        AcceptableAnswer(
            file: "rsa_signature_4096_sha512_test.json", tcId: 8, verifies: false,
            reason: "MissingNull: DigestInfo without NULL parameters is refused"),
    ]

    /// Signature-file groups whose key tokengate refuses to import.
    ///
    /// None today: every key imports, the RSA ones with `e = 3` included (they are 2048
    /// bits, and 3 is odd), and so do the EC keys the test writes from `publicKey`.
    static let refusedKeys: [RefusedKey] = []

    /// Cases of the JWS file where tokengate answers otherwise than Wycheproof.
    ///
    /// None today: part 1 holds no key pinned to another algorithm than its tokens', and
    /// every case the contract refuses on purpose (`alg: none`, a header `jwk`, a MAC keyed
    /// with a public key, JSON serialization) Wycheproof calls invalid too.
    static let expectedDifferences: [JWSDifference] = []

    /// JWS cases that are also field cases of `cases/FIELD.md`: F06 (`alg: none`) and the EC
    /// form of F07 (HS256 keyed with the bytes of the issuer's public key).
    static let fieldCases: [Int: String] = [16: "F06", 31: "F07"]

    @Test(arguments: signatureFiles)
    func signatureFileGivesWycheproofAnswers(file: SignatureFile) throws {
        let vectors = try WycheproofFile(file.name)
        var casesRun = 0
        var acceptableSeen: Set<Int> = []
        var refusedSeen: Set<Int> = []

        for group in vectors.groups {
            expectGroupFits(group, file)
            let derived = group.isJWKDerived ? " (JWK written from publicKey)" : ""
            let groupLabel = "\(file.name) group \(group.index)\(derived)"
            let refusal = Self.refusedKeys.first { $0.file == file.name && $0.group == group.index }
            let key: VerificationKey?
            do {
                key = try VerificationKey(jwk: try JSONParser.parseObject(group.publicJWK ?? []))
            } catch {
                key = nil
                refusedSeen.insert(group.index)
                #expect(refusal != nil, "\(groupLabel): key does not import: \(error)")
            }

            for test in group.cases {
                casesRun += 1
                let verifies =
                    key.map {
                        SignatureCheck.verifies(
                            test.signature, over: test.message, with: $0.handle,
                            algorithm: file.algorithm)
                    } ?? false
                let label = "\(groupLabel) tcId \(test.id): \(test.comment) \(test.flags)"
                switch test.result {
                case .valid where refusal == nil, .invalid:
                    #expect(verifies == (test.result == .valid), "\(label)")
                case .valid:
                    #expect(!verifies, "\(label): key listed as refused yet verifies")
                case .acceptable:
                    acceptableSeen.insert(test.id)
                    let answer = Self.acceptableAnswers.first {
                        $0.file == file.name && $0.tcId == test.id
                    }
                    #expect(answer != nil, "\(label): acceptable, tokengate says \(verifies)")
                    if let answer { #expect(verifies == answer.verifies, "\(label)") }
                }
            }
        }

        #expect(casesRun == vectors.numberOfTests, "\(file.name): cases run")
        let listedAcceptable = Self.acceptableAnswers.filter { $0.file == file.name }
        #expect(Set(listedAcceptable.map(\.tcId)).isSubset(of: acceptableSeen), "stale entry")
        let listedRefused = Self.refusedKeys.filter { $0.file == file.name }
        #expect(Set(listedRefused.map(\.group)) == refusedSeen, "\(file.name): refused keys")
    }

    @Test func jsonWebSignatureFileGivesWycheproofAnswers() throws {
        let vectors = try WycheproofFile(Self.jwsFile)
        var casesRun = 0
        var differencesSeen: Set<Int> = []

        for group in vectors.groups {
            let verifier = try Self.verifier(for: group)
            for test in group.cases {
                casesRun += 1
                let field = Self.fieldCases[test.id].map { " (\($0))" } ?? ""
                let label =
                    "\(Self.jwsFile) group \(group.comment) tcId \(test.id)\(field): "
                    + test.comment
                let accepts: Bool
                switch verifier.verifySignature(Array(test.jws.utf8)) {
                case .success: accepts = true
                case .failure: accepts = false
                }
                #expect(test.result != .acceptable, "\(label): acceptable is not expected here")

                let difference = Self.expectedDifferences.first {
                    $0.tcId == test.id && $0.group == group.comment
                }
                if let difference { differencesSeen.insert(difference.tcId) }
                let wanted = difference?.accepts ?? (test.result == .valid)
                #expect(accepts == wanted, "\(label): tokengate accepts \(accepts)")
            }
        }
        #expect(casesRun == vectors.numberOfTests, "\(Self.jwsFile): cases run")
        #expect(Set(Self.expectedDifferences.map(\.tcId)) == differencesSeen, "stale entry")
    }

    /// A verifier for one JWS group: its public key as a one-key set, or for an HMAC group
    /// an empty set and the group's secret given as the issuer's `hmac_secret_file` would.
    static func verifier(for group: WycheproofGroup) throws -> TokenVerifier {
        guard let jwk = group.publicJWK else {
            let secret = try #require(group.secret, "group \(group.comment) has no key")
            return TokenVerifier(
                keySet: KeySet(keys: []),
                algorithms: SignatureAlgorithm.asymmetric.union([.hs256]), hmacSecret: secret)
        }
        let keySet = try KeySet(jwks: Array("{\"keys\":[".utf8) + jwk + Array("]}".utf8))
        #expect(keySet.skipped.isEmpty, "group \(group.comment): \(keySet.skipped)")
        #expect(keySet.keys.count == 1, "group \(group.comment): key imported")
        return TokenVerifier(keySet: keySet)
    }

    /// The group's hash, and for PSS its mask and salt, are those the JWS algorithm fixes
    /// (RFC 7518 §3.4, §3.5: MGF1 with the same hash, a salt as long as the hash).
    private func expectGroupFits(_ group: WycheproofGroup, _ file: SignatureFile) {
        let groupLabel = "\(file.name) group \(group.index)"
        guard file.algorithm != .edDSA else {
            #expect(group.hash == nil, "\(groupLabel): EdDSA takes no hash")
            return
        }
        let bits = file.algorithm.rawValue.suffix(3)
        #expect(group.hash == "SHA-\(bits)", "\(groupLabel): hash")
        guard file.algorithm.rawValue.hasPrefix("PS") else { return }
        #expect(group.maskFunction == "MGF1", "\(groupLabel): mask function")
        #expect(group.maskHash == group.hash, "\(groupLabel): mask hash")
        #expect(group.saltLength == Int(bits).map { $0 / 8 }, "\(groupLabel): salt length")
    }
}
