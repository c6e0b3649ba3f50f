import Foundation
import Testing

/// Where issuer keys come from, and what the daemon answers while it has none: a key set
/// file, a key set URL, OIDC discovery, rotation to a new `kid`, a source that never
/// answered, one `iss` under two issuer blocks, the trailing-slash hint, and `check` on a
/// broken expression (DESIGN.md, "Configuration" and "On the wire"; F09, F10, F25).
extension AuthenticationTests {
    /// How an issuer block finds its keys.
    enum KeySource: String, CaseIterable, Sendable, CustomStringConvertible {
        /// `jwks_file`.
        case file
        /// `jwks_url` of the JWKS server.
        case url
        /// `issuer http://127.0.0.1:PORT` and nothing else: OIDC discovery.
        case discovery

        var description: String { rawValue }

        /// The issuer block's directives for keys served by `server` or held in
        /// `keySetPath`.
        func directives(server: KeySetServer, keySetPath: String) -> [String] {
            switch self {
            case .file:
                ["issuer \(AuthenticatedProxy.issuer)", "jwks_file \(keySetPath)"]
            case .url:
                ["issuer \(AuthenticatedProxy.issuer)", "jwks_url \(server.origin)/jwks"]
            case .discovery:
                ["issuer \(server.origin)"]
            }
        }

        /// The `iss` of the tokens.
        func issuer(server: KeySetServer) -> String {
            self == .discovery ? server.origin : AuthenticatedProxy.issuer
        }

        /// The paths the daemon fetches from the server at start.
        var fetchedPaths: [String] {
            switch self {
            case .file: []
            case .url: ["/jwks"]
            case .discovery: ["/.well-known/openid-configuration", "/jwks"]
            }
        }
    }

    @Test(arguments: KeySource.allCases)
    func acceptsATokenWhoseKeysComeFrom(source: KeySource) throws {
        let key = try IssuerKey(keyID: "k1")
        let server = try KeySetServer(keySet: try key.keySet())
        defer { server.stop() }
        let issuer = source.issuer(server: server)
        let proxy = try AuthenticatedProxy(key: key, keysLoadedFor: issuer) { context in
            ConfigurationText.listen
                + ConfigurationText.issuer(
                    "local",
                    source.directives(server: server, keySetPath: context.keySetPath)
                        + ["audience \(AuthenticatedProxy.audience)"])
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: context.upstreams["echo"]!, ["allow true"])
        }
        defer { proxy.stop() }
        let token = try proxy.token(iss: issuer)

        let response = try proxy.daemon.get(
            "/api/x", fields: [("Authorization", "Bearer \(token)")])

        #expect(response.status == 200, "\(response.bodyText)")
        #expect(try proxy.upstream().onlyRecord().target == "/api/x")
        #expect(server.requestedPaths() == source.fetchedPaths)
    }

    /// F09: a token with the new `kid` starts one refresh, the requests that arrive during
    /// it wait and pass, and junk `kid`s within `kid_miss_interval` fetch nothing more.
    ///
    /// The bursts go to `/held`, whose policy refuses every token: 403 there shows that a
    /// token passed the key check (401 that it did not) without a hundred connections to
    /// the echo upstream, whose listen backlog of five would stall them.
    @Test func acceptsANewKeyIDAfterOneRefreshWhenTheIssuerRotatesF09() throws {
        let old = try IssuerKey(keyID: "k1")
        let new = try IssuerKey(keyID: "k2")
        let junk = try IssuerKey(keyID: "nope")
        let server = try KeySetServer(keySet: try old.keySet())
        defer { server.stop() }
        let proxy = try AuthenticatedProxy(key: old) { context in
            ConfigurationText.listen
                + ConfigurationText.issuer(
                    "rotating",
                    [
                        "issuer \(AuthenticatedProxy.issuer)", "jwks_url \(server.origin)/jwks",
                        "audience \(AuthenticatedProxy.audience)",
                    ])
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: context.upstreams["echo"]!, ["allow true"])
                + ConfigurationText.authenticatedRoute(
                    "held", path: "/held", to: context.upstreams["echo"]!, ["allow false"])
        }
        defer { proxy.stop() }
        let claims = TokenClaims.text(
            iss: AuthenticatedProxy.issuer, aud: AuthenticatedProxy.audience)
        let newToken = try new.mint(claims: claims)
        let burst = 100

        let before = try proxy.daemon.get(
            "/api/old", fields: [("Authorization", "Bearer \(try old.mint(claims: claims))")])
        let fetchesBefore = server.requestedPaths()
        try server.publish(try IssuerKey.keySet(of: [old, new]))
        let rotated = try Self.concurrently(burst, "/held/new", token: newToken, proxy)
        let fetchesAfterRotation = server.requestedPaths()
        let passed = try proxy.daemon.get(
            "/api/new", fields: [("Authorization", "Bearer \(newToken)")])
        let junkAnswers = try Self.concurrently(
            burst, "/held/junk", token: try junk.mint(claims: claims), proxy)

        #expect(before.status == 200)
        #expect(fetchesBefore == ["/jwks"])
        let refused = rotated.filter { $0.status != 403 }.map { "\($0.status) \($0.bodyText)" }
        #expect(
            refused.count == 0,
            "\(refused.count) of \(burst) requests with the new kid got \(Set(refused))")
        #expect(fetchesAfterRotation == ["/jwks", "/jwks"])
        #expect(passed.status == 200)
        #expect(try proxy.upstream().records().map(\.target) == ["/api/old", "/api/new"])
        #expect(junkAnswers.allSatisfy { $0.status == 401 })
        #expect(server.requestedPaths() == ["/jwks", "/jwks"])
    }

    /// F25: with keys never loaded, the answer is 503 with `Retry-After`, which Prometheus
    /// and Docker retry, never a 401 that makes them give up.
    @Test(arguments: [KeySource.url, .discovery])
    func answers503WithRetryAfterWhileKeysWereNeverLoadedF25(source: KeySource) throws {
        let deadPort = try FreePort.next()
        let issuer =
            source == .discovery ? "http://127.0.0.1:\(deadPort)" : AuthenticatedProxy.issuer
        let keySource =
            source == .discovery ? [] : ["jwks_url http://127.0.0.1:\(deadPort)/jwks"]
        let proxy = try AuthenticatedProxy(keysLoadedFor: nil) { context in
            ConfigurationText.listen
                + ConfigurationText.issuer(
                    "down",
                    ["issuer \(issuer)", "audience \(AuthenticatedProxy.audience)"] + keySource)
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: context.upstreams["echo"]!, ["allow true"])
        }
        defer { proxy.stop() }
        let token = try proxy.token(iss: issuer)

        // Long enough for the first fetch to fail: the keys were never loaded, rather than
        // still loading.
        Thread.sleep(forTimeInterval: 0.3)
        let response = try proxy.daemon.get(
            "/api/x", fields: [("Authorization", "Bearer \(token)")])

        #expect(response.status == 503, "\(response.bodyText)")
        let retryAfter = response.values(of: "retry-after")
        #expect(retryAfter.count == 1 && (Int(retryAfter[0]) ?? 0) > 0, "\(retryAfter)")
        #expect(response.values(of: "www-authenticate") == [])
        #expect(try proxy.upstream().records().isEmpty)
    }

    /// Two issuer blocks may name one `iss` with different audiences; a route that lists
    /// both takes a token for either, decided by the first block that accepts it.
    @Test(arguments: [
        (audience: "audience-a", status: 200, block: "a"),
        (audience: "audience-b", status: 200, block: "b"),
        (audience: "audience-c", status: 401, block: nil),
    ])
    func acceptsATokenForEitherAudienceOfTwoBlocksWithOneIssuer(
        audience: String, status: Int, block: String?
    ) throws {
        let proxy = try AuthenticatedProxy { context in
            ConfigurationText.listen
                + context.issuerBlock("a", audience: "audience-a")
                + context.issuerBlock("b", audience: "audience-b")
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: context.upstreams["echo"]!,
                    ["issuers a b", "allow true", "set_header X-Issuer-Block ${issuer}"])
        }
        defer { proxy.stop() }
        let token = try proxy.token(aud: audience)

        let response = try proxy.daemon.get(
            "/api/x", fields: [("Authorization", "Bearer \(token)")])

        #expect(response.status == status)
        let blocks = try proxy.upstream().records().map { $0.values(of: "x-issuer-block") }
        #expect(blocks == (block.map { [[$0]] } ?? []))
    }

    /// F10: authentik publishes its issuer with a trailing slash; a token without it (or
    /// the other way round) is refused, and the description says why.
    @Test(arguments: [
        (
            configured: "https://auth.example/application/o/app/",
            tokenIssuer: "https://auth.example/application/o/app"
        ),
        (
            configured: "https://auth.example/application/o/app",
            tokenIssuer: "https://auth.example/application/o/app/"
        ),
    ])
    func refusesAnIssuerThatDiffersByATrailingSlashAndSaysSoF10(
        configured: String, tokenIssuer: String
    ) throws {
        let proxy = try AuthenticatedProxy(keysLoadedFor: configured) { context in
            ConfigurationText.listen + context.issuerBlock(issuer: configured)
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: context.upstreams["echo"]!, ["allow true"])
        }
        defer { proxy.stop() }
        let token = try proxy.token(iss: tokenIssuer)

        let response = try proxy.daemon.get(
            "/api/x", fields: [("Authorization", "Bearer \(token)")])

        #expect(response.status == 401)
        let description = try #require(try response.errorMembers().description)
        #expect(description.contains("trailing slash"), "\(description)")
        let challenge = response.values(of: "www-authenticate").first ?? ""
        #expect(challenge.hasPrefix(#"Bearer error="invalid_token""#), "\(challenge)")
        #expect(challenge.contains("trailing slash"), "\(challenge)")
        #expect(try proxy.upstream().records().isEmpty)
    }

    // MARK: Configuration errors

    /// An expression error is reported at its line and column (the first word that does not
    /// parse, or one past the end when the expression ends early), and `run` refuses it.
    @Test(arguments: [
        (expression: "claims.x ==", offending: String?.none),
        (expression: #"claims.x == "a" &&"#, offending: nil),
        (expression: #"claims.x == "a" "b""#, offending: #""b""#),
    ])
    func reportsAnExpressionErrorAtItsColumnAndRunRefusesIt(
        expression: String, offending: String?
    ) throws {
        let directory = try TemporaryDirectory(prefix: "check")
        let keySetPath = try directory.write(try IssuerKey(keyID: "k1").keySet(), to: "jwks.json")
        let allowLine = "    allow " + expression
        let lines = [
            "listen 127.0.0.1:\(try FreePort.next())",
            "issuer local {",
            "    issuer \(AuthenticatedProxy.issuer)",
            "    jwks_file \(keySetPath)",
            "    audience \(AuthenticatedProxy.audience)",
            "}",
            "route api {",
            "    path /api",
            "    upstream http://127.0.0.1:9",
            allowLine,
            "}",
        ]
        let path = try directory.write(lines.joined(separator: "\n") + "\n", to: "proxy.conf")
        let column =
            offending.flatMap { word in
                allowLine.range(of: word, options: .backwards).map {
                    allowLine.distance(from: allowLine.startIndex, to: $0.lowerBound) + 1
                }
            } ?? allowLine.count + 1
        let location = "\(path):\(lines.firstIndex(of: allowLine)! + 1):\(column): "

        let check = try TokengateCommand.run(["check", "--config", path])
        let run = try TokengateCommand.run(["run", "--config", path], timeout: .seconds(5))

        #expect(check.status == 1, "\(check)")
        #expect(check.standardError.contains(location), "wanted \(location) in \(check)")
        #expect(run.status == 1, "\(run)")
        #expect(run.standardError.contains(location), "wanted \(location) in \(run)")
    }

    // MARK: Helpers

    /// Sends `count` requests for `target` with `token` on as many connections, all before
    /// reading any answer, so that they reach the daemon together; returns the answers.
    static func concurrently(
        _ count: Int, _ target: String, token: String, _ proxy: AuthenticatedProxy
    ) throws -> [HTTPResponse] {
        let clients = try (0..<count).map { _ in try proxy.daemon.connect() }
        let request = RawRequest.text(
            "GET", target, host: proxy.daemon.authority,
            fields: [("Authorization", "Bearer \(token)")])
        for client in clients { client.send(request) }
        return try clients.map { try $0.readResponse(timeout: .seconds(10)) }
    }
}
