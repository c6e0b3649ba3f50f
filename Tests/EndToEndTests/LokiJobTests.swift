import Foundation
import Testing

/// The first of issue 5's jobs, Loki for GitHub Actions (DESIGN.md, "The three jobs"),
/// through the built daemon to the Loki STAND-IN of `LokiStandIn` (no Loki can be
/// installed here).
///
/// A workflow step's `curl`, with a GitHub-shaped token, pushes a rule group to the ruler
/// under the namespace `team%2Fns`: only `acme/alerts` on `refs/heads/main` may, and the
/// tenant is set by tokengate. Log lines pushed through tokengate come back from a streamed
/// `query_range` and over the tail's WebSocket, which carries the token's tenant, not the
/// client's.
@Suite struct LokiJobTests {
    /// The audience of acme's workflows (GitHub's default: the owner's URL).
    static let audience = "https://github.com/acme"

    /// The ruler namespace, one path segment with an encoded `/`.
    static let namespace = "team%2Fns"

    /// The rule group the workflow pushes.
    static let rules = """
        name: deploy-alerts
        interval: 1m
        rules:
          - alert: DeployFailed
            expr: sum(count_over_time({job="github-actions"} |= "deploy failed" [5m])) > 0
            for: 2m
            labels:
              severity: page
        """

    /// Who may write rules: DESIGN.md's `loki-rules` example.
    static let rulesPolicy =
        #"allow claims.repository == "acme/alerts" && claims.ref == "refs/heads/main""#

    /// The stream selector of the pushed lines, and its labels.
    static let selector = #"{job="github-actions"}"#
    static let streamLabels = ["job": "github-actions", "repository": "acme/alerts"]

    /// The Loki stand-in, and tokengate with a `github` issuer over a key set file and one
    /// route for each of Loki's APIs the job uses; plus a directory for workflow steps.
    final class Setup {
        /// The Loki stand-in.
        let loki: LokiStandIn
        /// The issuer's key, its key set file and the daemon.
        let proxy: AuthenticatedProxy
        /// Where workflow steps run and keep their files.
        let workspace: TemporaryDirectory

        /// Starts the stand-in, then the daemon, and waits for the issuer's keys.

        init() throws {
            let loki = try LokiStandIn()
            self.loki = loki
            workspace = try TemporaryDirectory(prefix: "workflow")
            proxy = try AuthenticatedProxy(keysLoadedFor: GitHubActionsClaims.issuer) { context in
                let issuer = ConfigurationText.issuer(
                    "github",
                    [
                        "issuer \(GitHubActionsClaims.issuer)", "jwks_file \(context.keySetPath)",
                        "audience \(LokiJobTests.audience)", "algorithms ES256",
                    ])
                let tenantFromToken = "set_header X-Scope-OrgID ${claims.repository_owner}"
                let acme = #"allow claims.repository_owner == "acme""#
                return ConfigurationText.listen + issuer
                    + Setup.route(
                        "loki-rules", path: "/loki/api/v1/rules", upstream: loki.origin,
                        [LokiJobTests.rulesPolicy, "set_header X-Scope-OrgID acme"])
                    + Setup.route(
                        "loki-push", path: "/loki/api/v1/push", upstream: loki.origin,
                        ["methods POST", acme, tenantFromToken])
                    + Setup.route(
                        "loki-query", path: "/loki/api/v1/query_range", upstream: loki.origin,
                        ["methods GET", acme, tenantFromToken])
                    + Setup.route(
                        "loki-tail", path: "/loki/api/v1/tail", upstream: loki.tailOrigin,
                        ["methods GET", acme, tenantFromToken])
            }
        }

        /// A route of the `github` issuer called `name`, with further `directives`.
        static func route(
            _ name: String, path: String, upstream: String, _ directives: [String]
        ) -> String {
            let lines =
                ["route \(name) {", "    path \(path)", "    upstream \(upstream)"]
                + ["    issuers github"] + directives.map { "    " + $0 } + ["}"]
            return lines.joined(separator: "\n") + "\n"
        }

        /// A token of a push run of `repository` on `ref`.
        func token(
            repository: String = "acme/alerts", ref: String = "refs/heads/main",
            audience: String? = nil
        ) throws -> String {
            let claims = GitHubActionsClaims(repository: repository, ref: ref, audience: audience)
            return try proxy.key.mint(claims: claims.text)
        }

        /// Runs `script` as a workflow step would: in the workspace, `$TOKEN` holding `token`
        /// and `$LOKI` tokengate's origin.
        func step(_ script: String, token: String) throws -> ShellCommand.Result {
            let environment = "export TOKEN='\(token)' LOKI='\(proxy.daemon.origin)'"
            return try ShellCommand.run(
                "cd '\(workspace.url.path)'\n\(environment)\n\(script)", timeout: .seconds(20))
        }

        /// Pushes `line` at `nanoseconds` with the stream labels through tokengate, as a
        /// step would, sending a tenant of its own that tokengate must replace; returns
        /// curl's status line (`204`).
        func push(_ line: String, at nanoseconds: String, token: String) throws -> String {
            let body: [String: Any] = [
                "streams": [
                    ["stream": LokiJobTests.streamLabels, "values": [[nanoseconds, line]]]
                ]
            ]
            let data = try JSONSerialization.data(withJSONObject: body)
            try workspace.write(String(decoding: data, as: UTF8.self), to: "push.json")
            let result = try step(
                #"curl -fsS -H "Authorization: Bearer $TOKEN" -H "X-Scope-OrgID: intruder" "#
                    + #"-H "Content-Type: application/json" --data-binary @push.json "#
                    + #"-w '%{http_code}' "$LOKI/loki/api/v1/push""#, token: token)
            guard result.status == 0 else { throw HarnessError("the push failed: \(result)") }
            return result.standardOutput
        }

        /// Stops the daemon, then the stand-in.
        func stop() {
            proxy.stop()
            loki.stop()
        }
    }

    /// Now as Unix nanoseconds, as Loki's timestamps are written.
    static func nanosecondsNow(minus seconds: Int = 0) -> String {
        String(Int64((Date().timeIntervalSince1970 - Double(seconds)) * 1e9))
    }

    // MARK: Rules

    @Test func aWorkflowOfAcmeAlertsOnMainPushesRulesIntoTheNamespaceOfTheTenant() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let token = try setup.token()
        try setup.workspace.write(Self.rules, to: "rules.yaml")

        let pushed = try setup.step(
            #"curl -fsS -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/yaml" "#
                + #"--data-binary @rules.yaml -o reply.json -w '%{http_code}' "#
                + #""$LOKI/loki/api/v1/rules/\#(Self.namespace)""#, token: token)

        #expect(pushed.status == 0, "\(pushed)")
        #expect(pushed.standardOutput == "202", "\(pushed)")
        let reply = try JSONSerialization.jsonObject(
            with: Data(setup.workspace.read("reply.json").utf8))
        #expect((reply as? [String: Any])?["status"] as? String == "success", "\(reply)")
        let record = try #require(try setup.loki.requests().first)
        #expect(record.method == "POST")
        #expect(record.target == "/loki/api/v1/rules/\(Self.namespace)")
        #expect(record.values(of: "x-scope-orgid") == ["acme"])
        #expect(record.values(of: "authorization").isEmpty)
        #expect(record.values(of: "content-type") == ["application/yaml"])
        #expect(record.body == Self.rules)

        let listed = try setup.step(
            #"curl -fsS -H "Authorization: Bearer $TOKEN" -D head.txt "$LOKI/loki/api/v1/rules" "#
                + #"| /usr/bin/python3 -c 'import json, sys, yaml; "#
                + #"print(json.dumps(yaml.safe_load(sys.stdin)))'"#, token: token)

        #expect(listed.status == 0, "\(listed)")
        #expect(
            setup.workspace.read("head.txt").lowercased().contains("content-type: application/yaml")
        )
        let listing = try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8))
        let namespaces = try #require(listing as? [String: [[String: Any]]], "\(listing)")
        #expect(Array(namespaces.keys) == ["team/ns"])
        let group = try #require(namespaces["team/ns"]?.first)
        #expect(group["name"] as? String == "deploy-alerts")
        let rule = try #require((group["rules"] as? [[String: Any]])?.first)
        #expect(rule["alert"] as? String == "DeployFailed")
        #expect(
            rule["expr"] as? String
                == #"sum(count_over_time({job="github-actions"} |= "deploy failed" [5m])) > 0"#)
        #expect(try setup.loki.requests().map(\.status) == [202, 200])
    }

    /// A run that may not write rules, and what its refusal must name.
    struct RefusedRun: CustomTestStringConvertible {
        var name: String
        var repository = "acme/alerts"
        var ref = "refs/heads/main"
        var audience: String?
        var status = 403
        /// A part of the refusal's `error_description`.
        var reason: String

        var testDescription: String { name }
    }

    static let refusedRuns = [
        RefusedRun(
            name: "another repository", repository: "acme/webapp",
            reason: "allow #1: claims.repository"),
        RefusedRun(
            name: "another branch", ref: "refs/heads/feature", reason: "allow #1: claims.ref"),
        RefusedRun(
            name: "a pull request", ref: "refs/pull/7/merge", reason: "allow #1: claims.ref"),
        RefusedRun(
            name: "another owner's audience", audience: "https://github.com/umbrella", status: 401,
            reason: "wrong aud"),
    ]

    /// The step fails as `curl --fail-with-body` fails, and nothing reaches Loki.
    @Test(arguments: refusedRuns)
    func refusesRulesFromAnyOtherRunBeforeTheyReachLoki(run: RefusedRun) throws {
        let setup = try Setup()
        defer { setup.stop() }
        let token = try setup.token(
            repository: run.repository, ref: run.ref, audience: run.audience)
        try setup.workspace.write(Self.rules, to: "rules.yaml")

        let result = try setup.step(
            #"curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" "#
                + #"-H "Content-Type: application/yaml" --data-binary @rules.yaml "#
                + #"-o reply.json -w '%{http_code}' "#
                + #""$LOKI/loki/api/v1/rules/\#(Self.namespace)""#, token: token)

        #expect(result.status == 22, "\(result)")
        #expect(result.standardOutput == String(run.status), "\(result)")
        let reply = setup.workspace.read("reply.json")
        #expect(reply.contains(run.reason), "\(reply)")
        let reached = try setup.loki.requests().compactMap(\.target)
        #expect(reached.isEmpty, "\(reached)")
    }

    // MARK: Logs

    @Test func aPushedLineComesBackFromAStreamedQueryRange() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let token = try setup.token()
        let stamp = Self.nanosecondsNow()
        let start = Self.nanosecondsNow(minus: 60)
        let line = "deploy 42 of acme/alerts finished"

        #expect(try setup.push(line, at: stamp, token: token) == "204")
        let result = try setup.step(
            #"curl -fsS -G -H "Authorization: Bearer $TOKEN" -H "X-Scope-OrgID: intruder" "#
                + #"--data-urlencode 'query=\#(Self.selector)' "#
                + #"--data-urlencode start=\#(start) "#
                + #"--data-urlencode limit=10 --data-urlencode direction=forward "#
                + #"-D head.txt -o reply.json -w '%{http_code}' "#
                + #""$LOKI/loki/api/v1/query_range""#, token: token)

        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput == "200")
        let head = setup.workspace.read("head.txt").lowercased()
        #expect(head.contains("transfer-encoding: chunked"), "\(head)")
        #expect(head.contains("content-type: application/json"), "\(head)")
        let reply = try JSONDecoder().decode(
            QueryRangeReply.self, from: Data(setup.workspace.read("reply.json").utf8))
        #expect(reply.status == "success")
        #expect(reply.data.resultType == "streams")
        #expect(
            reply.data.result == [LokiStream(stream: Self.streamLabels, values: [[stamp, line]])])
        let requests = try setup.loki.requests()
        #expect(requests.map(\.method) == ["POST", "GET"])
        #expect(requests.map { $0.values(of: "x-scope-orgid") } == [["acme"], ["acme"]])
        // curl escapes in lower case, and the query passes untouched.
        #expect(
            requests.last?.target == "/loki/api/v1/query_range?query=%7bjob%3d%22github-actions"
                + "%22%7d&start=\(start)&limit=10&direction=forward")
    }

    // MARK: Tail

    /// The key of RFC 6455 §1.3's example handshake, and the accept value it must get back.
    static let webSocketKey = "dGhlIHNhbXBsZSBub25jZQ=="
    static let webSocketAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    /// Sends the tail's WebSocket upgrade with `authorization` and a tenant of the
    /// client's own, and reads the answer's head.
    static func openTail(
        through daemon: TokengateDaemon, authorization: String?, start: String
    ) throws -> (StreamingClient, HTTPResponse) {
        let query = "%7Bjob%3D%22github-actions%22%7D"
        let client = try StreamingClient(port: daemon.port)
        var fields = [
            ("Connection", "Upgrade"), ("Upgrade", "websocket"),
            ("Sec-WebSocket-Key", webSocketKey), ("Sec-WebSocket-Version", "13"),
            ("X-Scope-OrgID", "intruder"),
        ]
        if let authorization { fields.append(("Authorization", authorization)) }
        client.send(
            RawRequest.text(
                "GET", "/loki/api/v1/tail?query=\(query)&start=\(start)&limit=10",
                host: daemon.authority, fields: fields))
        return (client, try client.readHead())
    }

    @Test func theTailCarriesTheTenantOfTheTokenAndRelaysFramesBothWays() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let token = try setup.token()
        let start = Self.nanosecondsNow(minus: 60)
        let earlier = Self.nanosecondsNow()
        #expect(try setup.push("build started", at: earlier, token: token) == "204")

        let (client, head) = try Self.openTail(
            through: setup.proxy.daemon, authorization: "Bearer \(token)", start: start)
        defer { client.close() }

        try #require(head.status == 101, "\(head.headers) \(setup.proxy.daemon.log)")
        #expect(head.value(of: "sec-websocket-accept") == Self.webSocketAccept)
        // The stand-in records the handshake before it answers.
        let opened = try #require(try setup.loki.records().first { $0.kind == "tail-open" })
        #expect(opened.values(of: "x-scope-orgid") == ["acme"])
        #expect(opened.values(of: "authorization").isEmpty)
        let history = try TailFrame.read(from: client)
        #expect(
            history.streams == [
                LokiStream(stream: Self.streamLabels, values: [[earlier, "build started"]])
            ])
        let later = Self.nanosecondsNow()
        #expect(try setup.push("build finished", at: later, token: token) == "204")
        let live = try TailFrame.read(from: client)
        #expect(
            live.streams == [
                LokiStream(stream: Self.streamLabels, values: [[later, "build finished"]])
            ])
        client.send(WebSocketFrame.text("still watching").maskedBytes())
        let echoed = try WebSocketFrame.readMessage(from: client, timeout: .seconds(5))
        #expect(echoed == .text("still watching"))
        client.send(WebSocketFrame.close(code: 1000).maskedBytes())
        let closing = try WebSocketFrame.readMessage(from: client, timeout: .seconds(5))
        #expect(closing.closeCode == 1000, "\(closing)")

        let message = try setup.loki.waitForRecord { $0.kind == "tail-message" }
        #expect(message?.text == "still watching")
        let closed = try setup.loki.waitForRecord { $0.kind == "tail-closed" }
        #expect(closed?.code == 1000)
    }

    @Test func refusesATailWithoutATokenBeforeItReachesLoki() throws {
        let setup = try Setup()
        defer { setup.stop() }

        let (client, head) = try Self.openTail(
            through: setup.proxy.daemon, authorization: nil, start: Self.nanosecondsNow())
        defer { client.close() }

        #expect(head.status == 401)
        #expect(head.values(of: "www-authenticate") == [#"Bearer realm="tokengate""#])
        #expect(try setup.loki.records().isEmpty)
    }
}
