import Foundation
import JOSE

/// One of the demo's curl requests: a token, the command that sends it, and what the demo
/// expects tokengate to decide.
struct DemoRequest {
    /// What the request shows, as a heading.
    let title: String
    /// The signed token.
    let token: String
    /// The URL it is sent to.
    let url: String

    /// The allowed, the denied and the expired request, with tokens signed by `key`.
    static func all(key: SigningKey, keyID: String, url: String) throws -> [DemoRequest] {
        let now = Date().timeIntervalSince1970.rounded(.down)
        // An hour, so that the printed commands still work while one tries them.
        let lifetime = 3600.0
        func token(repository: String, issuedAt: Double) throws -> String {
            var claims = JSONObject()
            claims.set("iss", .string(DemoCommand.issuer))
            claims.set("aud", .string(DemoCommand.audience))
            claims.set("sub", .string("repo:\(repository):ref:refs/heads/main"))
            claims.set("repository", .string(repository))
            claims.set("repository_owner", .string("acme"))
            claims.set("ref", .string("refs/heads/main"))
            claims.set("iat", .number(issuedAt))
            claims.set("nbf", .number(issuedAt))
            claims.set("exp", .number(issuedAt + lifetime))
            guard let token = key.mint(claims, algorithm: .es256, keyID: keyID) else {
                throw CommandOutcome.refused("tokengate demo: signing failed")
            }
            return token
        }
        return [
            DemoRequest(
                title: "Allowed: a token of acme/alerts on refs/heads/main, valid for an hour "
                    + "(expect 200)",
                token: try token(repository: "acme/alerts", issuedAt: now), url: url),
            DemoRequest(
                title: "Denied by policy: a token of acme/other (expect 403)",
                token: try token(repository: "acme/other", issuedAt: now), url: url),
            DemoRequest(
                title: "Expired: acme/alerts, but its exp passed an hour ago (expect 401)",
                token: try token(repository: "acme/alerts", issuedAt: now - 2 * lifetime),
                url: url),
        ]
    }

    /// curl's arguments for this request.
    var curlArguments: [String] {
        [
            "-sS", "-w", "\\nHTTP %{http_code}\\n", "-H", "Authorization: Bearer \(token)",
            "-H", "Content-Type: application/yaml", "--data-binary", DemoCommand.rules, url,
        ]
    }

    /// The command on one line, each argument quoted for a POSIX shell when it needs it.
    var commandLine: String {
        (["curl"] + curlArguments.map(Self.shellWord)).joined(separator: " ")
    }

    /// `text` as one shell word: bare when it holds only characters no shell reads
    /// specially, else in single quotes.
    static func shellWord(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy {
            ($0.properties.isASCIIHexDigit || ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                || "-_./:%=,@+".unicodeScalars.contains($0))
        }
        if plain && !text.isEmpty { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Prints the heading and the command, runs it, and prints what came back and the
    /// access log lines it caused.
    func show(log: DemoLogFollower) {
        Terminal.printLine("== \(title)\n\(commandLine)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl"] + curlArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            Terminal.printLine("(curl did not run: \(error); paste the command above instead)\n")
            return
        }
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        Terminal.printLine("-- response:\n" + String(decoding: bytes, as: UTF8.self))
        // The access line is written at the end of the daemon loop's turn: give it that turn.
        usleep(100_000)
        Terminal.printLine("-- access log:\n" + log.newText())
    }
}
