import Foundation
import JOSE
import Testing

/// `proxy.conf.example` is accepted by `tokengate check` as shipped and with its options
/// switched on, and the decision README.md shows for it is the one `tokengate verify` makes.
@Suite struct ExampleConfigurationTests {
    let workspace: Workspace
    let example: ExampleConfiguration

    init() throws {
        workspace = try Workspace()
        example = try ExampleConfiguration()
    }

    /// Runs `tokengate check` on `text`, written to `proxy.conf` in the workspace.
    private func check(_ text: String) throws -> (path: String, outcome: ProcessOutcome) {
        let path = try workspace.write(text, to: "proxy.conf")
        return (path, try Tokengate.run(["check", "--config", path], in: workspace))
    }

    @Test func checksAsShipped() throws {
        try #require(example.text != example.original, "the example names no /etc/tokengate file")
        let (path, outcome) = try check(example.text)
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output == "\(path): ok, 4 routes, 3 issuers\n")
        #expect(outcome.error.isEmpty)
    }

    @Test func checksWithEveryOptionSwitchedOn() throws {
        let switchedOn = example.withOptionsSwitchedOn
        let added =
            ExampleConfiguration.directives(in: switchedOn).count
            - ExampleConfiguration.directives(in: example.text).count
        try #require(added > 0, "no option is switched off in the example")
        let (path, outcome) = try check(switchedOn)
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output == "\(path): ok, 4 routes, 3 issuers\n")
    }

    /// What the example must show: the directives of the three jobs and of operating them.
    @Test func usesTheDirectivesOfTheThreeJobs() {
        let names = Set(
            ExampleConfiguration.directives(in: example.withOptionsSwitchedOn).map(\.name))
        let wanted: Set = [
            "listen", "tls", "certificate", "key", "admin", "log_format", "access_log", "limits",
            "issuer", "audience", "jwks_file", "algorithms", "route", "host", "path", "methods",
            "upstream", "issuers", "allow", "set_header", "max_body", "preserve_host",
            "token_from", "expiry_grace", "response_header", "auth",
        ]
        #expect(wanted.subtracting(names).isEmpty, "missing: \(wanted.subtracting(names))")
    }

    /// `check` really reads every line: a misspelt directive anywhere is an error at its
    /// name.
    @Test func reportsAnyMisspeltDirective() throws {
        let text = example.withOptionsSwitchedOn
        let directives = ExampleConfiguration.directives(in: text)
        try #require(directives.count >= 40, "only \(directives.count) directives found")
        for directive in directives {
            let misspelt = directive.name + String(directive.name.suffix(1))
            let (path, outcome) = try check(
                ExampleConfiguration.misspelling(directive, in: text))
            #expect(outcome.status == 1, "\(directive)")
            let place = "\(path):\(directive.line):\(directive.column)"
            #expect(
                outcome.errorLines.contains("\(place): unknown directive \"\(misspelt)\""),
                "\(directive): \(outcome.error)")
        }
    }

    /// The troubleshooting section of README.md: Prometheus of `monitoring` passes the Mimir
    /// route, that of another namespace is denied with the values that decided.
    @Test func verifyExplainsTheMimirRoute() throws {
        let config = try workspace.write(example.text, to: "proxy.conf")
        let key = ExampleConfiguration.fixtures.appendingPathComponent("cluster-a.key.pem").path
        func decide(namespace: String) throws -> ProcessOutcome {
            let token = try workspace.mint(
                key: key,
                claims: #"{"iss":"https://kubernetes.default.svc.cluster.local","#
                    + #""aud":["mimir"],"sub":"system:serviceaccount:\#(namespace):prometheus","#
                    + #""kubernetes.io":{"namespace":"\#(namespace)","#
                    + #""serviceaccount":{"name":"prometheus"}}}"#)
            return try Tokengate.run(
                ["verify", "--config", config, "--route", "mimir-push", token], in: workspace)
        }

        let allowed = try decide(namespace: "monitoring")
        #expect(allowed.status == 0, "\(allowed.error)")
        #expect(allowed.errorLines == ["allowed by allow #1 (issuer cluster-a)"])
        #expect(
            allowed.outputObject?["sub"] == .string("system:serviceaccount:monitoring:prometheus"))

        let denied = try decide(namespace: "default")
        #expect(denied.status == 1)
        #expect(
            denied.errorLines == [
                #"allow #1: claims.sub is "system:serviceaccount:default:prometheus", "#
                    + #"wants "system:serviceaccount:monitoring:prometheus""#
            ])
    }
}
