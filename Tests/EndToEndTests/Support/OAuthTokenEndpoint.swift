import Foundation

/// The stand-in OAuth 2.0 token endpoint of `Tests/Fixtures/upstream/oauth_token_endpoint.py`,
/// run with python3 on a port of 127.0.0.1 that it picks itself.
///
/// It grants the client credentials grant to one client, answering with a token the test
/// minted (`{"access_token", "token_type": "Bearer", "expires_in"}`), and records every
/// request it gets, read back with `records()`. It is stopped by PID when `stop` is called
/// or the last reference goes.
final class OAuthTokenEndpoint {
    /// The port it listens on.
    let port: Int
    private let directory: TemporaryDirectory
    private let child: ChildProcess

    /// The script, found from this source file's place in the repository.
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/upstream/oauth_token_endpoint.py").path

    /// Starts an endpoint that gives `token` to the client `clientID` with `clientSecret`,
    /// saying it expires in `expiresIn` seconds, and waits until it listens.
    init(clientID: String, clientSecret: String, token: String, expiresIn: Int = 300) throws {
        guard let python = ProgramSearch.find("python3") else {
            throw HarnessError("python3 is not on PATH (Debian package python3)")
        }
        directory = try TemporaryDirectory(prefix: "oauth")
        let secretPath = try directory.write(clientSecret, to: "client-secret")
        let tokenPath = try directory.write(token, to: "token")
        child = try ChildProcess(
            executable: python,
            arguments: [
                Self.scriptPath, "--client-id", clientID, "--client-secret-file", secretPath,
                "--token-file", tokenPath, "--expires-in", "\(expiresIn)",
                "--port-file", directory.path("port"), "--record", directory.path("records"),
            ], directory: directory, name: "oauth")
        port = try PortFile.wait(in: directory, for: child, what: "the OAuth token endpoint")
    }

    deinit {
        child.stop()
    }

    /// `http://127.0.0.1:PORT/token`, a client's `token_url`.
    var tokenURL: String { "http://127.0.0.1:\(port)/token" }

    /// Every request received so far, in order.
    func records() throws -> [TokenRequestRecord] {
        try directory.read("records").split(separator: "\n").map { line in
            try JSONDecoder().decode(TokenRequestRecord.self, from: Data(line.utf8))
        }
    }

    /// Stops the endpoint.
    func stop() {
        child.stop()
    }
}

/// One request to the token endpoint as it read it (the secret left out).
struct TokenRequestRecord: Decodable, Equatable {
    /// The method.
    var method: String
    /// The request target.
    var path: String
    /// The client id it presented, if any.
    var clientID: String?
    /// How it authenticated: `basic`, `body` (form parameters) or `none`.
    var clientAuthentication: String
    /// The form's `grant_type`, if any.
    var grantType: String?
    /// The form's `scope`, if any.
    var scope: String?
    /// The status the endpoint answered with.
    var status: Int

    enum CodingKeys: String, CodingKey {
        case method, path, scope, status
        case clientID = "client_id"
        case clientAuthentication = "client_auth"
        case grantType = "grant_type"
    }
}
