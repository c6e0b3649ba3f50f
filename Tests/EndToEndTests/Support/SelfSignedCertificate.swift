import Foundation

/// A certificate for `localhost` and `IP:127.0.0.1` with its P-256 key, made by Debian's
/// `openssl req` into PEM files of a temporary directory, valid for a day.
///
/// The certificate is its own issuer, so a client trusts it with `--cacert` (curl) or
/// `-CAfile` (openssl s_client) naming the same file.
final class SelfSignedCertificate {
    /// The PEM certificate.
    let certificatePath: String
    /// The PEM private key (PKCS#8, unencrypted).
    let keyPath: String
    /// Its SHA-256 fingerprint as `openssl x509 -fingerprint` prints it (`AB:CD:...`).
    let fingerprint: String
    private let directory: TemporaryDirectory

    /// Makes a new key and certificate.
    init() throws {
        guard let openssl = ProgramSearch.find("openssl") else {
            throw HarnessError("openssl is not on PATH (Debian package openssl)")
        }
        directory = try TemporaryDirectory(prefix: "tls")
        certificatePath = directory.path("certificate.pem")
        keyPath = directory.path("key.pem")
        let made = try ShellCommand.run(
            "\(openssl) req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
                + "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 "
                + "-keyout '\(keyPath)' -out '\(certificatePath)' 2>&1 && "
                + "\(openssl) x509 -in '\(certificatePath)' -noout -fingerprint -sha256",
            timeout: .seconds(20))
        guard made.status == 0,
            let value = made.standardOutput.split(separator: "=").last.map({
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            })
        else { throw HarnessError("openssl req failed: \(made)") }
        fingerprint = value
    }

    /// The `tls` block that serves this certificate, with `key` in place of its own key
    /// when given.
    func tlsBlock(key: String? = nil) -> String {
        "tls {\n    certificate \(certificatePath)\n    key \(key ?? keyPath)\n}\n"
    }

    /// The SHA-256 fingerprint of the certificate a TLS server on `127.0.0.1:port` presents,
    /// read with `openssl s_client`; empty when no handshake happened.
    static func servedFingerprint(port: Int) throws -> String {
        guard let openssl = ProgramSearch.find("openssl") else {
            throw HarnessError("openssl is not on PATH (Debian package openssl)")
        }
        let result = try ShellCommand.run(
            "\(openssl) s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null "
                + "| \(openssl) x509 -noout -fingerprint -sha256",
            timeout: .seconds(20))
        return result.standardOutput.split(separator: "=").last.map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        } ?? ""
    }
}
