import Foundation
import Testing

/// The admin listener through the built daemon: `/healthz`, `/metrics` whose counters move
/// with traffic, and `/readyz` that follows the issuers' first key fetches and turns 503
/// while the proxy drains (DESIGN.md, "Operating it").
@Suite struct AdminTests {
    /// `GET path` on the admin listener at `port`.
    static func get(_ path: String, port: Int) throws -> HTTPResponse {
        let client = try RawClient(port: port)
        defer { client.close() }
        client.send(RawRequest.text("GET", path, host: "127.0.0.1:\(port)"))
        return try client.readResponse()
    }

    /// The value of the sample `series` (name and labels exactly as written) on the page.
    static func sample(_ page: String, _ series: String) -> Double? {
        for line in page.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// A daemon with an admin listener, one issuer over a key set file and an `allow true`
    /// route, plus `extra` configuration.
    static func proxy(adminPort: Int, extra: (AuthenticatedProxy.Context) -> String = { _ in "" })
        throws -> AuthenticatedProxy
    {
        try AuthenticatedProxy { context in
            ConfigurationText.listen + "admin 127.0.0.1:\(adminPort)\n" + context.issuerBlock()
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: context.upstreams["echo"]!, ["allow true"])
                + extra(context)
        }
    }

    @Test func metricsCountRequestsByRouteStatusAndDecision() throws {
        let adminPort = try FreePort.next()
        let proxy = try Self.proxy(adminPort: adminPort)
        defer { proxy.stop() }
        #expect(try Self.get("/healthz", port: adminPort).status == 200)
        let before = try Self.get("/metrics", port: adminPort).bodyText
        let bearer = try proxy.bearer()
        for _ in 0..<2 { #expect(try proxy.daemon.get("/api/x", fields: [bearer]).status == 200) }
        #expect(try proxy.daemon.get("/api/x").status == 401)

        let page = try Self.get("/metrics", port: adminPort).bodyText
        let allowed = #"tokengate_requests_total{route="api",status="200",decision="allow"}"#
        let refused =
            #"tokengate_requests_total{route="api",status="401",decision="unauthenticated"}"#
        #expect(Self.sample(page, allowed) == 2)
        #expect(Self.sample(page, refused) == 1)
        #expect(Self.sample(page, #"tokengate_request_duration_seconds_count{route="api"}"#) == 3)
        #expect(
            Self.sample(page, #"tokengate_request_duration_seconds_bucket{route="api",le="+Inf"}"#)
                == 3)
        #expect(Self.sample(page, #"tokengate_upstream_response_seconds_count{route="api"}"#) == 2)
        func lookups(_ page: String) -> Double {
            (Self.sample(page, "tokengate_token_cache_hits_total") ?? -9)
                + (Self.sample(page, "tokengate_token_cache_misses_total") ?? -9)
        }
        #expect(lookups(page) - lookups(before) == 2, "the token looked up once per request")
        #expect(Self.sample(page, #"tokengate_key_set_loaded{issuer="local"}"#) == 1)
        #expect(
            Self.sample(page, #"tokengate_key_fetches_total{issuer="local",result="success"}"#)
                ?? 0 >= 1)
        #expect(Self.sample(page, #"tokengate_key_set_age_seconds{issuer="local"}"#) != nil)
        #expect(page.contains("# TYPE tokengate_requests_total counter"))

        #expect(try proxy.daemon.get("/api/y", fields: [bearer]).status == 200)
        let later = try Self.get("/metrics", port: adminPort).bodyText
        #expect(Self.sample(later, allowed) == 3, "the counter moves with traffic")
        #expect(try Self.get("/nothing", port: adminPort).status == 404)
    }

    @Test func readyzWaitsForEveryIssuersFirstFetchButNotForItsKeys() throws {
        let adminPort = try FreePort.next()
        let silent = try KeySetServer(keySet: #"{"keys":[]}"#)
        defer { silent.stop() }
        let proxy = try Self.proxy(adminPort: adminPort) { _ in
            ConfigurationText.issuer(
                "slow",
                ["issuer https://slow.test", "jwks_url \(silent.origin)/silent", "audience x"])
        }
        defer { proxy.stop() }
        let early = try Self.get("/readyz", port: adminPort)
        #expect(early.status == 503)
        #expect(early.bodyText.contains("first key fetch not finished: slow"))

        // The silent source makes the fetch give up after its 10 seconds.
        let deadline = ContinuousClock.now + .seconds(15)
        var late = early
        while late.status == 503, ContinuousClock.now < deadline {
            usleep(200_000)
            late = try Self.get("/readyz", port: adminPort)
        }
        #expect(late.status == 200, "one issuer's outage keeps no instance out")
        #expect(late.bodyText.contains("issuers without keys: slow"))
    }

    @Test func readyzIsUnavailableWhileARequestDrains() throws {
        let adminPort = try FreePort.next()
        let proxy = try Self.proxy(adminPort: adminPort)
        defer { proxy.stop() }
        #expect(try Self.get("/readyz", port: adminPort).status == 200)
        let client = try proxy.daemon.connect()
        defer { client.close() }
        client.send(
            RawRequest.text(
                "GET", "/api/sleep/2000", host: proxy.daemon.authority,
                fields: [try proxy.bearer()]))
        usleep(300_000)
        proxy.daemon.send(signal: SIGTERM)
        usleep(300_000)
        let draining = try Self.get("/readyz", port: adminPort)
        #expect(draining.status == 503)
        #expect(draining.bodyText.contains("draining"))
        #expect((try? proxy.daemon.connect()) == nil, "the proxy listener accepts no more")
        #expect(try client.readResponse().status == 200, "the request in flight finishes")
        let deadline = ContinuousClock.now + .seconds(5)
        while proxy.daemon.isRunning, ContinuousClock.now < deadline { usleep(50_000) }
        let termination = proxy.daemon.stop()
        #expect(!termination.neededKill && termination.status == 0, "then it exits 0")
    }
}

/// Requests still running when `shutdown_timeout` ends are cut, and logged as such.
@Suite struct ShutdownCutTests {
    @Test func logsARequestCutAtTheEndOfShutdownTimeout() throws {
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen + "limits {\n    shutdown_timeout 1s\n}\n"
                + ConfigurationText.route("a", path: "/a", to: upstreams["echo"]!)
        }
        defer { fixture.stop() }
        let daemon = fixture.daemon
        let client = try daemon.connect()
        defer { client.close() }
        client.send(RawRequest.text("GET", "/a/sleep/6000", host: daemon.authority))
        usleep(300_000)
        let started = ContinuousClock.now
        daemon.send(signal: SIGTERM)
        let deadline = started + .seconds(5)
        while daemon.isRunning, ContinuousClock.now < deadline { usleep(50_000) }
        #expect(!daemon.isRunning, "it exits once shutdown_timeout has passed")
        #expect(ContinuousClock.now - started < .seconds(4))
        let lines = try AccessLogReader.logfmtLines(in: daemon.log)
        let cut = lines.first { $0["path"] == "/a/sleep/6000" }
        #expect(cut?["decision"] == "error", "\(lines)")
        #expect(cut?["reason"] == "connection closed before the response ended")
        #expect(daemon.log.contains("connections_cut=1"))
    }
}
