import Foundation
import Testing

/// `verify --config --route` for an issuer that signs with `hmac_secret_file` only: the
/// decision is made offline with the secret, not sent off to a discovery that cannot work.
@Suite struct RouteVerifyHMACTests {
    static let mintScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/tokens/mint_hs256.py").path

    @Test func decidesWithTheSharedSecret() throws {
        let workspace = try Workspace()
        let secret = try workspace.write(
            "a shared secret of more than 32 bytes, for HS256", to: "s")
        let config = try workspace.write(
            """
            listen 127.0.0.1:1
            issuer hs {
                issuer           https://hs.test
                audience         loki
                discovery        off
                algorithms       HS256
                hmac_secret_file \(secret)
            }
            route api {
                path     /api
                upstream http://127.0.0.1:9
                allow    claims.sub == "robot"
            }
            """, to: "proxy.conf")
        let mint = Process()
        mint.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        mint.arguments = [
            Self.mintScript, secret, #"{"iss":"https://hs.test","aud":"loki","sub":"robot"}"#,
        ]
        let pipe = Pipe()
        mint.standardOutput = pipe
        try mint.run()
        let token = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        mint.waitUntilExit()
        #expect(mint.terminationStatus == 0)

        let outcome = try Tokengate.run(
            ["verify", "--config", config, "--route", "api", token], in: workspace)
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.error.contains("allowed by allow #1 (issuer hs)"), "\(outcome.error)")
    }
}
