import Foundation
import Testing

/// `tokengate verify --config --route`: the whole decision of a route, offline.
@Suite struct RouteVerifyTests {
    let workspace: Workspace
    let key: String
    let config: String

    init() throws {
        workspace = try Workspace()
        key = try workspace.generateKey(.p256, named: "issuer.pem")
        let jwks = try workspace.writeKeySet(of: key, keyID: "k1")
        config = try workspace.write(
            """
            listen 127.0.0.1:1
            issuer ci {
                issuer    https://ci.example
                jwks_file \(jwks)
                audience  loki
            }
            route rules {
                path     /loki/api/v1/rules
                upstream http://127.0.0.1:3100
                allow    claims.repository == "acme/alerts" && claims.ref == "refs/heads/main"
                set_header X-Scope-OrgID ${claims.tenant}
            }
            """, to: "proxy.conf")
    }

    func token(repository: String, tenant: String = "\"acme\"") throws -> String {
        try workspace.mint(
            key: key,
            claims: #"{"iss":"https://ci.example","aud":"loki","repository":"\#(repository)","#
                + #""ref":"refs/heads/main","tenant":\#(tenant)}"#, ["--kid", "k1"])
    }

    @Test(arguments: ["not-a-token", "x.y.z", "a.b"])
    func saysAMalformedTokenIsMalformed(token: String) throws {
        let outcome = try Tokengate.run(
            ["verify", "--config", config, "--route", "rules", token], in: workspace)
        #expect(outcome.status == 1)
        #expect(outcome.error.hasPrefix("malformed token"), "\(outcome.error)")
    }

    @Test func decidesOnThePathAsTheProxyNormalisesIt() throws {
        let pathConfig = try workspace.write(
            (try String(contentsOfFile: config, encoding: .utf8))
                .replacingOccurrences(
                    of: #"allow    claims.repository == "acme/alerts" && "#
                        + #"claims.ref == "refs/heads/main""#,
                    with: "allow    request.path.startsWith(\"/loki/api/v1/rules/team\")"),
            to: "path.conf")
        let token = try token(repository: "acme/alerts")
        func verify(_ path: String) throws -> ProcessOutcome {
            try Tokengate.run(
                ["verify", "--config", pathConfig, "--route", "rules", "--path", path, token],
                in: workspace)
        }
        #expect(try verify("/loki/api/v1/rules/x/../team%2Fns").status == 0)
        let above = try verify("/../x")
        #expect(above.status == 1)
        #expect(above.error.hasPrefix("the proxy answers 400"), "\(above.error)")
    }

    @Test func printsTheClaimsAndTheRuleThatAllowed() throws {
        let outcome = try Tokengate.run(
            [
                "verify", "--config", config, "--route", "rules",
                try token(repository: "acme/alerts"),
            ],
            in: workspace)
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.outputObject?["repository"]?.stringValue == "acme/alerts")
        #expect(outcome.error.contains("allow #1"), "\(outcome.error)")
    }

    @Test func namesTheRuleAndTheValuesThatDenied() throws {
        let outcome = try Tokengate.run(
            [
                "verify", "--config", config, "--route", "rules",
                try token(repository: "acme/other"),
            ],
            in: workspace)
        #expect(outcome.status == 1)
        #expect(
            outcome.error.contains(
                #"allow #1: claims.repository is "acme/other", wants "acme/alerts""#),
            "\(outcome.error)")
    }

    @Test func deniesATemplateWhoseClaimIsNotAString() throws {
        let outcome = try Tokengate.run(
            [
                "verify", "--config", config, "--route", "rules",
                try token(repository: "acme/alerts", tenant: "[1]"),
            ], in: workspace)
        #expect(outcome.status == 1)
        #expect(outcome.error.contains("X-Scope-OrgID"), "\(outcome.error)")
    }

    @Test func refusesAnExpiredTokenWithTheTime() throws {
        let expired = try workspace.mint(
            key: key,
            claims: #"{"iss":"https://ci.example","aud":"loki","exp":1700000000}"#, ["--kid", "k1"])
        let outcome = try Tokengate.run(
            ["verify", "--config", config, "--route", "rules", expired], in: workspace)
        #expect(outcome.status == 1)
        #expect(outcome.error.contains("token expired at 2023-11-14T22:13:20Z"), "\(outcome.error)")
    }

    @Test func refusesAnUnknownRouteAsAUsageError() throws {
        let outcome = try Tokengate.run(
            ["verify", "--config", config, "--route", "nope", "a.b.c"], in: workspace)
        #expect(outcome.status == 2)
    }
}
