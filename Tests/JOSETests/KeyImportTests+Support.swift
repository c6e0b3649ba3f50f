import Foundation
import JOSE

/// Private keys generated once per test run and shared by the key import tests.
///
/// Each is optional so that a failed generation shows up as one failed `#require`, not as
/// a crash of the whole test process.
enum TestKeys {
    static let rsa = try? SigningKey(generating: .rsa(bits: 2048))
    static let otherRSA = try? SigningKey(generating: .rsa(bits: 2048))
    static let p256 = try? SigningKey(generating: .ec(curve: "P-256"))
    static let otherP256 = try? SigningKey(generating: .ec(curve: "P-256"))
    static let p384 = try? SigningKey(generating: .ec(curve: "P-384"))
    static let p521 = try? SigningKey(generating: .ec(curve: "P-521"))
    static let ed25519 = try? SigningKey(generating: .ed25519)

    /// A shared EC key by its JOSE curve name.
    static func ec(_ curve: String) -> SigningKey? {
        switch curve {
        case "P-256": p256
        case "P-384": p384
        case "P-521": p521
        default: nil
        }
    }

    /// Self-signed certificates (DER) of `rsa` and `p256`, made by the openssl command.
    static let rsaCertificate = rsa.flatMap { try? CertificateFactory.selfSigned($0) }
    static let p256Certificate = p256.flatMap { try? CertificateFactory.selfSigned($0) }
}

/// Why a test helper could not build what a test needs.
struct TestSetupError: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String
}

/// Builds the JWKs and key set documents the key import tests feed to the code under test.
enum JWKFactory {
    /// The public JWK of `key` (as `publicJWK` writes it) with `kid` set, then `edits`
    /// applied in order: a nil value removes the member, others replace or append it.
    static func jwk(
        _ key: SigningKey?, keyID: String = "k", _ edits: [(String, JSONValue?)] = []
    ) throws -> JSONObject {
        guard let key, let base = key.publicJWK(keyID: keyID) else {
            throw TestSetupError(description: "no public JWK for the test key")
        }
        return base.editing(edits)
    }

    /// A member of `jwk`, base64url-decoded.
    static func bytes(_ jwk: JSONObject, _ name: String) throws -> [UInt8] {
        guard let text = jwk[name]?.stringValue, let bytes = Base64URL.decodeLenient(text) else {
            throw TestSetupError(description: "member \(name) is missing")
        }
        return bytes
    }

    /// Base64url with the `=` padding that `Base64URL.encode` leaves out.
    static func paddedBase64URL(_ bytes: [UInt8]) -> String {
        let text = Base64URL.encode(bytes)
        return text + String(repeating: "=", count: (4 - text.count % 4) % 4)
    }

    /// A JWK Set document holding `entries`.
    static func document(_ entries: [JSONValue]) -> [UInt8] {
        var root = JSONObject()
        root.set("keys", .array(entries))
        return Array(JSONValue.object(root).serialized.utf8)
    }

    /// A JWK Set document holding `jwks`.
    static func document(_ jwks: [JSONObject]) -> [UInt8] {
        document(jwks.map { JSONValue.object($0) })
    }
}

extension JSONObject {
    /// A copy with `edits` applied in order; a nil value removes the member.
    func editing(_ edits: [(String, JSONValue?)]) -> JSONObject {
        var members = self.members
        for (name, value) in edits {
            if let index = members.firstIndex(where: { $0.key == name }) {
                if let value {
                    members[index].value = value
                } else {
                    members.remove(at: index)
                }
            } else if let value {
                members.append((name, value))
            }
        }
        var result = JSONObject()
        for member in members { result.set(member.key, member.value) }
        return result
    }
}

/// Signs test tokens and checks them against one imported key.
enum SignatureProbe {
    /// Whether a token that `signer` signs with `algorithm` verifies with `key` alone.
    static func verifies(
        _ key: VerificationKey, signedBy signer: SigningKey?, algorithm: SignatureAlgorithm
    ) -> Bool {
        guard let signer else { return false }
        let token = TokenFactory.token(
            header: #"{"alg":"\#(algorithm.rawValue)","typ":"JWT"}"#,
            payload: #"{"sub":"probe"}"#, key: signer, algorithm: algorithm)
        let verifier = TokenVerifier(keySet: KeySet(keys: [key]))
        if case .success = verifier.verifySignature(Array(token.utf8)) { return true }
        return false
    }
}

/// Makes X.509 certificates with the openssl command, independent of the code under test.
enum CertificateFactory {
    /// A self-signed DER certificate for `key`, valid for one day.
    static func selfSigned(_ key: SigningKey) throws -> [UInt8] {
        guard let pem = key.pem else { throw TestSetupError(description: "no PEM for key") }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("keyimport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let keyFile = directory.appendingPathComponent("key.pem")
        let certificateFile = directory.appendingPathComponent("cert.der")
        try Data(pem.utf8).write(to: keyFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.currentDirectoryURL = directory
        process.arguments = [
            "req", "-x509", "-new", "-key", keyFile.path, "-subj", "/CN=t", "-days", "1",
            "-outform", "DER", "-out", certificateFile.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSetupError(description: "openssl req exited \(process.terminationStatus)")
        }
        return Array(try Data(contentsOf: certificateFile))
    }

    /// Standard base64 with padding, as `x5c` entries are written (RFC 7517 §4.7).
    static func x5cEntry(_ der: [UInt8]) -> JSONValue {
        .string(Data(der).base64EncodedString())
    }
}
