import Foundation
import Testing

/// `tokengate demo` as a newcomer runs it: it prints three curl commands and runs them, with
/// the answers and decision lines the contract promises, and the commands it prints work
/// when pasted into a shell; Ctrl-C stops it cleanly (DESIGN.md, "Command line").
@Suite struct DemoTests {
    /// Waits up to `timeout` for the demo's output to hold `text`.
    static func waitForOutput(
        _ demo: ChildProcess, containing text: String, timeout: Duration = .seconds(20)
    ) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let output = demo.standardOutput
            if output.contains(text) { return output }
            guard demo.isRunning, ContinuousClock.now < deadline else {
                throw HarnessError(
                    "the demo did not print \(text): \(output)\n\(demo.standardError)")
            }
            usleep(50_000)
        }
    }

    @Test func runsTheMainJobAndItsPrintedCommandsWork() throws {
        let directory = try TemporaryDirectory(prefix: "demo")
        let demo = try ChildProcess(
            executable: try TokengateBinary.path(), arguments: ["demo"], directory: directory,
            name: "demo")
        defer { demo.stop() }
        let output = try Self.waitForOutput(demo, containing: "until Ctrl-C")

        let commands = output.split(separator: "\n").filter { $0.hasPrefix("curl ") }
        #expect(commands.count == 3, "an allowed, a denied and an expired request")
        for status in ["HTTP 200", "HTTP 403", "HTTP 401"] {
            #expect(output.contains(status))
        }
        let lines = try AccessLogReader.logfmtLines(in: output)
        #expect(lines.map { $0["decision"] } == ["allow", "deny", "unauthenticated"])
        #expect(
            lines.map { $0["reason"] } == [
                "allow #1", "allow #1: claims.repository", "token expired",
            ])
        #expect(output.contains(#""X-Scope-OrgID":"acme""#), "the tenant set from the token")
        #expect(!output.contains(#""Authorization""#), "the credential stays at the proxy")

        // Pasted into a shell, the first command is allowed again and its line follows.
        let allowed = try ShellCommand.run(String(commands[0]), timeout: .seconds(10))
        #expect(allowed.standardOutput.hasSuffix("HTTP 200\n"), "\(allowed)")
        let denied = try ShellCommand.run(String(commands[1]), timeout: .seconds(10))
        #expect(denied.standardOutput.hasSuffix("HTTP 403\n"), "\(denied)")
        let deadline = ContinuousClock.now + .seconds(5)
        while try AccessLogReader.logfmtLines(in: demo.standardOutput).count < 5,
            ContinuousClock.now < deadline
        {
            usleep(50_000)
        }
        #expect(try AccessLogReader.logfmtLines(in: demo.standardOutput).count == 5)

        // The printed mint and verify commands work from a shell without tokengate on PATH.
        let printed = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let mint = try #require(printed.first { $0.contains(" mint --key ") })
        let verify = try #require(printed.first { $0.contains(" verify --config ") })
        let minted = try ShellCommand.run(
            "export PATH=/usr/bin:/bin; token=$(\(mint)) && "
                + verify.replacingOccurrences(of: " TOKEN", with: " \"$token\""),
            timeout: .seconds(10))
        #expect(minted.status == 0, "\(minted)")
        #expect(minted.standardError.contains("allowed by allow #1 (issuer demo)"), "\(minted)")

        let folder = output.firstMatch(of: /configuration is (\S+)\/proxy\.conf/)?.1
        kill(demo.pid, SIGINT)
        #expect(demo.waitForExit(timeout: .seconds(5)), "Ctrl-C stops it")
        #expect(demo.exitedTermination?.status == 0)
        if let folder {
            #expect(!FileManager.default.fileExists(atPath: String(folder)), "it cleans up")
        } else {
            Issue.record("the demo did not name its configuration file")
        }
    }
}
