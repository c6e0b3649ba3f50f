import Testing

/// What tokengate adds, drops and rewrites between client and upstream (DESIGN.md "On the
/// wire": hop-by-hop fields, `X-Forwarded-*`, `X-Request-Id`, `Host`, `Location`,
/// `response_header`).
@Suite struct ForwardingTests {
    /// One `auth off` route for every path.
    static func catchAll(_ upstreams: [String: EchoUpstream], _ directives: String...) -> String {
        ConfigurationText.listen
            + ConfigurationText.route(
                "all", path: "/", upstreamURL: upstreams["echo"]!.origin, directives)
    }

    @Test func dropsHopByHopFieldsAndTheFieldsConnectionNames() throws {
        let fixture = try ProxyFixture { Self.catchAll($0) }
        defer { fixture.stop() }

        let response = try fixture.daemon.get(
            "/hop",
            fields: [
                ("Connection", "keep-alive, X-Custom"), ("X-Custom", "secret"),
                ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Trailer", "X-Checksum"),
                ("Proxy-Authorization", "Basic dTpw"), ("Proxy-Connection", "keep-alive"),
                ("X-Kept", "yes"),
            ])

        #expect(response.status == 200)
        let record = try fixture.upstream("echo").onlyRecord()
        for name in [
            "X-Custom", "Keep-Alive", "TE", "Trailer", "Proxy-Authorization", "Proxy-Connection",
        ] {
            #expect(record.values(of: name) == [], "\(name) was forwarded")
        }
        #expect(!record.values(of: "connection").joined().lowercased().contains("x-custom"))
        #expect(record.values(of: "x-kept") == ["yes"])
    }

    @Test(arguments: [
        (sent: [String](), expected: "127.0.0.1"),
        (sent: ["203.0.113.7"], expected: "203.0.113.7, 127.0.0.1"),
        (sent: ["203.0.113.7", "198.51.100.2"], expected: "203.0.113.7, 198.51.100.2, 127.0.0.1"),
    ])
    func appendsTheClientToXForwardedForAndReplacesProtoAndHost(
        sent: [String], expected: String
    ) throws {
        let fixture = try ProxyFixture { Self.catchAll($0) }
        defer { fixture.stop() }

        let response = try fixture.daemon.get(
            "/forwarded", host: "app.example.com:8443",
            fields: sent.map { ("X-Forwarded-For", $0) } + [
                ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil.example"),
            ])

        #expect(response.status == 200)
        let record = try fixture.upstream("echo").onlyRecord()
        #expect(record.values(of: "x-forwarded-for").joined(separator: ", ") == expected)
        #expect(record.values(of: "x-forwarded-proto") == ["http"])
        #expect(record.values(of: "x-forwarded-host") == ["app.example.com:8443"])
    }

    @Test func passesTheClientsRequestIdOn() throws {
        let fixture = try ProxyFixture { Self.catchAll($0) }
        defer { fixture.stop() }

        let response = try fixture.daemon.get("/id", fields: [("X-Request-Id", "req-abc-123")])

        #expect(response.status == 200)
        #expect(
            try fixture.upstream("echo").onlyRecord().values(of: "x-request-id") == [
                "req-abc-123"
            ])
    }

    @Test func createsADifferentRequestIdForEachRequestWithoutOne() throws {
        let fixture = try ProxyFixture { Self.catchAll($0) }
        defer { fixture.stop() }

        _ = try fixture.daemon.get("/first")
        _ = try fixture.daemon.get("/second")

        let identifiers = try fixture.upstream("echo").records().map {
            $0.values(of: "x-request-id")
        }
        #expect(identifiers.count == 2)
        #expect(identifiers.allSatisfy { $0.count == 1 && !$0[0].isEmpty })
        #expect(identifiers.first != identifiers.last)
    }

    @Test func sendsTheClientsHostOnlyWithPreserveHost() throws {
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route(
                    "keep", path: "/keep", to: upstreams["echo"]!, "preserve_host on")
                + ConfigurationText.route("plain", path: "/plain", to: upstreams["echo"]!)
        }
        defer { fixture.stop() }
        let echo = try fixture.upstream("echo")

        _ = try fixture.daemon.get("/keep", host: "registry.example.com:5443")
        _ = try fixture.daemon.get("/plain", host: "registry.example.com:5443")

        let hosts = try echo.records().map { $0.values(of: "host") }
        #expect(hosts == [["registry.example.com:5443"], [echo.authority]])
    }

    @Test func leavesAuthorizationAloneOnAnAuthOffRoute() throws {
        let fixture = try ProxyFixture { Self.catchAll($0) }
        defer { fixture.stop() }

        _ = try fixture.daemon.get("/auth", fields: [("Authorization", "Bearer not.a.token")])

        #expect(
            try fixture.upstream("echo").onlyRecord().values(of: "authorization") == [
                "Bearer not.a.token"
            ])
    }

    @Test func rewritesALocationOnTheUpstreamsOriginToTheClientsOriginF21() throws {
        let fixture = try ProxyFixture { Self.catchAll($0) }
        defer { fixture.stop() }
        let daemon = fixture.daemon
        let uploads = "/v2/acme/app/blobs/uploads/"
        let rest = "/v2/acme/app/blobs/uploads/5b6c?_state=q1%2Bz"

        let own = try daemon.exchange(
            RawRequest.text("POST", uploads + "redirect", host: daemon.authority, body: ""))
        let named = try daemon.exchange(
            RawRequest.text(
                "POST", uploads + "redirect", host: "registry.example.com:5443", body: ""))
        let away = try daemon.get("/redirect-away")

        #expect(own.status == 202)
        #expect(own.values(of: "location") == [daemon.origin + rest])
        #expect(named.values(of: "location") == ["http://registry.example.com:5443" + rest])
        #expect(away.values(of: "location") == ["http://registry.example.net/elsewhere?x=1"])
    }

    @Test func replacesTheUpstreamsFieldWithResponseHeader() throws {
        let fixture = try ProxyFixture {
            Self.catchAll($0, "response_header X-Upstream-Name gate", "response_header X-Added yes")
        }
        defer { fixture.stop() }

        let response = try fixture.daemon.get("/any")

        #expect(response.status == 200)
        #expect(response.values(of: "x-upstream-name") == ["gate"])
        #expect(response.values(of: "x-added") == ["yes"])
    }

    @Test func setsResponseHeaderOnTokengatesOwnErrorsToo() throws {
        let deadPort = try FreePort.next()
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route(
                    "read", path: "/read", upstreamURL: upstreams["echo"]!.origin,
                    ["methods GET", "response_header X-Route read"])
                + ConfigurationText.route(
                    "dead", path: "/dead", upstreamURL: "http://127.0.0.1:\(deadPort)",
                    ["response_header X-Route dead"])
        }
        defer { fixture.stop() }

        let notAllowed = try fixture.daemon.exchange(
            RawRequest.text("DELETE", "/read", host: fixture.daemon.authority))
        let badGateway = try fixture.daemon.get("/dead")

        #expect(notAllowed.status == 405)
        #expect(notAllowed.values(of: "x-route") == ["read"])
        #expect(badGateway.status == 502)
        #expect(badGateway.values(of: "x-route") == ["dead"])
    }
}
