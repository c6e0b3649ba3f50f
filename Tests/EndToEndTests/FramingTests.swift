import Testing

/// Requests whose framing two readers could take two ways, sent to the built daemon with an
/// echo upstream behind it: each is refused, its connection closed, nothing of it reaches
/// the upstream, and the daemon goes on serving (field cases F29, F30).
@Suite struct FramingTests {
    @Test(arguments: SmugglingCase.corpus)
    func refusesAmbiguousRequestsAndClosesWithoutForwarding(_ smuggled: SmugglingCase)
        throws
    {
        let upstream = try EchoUpstream()
        let daemon = try TokengateDaemon(configuration: Self.catchAllConfiguration(upstream))
        defer { daemon.stop() }

        let client = try daemon.connect()
        client.send(smuggled.request)
        let reply = client.readUntilClose(timeout: .seconds(2))
        client.close()
        let response = try reply.response()
        #expect(response.status == smuggled.status, "\(reply)")
        #expect(reply.isClosed, "the connection stayed open: \(reply)")
        #expect((try? response.jsonObject())?["error"] != nil, "no JSON error body: \(reply)")

        let after = try daemon.get("/after")
        #expect(after.status == 200, "the daemon stopped serving after \(smuggled.name)")
        let records = try upstream.records()
        #expect(records.map(\.target) == ["/after"], "\(smuggled.name) reached the upstream")
        if !smuggled.isInBody {
            #expect(upstream.log.isEmpty, "a fault in the head began an upstream request")
        }
    }

    @Test func routesAnAbsoluteFormTargetByItsHostAndPath() throws {
        let hostless = try EchoUpstream(name: "hostless")
        let named = try EchoUpstream(name: "named")
        let daemon = try TokengateDaemon(
            configuration: """
                listen 127.0.0.1:{PORT}
                route named {
                    host     api.example.com
                    path     /v1
                    upstream \(named.origin)
                    auth     off
                }
                route hostless {
                    path     /
                    upstream \(hostless.origin)
                    auth     off
                }
                """)
        defer { daemon.stop() }

        let response = try daemon.exchange(
            "GET http://API.example.com/v1/x?q=1 HTTP/1.1\r\nHost: api.example.com\r\n\r\n")
        #expect(response.status == 200)
        #expect(try named.onlyRecord().target == "/v1/x?q=1")
        #expect(try hostless.records().isEmpty)
    }

    @Test func routesAnHTTP10AbsoluteFormTargetWithoutHost() throws {
        let hostless = try EchoUpstream(name: "hostless")
        let named = try EchoUpstream(name: "named")
        let daemon = try TokengateDaemon(
            configuration: """
                listen 127.0.0.1:{PORT}
                route named {
                    host     api.example.com
                    path     /
                    upstream \(named.origin)
                    auth     off
                }
                route hostless {
                    path     /
                    upstream \(hostless.origin)
                    auth     off
                }
                """)
        defer { daemon.stop() }

        let response = try daemon.exchange("GET http://api.example.com/x HTTP/1.0\r\n\r\n")
        #expect(response.status == 200)
        #expect(try named.onlyRecord().target == "/x")
        #expect(try hostless.records().isEmpty)
    }

    /// One `auth off` route for every path, to `upstream`.
    static func catchAllConfiguration(_ upstream: EchoUpstream) -> String {
        """
        listen 127.0.0.1:{PORT}
        route all {
            path     /
            upstream \(upstream.origin)
            auth     off
        }
        """
    }
}
