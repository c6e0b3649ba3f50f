import Foundation
import JOSE
import Testing

/// Keys made once per test run for the field-case and verifier suites: RSA generation takes
/// a noticeable fraction of a second, so each key is generated on first use and shared.
enum FieldKeys {
    /// The issuer's RSA key, published as `rsa-1`.
    static let rsa = generate(.rsa(bits: 2048))
    /// A second RSA key of the issuer (rotation, `use: enc`, `alg` pinning).
    static let rsaOther = generate(.rsa(bits: 2048))
    /// A key that belongs to nobody the verifier trusts.
    static let attacker = generate(.rsa(bits: 2048))
    /// The issuer's P-256 key, published as `ec-1`.
    static let ec = generate(.ec(curve: "P-256"))
    /// The issuer's Ed25519 key, published as `ed-1`.
    static let ed25519 = generate(.ed25519)

    private static func generate(_ kind: SigningKey.Kind) -> SigningKey {
        do {
            return try SigningKey(generating: kind)
        } catch {
            preconditionFailure("test key generation failed: \(error)")
        }
    }

    /// The public JWK of `key`, with `edits` applied in order (a nil value removes a member).
    static func jwk(
        _ key: SigningKey, keyID: String?, _ edits: [(String, JSONValue?)] = []
    ) throws -> JSONObject {
        let published = try #require(key.publicJWK(keyID: keyID))
        var jwk = JSONObject()
        for (name, value) in published.members where !edits.contains(where: { $0.0 == name }) {
            jwk.set(name, value)
        }
        for case (let name, let value?) in edits { jwk.set(name, value) }
        return jwk
    }

    /// The text of a JWK Set holding `jwks`.
    static func document(_ jwks: [JSONObject]) -> [UInt8] {
        var set = JSONObject()
        set.set("keys", .array(jwks.map(JSONValue.object)))
        return Array(JSONValue.object(set).serialized.utf8)
    }

    /// A key set imported from `jwks`, which must all import.
    static func keySet(_ jwks: [JSONObject]) throws -> KeySet {
        let set = try KeySet(jwks: document(jwks))
        #expect(set.skipped.isEmpty, "a test key was skipped: \(set.skipped.map(\.reason))")
        return set
    }

    /// The issuer's usual set: `rsa-1`, `ec-1` and `ed-1`.
    static func issuerSet() throws -> KeySet {
        try keySet([
            jwk(rsa, keyID: "rsa-1"), jwk(ec, keyID: "ec-1"), jwk(ed25519, keyID: "ed-1"),
        ])
    }

    /// The bytes of a JWK member, decoded independently of the code under test.
    static func memberBytes(_ jwk: JSONObject, _ name: String) throws -> [UInt8] {
        let text = try #require(jwk[name]?.stringValue)
        return try #require(FieldOpenSSL.base64URLDecode(text))
    }
}

/// What a verification came to, as one comparable value per rejection kind, so that tables
/// can name the outcome they expect without the detail text.
enum FieldOutcome: String, Sendable, Equatable, CustomStringConvertible {
    case accepted
    case malformed
    case algorithmNotAllowed
    case unknownKeyID
    case noFittingKey
    case unusableKey
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    case keysUnavailable

    var description: String { rawValue }

    init<T>(_ result: Result<T, TokenRejection>) {
        switch result {
        case .success: self = .accepted
        case .failure(let rejection): self.init(rejection)
        }
    }

    init(_ rejection: TokenRejection) {
        switch rejection {
        case .malformed: self = .malformed
        case .algorithmNotAllowed: self = .algorithmNotAllowed
        case .unknownKeyID: self = .unknownKeyID
        case .noFittingKey: self = .noFittingKey
        case .unusableKey: self = .unusableKey
        case .badSignature: self = .badSignature
        case .expired: self = .expired
        case .notYetValid: self = .notYetValid
        case .wrongIssuer: self = .wrongIssuer
        case .wrongAudience: self = .wrongAudience
        case .keysUnavailable: self = .keysUnavailable
        }
    }
}

/// Token building for the field-case and verifier suites.
enum FieldTokens {
    /// An `exp` an hour after `testNow`.
    static let laterExpiry = Int(testNow) + 3600

    /// Claims that pass default rules at `testNow`, plus `extra`.
    static func claims(_ extra: [(String, JSONValue)] = []) -> JSONObject {
        var claims = JSONObject()
        claims.set("sub", .string("field-subject"))
        claims.set("exp", .number(Double(laterExpiry)))
        for (name, value) in extra { claims.set(name, value) }
        return claims
    }

    /// A token minted by `key` with its default algorithm unless told otherwise.
    static func mint(
        _ key: SigningKey, keyID: String?, claims: JSONObject = claims(),
        algorithm: SignatureAlgorithm? = nil
    ) throws -> String {
        let algorithm = try #require(algorithm ?? key.defaultAlgorithm)
        return try #require(key.mint(claims, algorithm: algorithm, keyID: keyID))
    }

    /// A token whose header and payload segments are given as written on the wire (so they
    /// may hold padding or the standard alphabet), signed over exactly those bytes.
    static func signedSegments(
        header: String, payload: String, key: SigningKey, algorithm: SignatureAlgorithm
    ) throws -> String {
        let input = header + "." + payload
        let signature = try #require(key.sign(Array(input.utf8), algorithm: algorithm))
        return input + "." + Base64URL.encode(signature)
    }

    /// The three segments of a compact token.
    static func segments(_ token: String) -> [String] {
        token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// `token` with its signature segment replaced by `signature`.
    static func replacingSignature(of token: String, with signature: [UInt8]) -> String {
        let parts = segments(token)
        return parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
    }

    /// The outcome of a full verification at `now`.
    static func outcome(
        _ verifier: TokenVerifier, _ token: String, at now: Double = testNow
    ) -> FieldOutcome {
        FieldOutcome(verifier.verify(Array(token.utf8), at: now))
    }

    /// The rejection of a full verification at `now`, nil when the token passed.
    static func rejection(
        _ verifier: TokenVerifier, _ token: String, at now: Double = testNow
    ) -> TokenRejection? {
        if case .failure(let rejection) = verifier.verify(Array(token.utf8), at: now) {
            return rejection
        }
        return nil
    }

    /// An ECDSA signature as raw R‖S turned into the DER `Ecdsa-Sig-Value` (SEC 1 §C.5)
    /// that OpenSSL and X.509 use and JWS does not.
    static func derSignature(raw: [UInt8]) -> [UInt8] {
        let half = raw.count / 2
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var body = Array(bytes.drop { $0 == 0 })
            if body.isEmpty { body = [0] }
            if body[0] & 0x80 != 0 { body.insert(0, at: 0) }
            return [0x02, UInt8(body.count)] + body
        }
        let content = integer(raw[..<half]) + integer(raw[half...])
        return [0x30, UInt8(content.count)] + content
    }
}

/// The openssl command, used where a test needs key encodings or checks made independently
/// of the code under test.
enum FieldOpenSSL {
    /// Failure of a step that a test needs before it can check anything.
    struct StepError: Error, CustomStringConvertible {
        let description: String
    }

    /// The SubjectPublicKeyInfo of `key` as PEM text, exactly as `openssl pkey -pubout`
    /// prints it (with its final newline).
    static func publicPEM(_ key: SigningKey) throws -> [UInt8] {
        let pem = try #require(key.pem)
        let output = TokenFactory.run(
            "/usr/bin/openssl", ["pkey", "-pubout"], input: Array(pem.utf8))
        guard output.starts(with: Array("-----BEGIN PUBLIC KEY-----".utf8)) else {
            throw StepError(description: "openssl pkey -pubout printed no public key")
        }
        return output
    }

    /// The SubjectPublicKeyInfo of `key` as DER.
    static func publicDER(_ key: SigningKey) throws -> [UInt8] {
        let pem = try #require(key.pem)
        let output = TokenFactory.run(
            "/usr/bin/openssl", ["pkey", "-pubout", "-outform", "DER"], input: Array(pem.utf8))
        guard output.first == 0x30, output.count > 64 else {
            throw StepError(description: "openssl pkey -pubout -outform DER printed no key")
        }
        return output
    }

    /// A self-signed certificate for `key`, as DER.
    static func selfSignedCertificate(_ key: SigningKey) throws -> [UInt8] {
        try withFiles(["key.pem": Array(try #require(key.pem).utf8)]) { directory in
            let output = TokenFactory.run(
                "/usr/bin/openssl",
                [
                    "req", "-new", "-x509", "-key", directory + "/key.pem", "-subj",
                    "/CN=field-attacker", "-days", "2", "-outform", "DER",
                ], input: [])
            guard output.first == 0x30 else {
                throw StepError(description: "openssl req made no certificate")
            }
            return output
        }
    }

    /// Whether openssl itself accepts `signature` (DER for ECDSA) over `message` with SHA-256.
    static func verifiesSHA256(
        _ signature: [UInt8], over message: [UInt8], key: SigningKey
    ) throws -> Bool {
        let files = ["public.pem": try publicPEM(key), "signature.bin": signature]
        return try withFiles(files) { directory in
            let output = TokenFactory.run(
                "/usr/bin/openssl",
                [
                    "dgst", "-sha256", "-verify", directory + "/public.pem", "-signature",
                    directory + "/signature.bin",
                ], input: message)
            return String(decoding: output, as: UTF8.self).contains("Verified OK")
        }
    }

    /// Base64url decoding by Foundation, with or without padding.
    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        standard = standard.replacingOccurrences(of: "=", with: "")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }

    /// Runs `body` with a fresh directory holding `files`, removed afterwards.
    private static func withFiles<R>(_ files: [String: [UInt8]], _ body: (String) throws -> R)
        throws -> R
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("field-cases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, bytes) in files {
            try Data(bytes).write(to: directory.appendingPathComponent(name))
        }
        return try body(directory.path)
    }
}
