import Foundation
import Testing

/// SIGHUP and SIGUSR1 through the built daemon: a reload adds a route while a request in
/// flight finishes, a broken file changes nothing, a `jwks_file` is read again (and an
/// unchanged one keeps its verified tokens), and the access log is reopened after a
/// rotation (DESIGN.md, "Operating it").
@Suite struct ReloadTests {
    /// Waits up to five seconds for `condition`.
    static func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    /// One echo upstream behind route `a`, and the configuration text it was started with.
    static func fixtureWithRouteA() throws -> (ProxyFixture, String) {
        var text = ""
        let fixture = try ProxyFixture { upstreams in
            text =
                ConfigurationText.listen
                + ConfigurationText.route("a", path: "/a", to: upstreams["echo"]!)
            return text
        }
        return (fixture, text)
    }

    @Test func aReloadAddsARouteWhileARequestInFlightFinishes() throws {
        let (fixture, text) = try Self.fixtureWithRouteA()
        defer { fixture.stop() }
        let daemon = fixture.daemon
        #expect(try daemon.get("/b/x").status == 404)
        let slow = try daemon.connect()
        defer { slow.close() }
        slow.send(RawRequest.text("GET", "/a/sleep/1500", host: daemon.authority))
        usleep(200_000)

        try daemon.rewrite(
            text + ConfigurationText.route("b", path: "/b", to: try fixture.upstream("echo")))
        daemon.send(signal: SIGHUP)
        #expect(try Self.eventually { try daemon.get("/b/x").status == 200 })
        #expect(try slow.readResponse().status == 200, "the request in flight finishes")
        #expect(daemon.log.contains("msg=reloaded"))
        #expect(try fixture.targets(seenBy: "echo").contains("/b/x"))
    }

    @Test func aBrokenFileChangesNothing() throws {
        let (fixture, text) = try Self.fixtureWithRouteA()
        defer { fixture.stop() }
        let daemon = fixture.daemon
        try daemon.rewrite(
            text
                + "route b {\n    path /b\n    upstream http://127.0.0.1:9\n    auth sometimes\n}\n"
        )
        daemon.send(signal: SIGHUP)
        #expect(try Self.eventually { daemon.log.contains("reload refused") })
        #expect(daemon.log.contains("proxy.conf:10:10:"), "the problem at its line and column")
        #expect(try daemon.get("/a/x").status == 200, "the old configuration still serves")
        #expect(try daemon.get("/b/x").status == 404)
        #expect(daemon.isRunning)
    }

    @Test func aReloadReadsAChangedKeySetFileAndKeepsTokensOfAnUnchangedOne() throws {
        let adminPort = try FreePort.next()
        var keySetPath = ""
        var text = ""
        let proxy = try AuthenticatedProxy { context in
            keySetPath = context.keySetPath
            text =
                ConfigurationText.listen + "admin 127.0.0.1:\(adminPort)\n"
                + context.issuerBlock()
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: context.upstreams["echo"]!, ["allow true"])
            return text
        }
        defer { proxy.stop() }
        let daemon = proxy.daemon
        let token = try proxy.bearer()
        #expect(try daemon.get("/api/x", fields: [token]).status == 200)
        func misses() throws -> Double? {
            AdminTests.sample(
                try AdminTests.get("/metrics", port: adminPort).bodyText,
                "tokengate_token_cache_misses_total")
        }
        // Every loop has its own cache: fill each, then count.
        for _ in 0..<6 { _ = try daemon.get("/api/x", fields: [token]) }
        let missesBefore = try misses()

        // The same file and a new route: the verified token is still cached.
        try daemon.rewrite(
            text
                + ConfigurationText.route(
                    "open", path: "/open", to: try proxy.upstream(), "response_header X-New 1"))
        daemon.send(signal: SIGHUP)
        #expect(try Self.eventually { try daemon.get("/open/x").status == 200 })
        for _ in 0..<6 { #expect(try daemon.get("/api/x", fields: [token]).status == 200) }
        #expect(try misses() == missesBefore, "an unchanged issuer keeps its verified tokens")

        // A new key under the same kid: refused until the file is read again.
        let rotated = try IssuerKey(keyID: proxy.key.keyID)
        let newToken = (
            "Authorization",
            "Bearer "
                + (try rotated.mint(
                    claims: TokenClaims.text(
                        iss: AuthenticatedProxy.issuer, aud: AuthenticatedProxy.audience)))
        )
        #expect(try daemon.get("/api/x", fields: [newToken]).status == 401)
        try rotated.keySet().write(toFile: keySetPath, atomically: true, encoding: .utf8)
        daemon.send(signal: SIGHUP)
        #expect(try Self.eventually { try daemon.get("/api/x", fields: [newToken]).status == 200 })
        #expect(try daemon.get("/api/x", fields: [token]).status == 401, "the old key is gone")
    }

    /// A reload that changes one issuer block keeps the verified tokens of the others.
    @Test func aReloadKeepsTheVerifiedTokensOfUnchangedIssuers() throws {
        let adminPort = try FreePort.next()
        var route = ""
        var changedIssuers = ""
        let proxy = try AuthenticatedProxy(keysLoadedFor: nil) { context in
            route = ConfigurationText.authenticatedRoute(
                "api", path: "/api", to: context.upstreams["echo"]!, ["allow true"])
            changedIssuers =
                context.issuerBlock("a", issuer: "https://a.test")
                + context.issuerBlock(
                    "b", issuer: "https://b.test", audience: AuthenticatedProxy.audience + " other")
            return ConfigurationText.listen + "admin 127.0.0.1:\(adminPort)\n"
                + context.issuerBlock("a", issuer: "https://a.test")
                + context.issuerBlock("b", issuer: "https://b.test") + route
        }
        defer { proxy.stop() }
        let daemon = proxy.daemon
        let tokenA = ("Authorization", "Bearer " + (try proxy.token(iss: "https://a.test")))
        let tokenB = ("Authorization", "Bearer " + (try proxy.token(iss: "https://b.test")))
        #expect(try Self.eventually { try daemon.get("/api/x", fields: [tokenA]).status == 200 })
        func misses() throws -> Double {
            AdminTests.sample(
                try AdminTests.get("/metrics", port: adminPort).bodyText,
                "tokengate_token_cache_misses_total") ?? -1
        }
        // Every loop has its own cache: send enough for both to hold both tokens.
        for _ in 0..<8 {
            _ = try daemon.get("/api/x", fields: [tokenA])
            _ = try daemon.get("/api/x", fields: [tokenB])
        }
        try daemon.rewrite(
            ConfigurationText.listen + "admin 127.0.0.1:\(adminPort)\n" + changedIssuers + route)
        daemon.send(signal: SIGHUP)
        #expect(
            try Self.eventually {
                daemon.log.split(separator: "\n").filter { $0.contains("msg=reloaded") }.count == 1
            })
        let beforeA = try misses()
        for _ in 0..<8 { #expect(try daemon.get("/api/x", fields: [tokenA]).status == 200) }
        #expect(try misses() == beforeA, "issuer a did not change: its tokens stay verified")
        for _ in 0..<8 { #expect(try daemon.get("/api/x", fields: [tokenB]).status == 200) }
        #expect(try misses() > beforeA, "issuer b changed: its token is checked again")
    }

    @Test func sigusr1ReopensARotatedAccessLog() throws {
        let directory = try TemporaryDirectory(prefix: "rotate")
        let path = directory.path("access.log")
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen + "access_log \(path)\n"
                + ConfigurationText.route("a", path: "/a", to: upstreams["echo"]!)
        }
        defer { fixture.stop() }
        let daemon = fixture.daemon
        #expect(try daemon.get("/a/first").status == 200)
        #expect(try Self.eventually { directory.read("access.log").contains("path=/a/first") })
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        daemon.send(signal: SIGUSR1)
        #expect(try Self.eventually { daemon.log.contains("access log reopened") })
        #expect(try daemon.get("/a/second").status == 200)
        #expect(try Self.eventually { directory.read("access.log").contains("path=/a/second") })
        #expect(!directory.read("access.log").contains("path=/a/first"))
        #expect(!directory.read("access.log.1").contains("path=/a/second"))
    }
}

extension TokengateDaemon {
    /// Replaces the configuration file with `configuration`, its `{PORT}` the daemon's port,
    /// for a SIGHUP to read.
    func rewrite(_ configuration: String) throws {
        try configuration.replacingOccurrences(of: Self.portPlaceholder, with: String(port))
            .write(toFile: configurationPath, atomically: true, encoding: .utf8)
    }
}
