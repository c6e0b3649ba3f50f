import Foundation
import JOSE

/// Files under `Tests/Fixtures`.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The bytes of a fixture file, by its path below `Tests/Fixtures`.
    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(path)))
    }
}

/// Builds tokens byte by byte, so that tests can write headers and payloads no honest
/// library would produce.
enum TokenFactory {
    /// `base64url(header).base64url(payload).base64url(signature)` where the signature is
    /// made by `key` with `algorithm` over the exact text given.
    static func token(
        header: String, payload: String, key: SigningKey, algorithm: SignatureAlgorithm
    ) -> String {
        let input = signingInput(header: header, payload: payload)
        let signature = key.sign(Array(input.utf8), algorithm: algorithm) ?? []
        return input + "." + Base64URL.encode(signature)
    }

    /// The same with an HMAC secret.
    static func token(
        header: String, payload: String, secret: [UInt8], algorithm: SignatureAlgorithm
    ) -> String {
        let input = signingInput(header: header, payload: payload)
        return input + "." + Base64URL.encode(hmac(Array(input.utf8), secret, algorithm))
    }

    static func signingInput(header: String, payload: String) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
    }

    /// An HMAC computed by the openssl command, independent of the code under test.
    static func hmac(_ message: [UInt8], _ secret: [UInt8], _ algorithm: SignatureAlgorithm)
        -> [UInt8]
    {
        let digest = "sha" + algorithm.rawValue.dropFirst(2)
        let hexKey = secret.map { String(format: "%02x", $0) }.joined()
        let output = run(
            "/usr/bin/openssl",
            [
                "dgst", "-\(digest)", "-mac", "HMAC", "-macopt", "hexkey:\(hexKey)",
                "-binary",
            ], input: message)
        return output
    }

    /// Runs a program with `input` on standard input and returns its standard output.
    static func run(_ path: String, _ arguments: [String], input: [UInt8]) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        do {
            try process.run()
        } catch {
            return []
        }
        stdin.fileHandleForWriting.write(Data(input))
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(output)
    }
}

/// A clock value far from any edge: 2026-12-01T00:00:00Z.
let testNow: Double = 1_796_083_200
