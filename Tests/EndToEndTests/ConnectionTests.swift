import Testing

/// Connection handling and response framing through the built daemon: keep-alive,
/// pipelining, HTTP/1.0, bodies in both directions, and responses that have none.
@Suite struct ConnectionTests {
    /// A daemon with one `auth off` route for every path to one echo upstream.
    static func catchAll() throws -> ProxyFixture {
        try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("all", path: "/", to: upstreams["echo"]!)
        }
    }

    @Test func servesTwoRequestsOnOneKeptAliveConnection() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let client = try fixture.daemon.connect()
        let host = fixture.daemon.authority

        client.send(RawRequest.text("GET", "/one", host: host))
        let first = try client.readResponse()
        client.send(RawRequest.text("GET", "/two", host: host))
        let second = try client.readResponse()

        #expect([first.status, second.status] == [200, 200])
        #expect(first.value(of: "connection")?.lowercased() != "close")
        #expect(try fixture.targets(seenBy: "echo") == ["/one", "/two"])
    }

    @Test func answersThreePipelinedRequestsInOrder() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let client = try fixture.daemon.connect()
        let host = fixture.daemon.authority

        client.send(
            RawRequest.text("GET", "/p/1/sleep/150", host: host)
                + RawRequest.text("POST", "/p/2", host: host, body: "two")
                + RawRequest.text("GET", "/p/3", host: host, fields: [("Connection", "close")]))
        let responses = try client.readResponses(to: ["GET", "POST", "GET"])

        #expect(responses.map(\.status) == [200, 200, 200])
        let targets = try responses.map { try $0.jsonObject()["target"] as? String }
        #expect(targets == ["/p/1/sleep/150", "/p/2", "/p/3"])
        #expect(client.isClosedByPeer())
    }

    @Test func closesAnHTTP10ConnectionThatDidNotAskToStayOpen() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let client = try fixture.daemon.connect()

        client.send("GET /old HTTP/1.0\r\nHost: \(fixture.daemon.authority)\r\n\r\n")
        let reply = client.readUntilClose()

        #expect(try reply.response().status == 200)
        #expect(reply.isClosed, "\(reply)")
    }

    @Test func keepsAnHTTP10ConnectionThatAskedForKeepAlive() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let client = try fixture.daemon.connect()
        let request = "GET /old HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n"

        client.send(request)
        let first = try client.readResponse()
        client.send(request)
        let second = try client.readResponse()

        #expect([first.status, second.status] == [200, 200])
        #expect(first.value(of: "connection")?.lowercased() == "keep-alive")
    }

    @Test func endsAResponseOfUnknownLengthToAnHTTP10ClientByClosing() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let client = try fixture.daemon.connect()

        client.send("GET /chunked/10000 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let reply = client.readUntilClose()
        let response = try reply.response()

        #expect(response.status == 200)
        #expect(!response.isChunked)
        #expect(response.body == Self.pattern(10000))
        #expect(reply.isClosed, "\(reply)")
    }

    @Test func relaysAChunkedResponseToAnHTTP11Client() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }

        let response = try fixture.daemon.get("/chunked/300000")

        #expect(response.status == 200)
        #expect(response.body == Self.pattern(300_000))
    }

    @Test func answersHEADWithTheUpstreamsContentLengthAndNoBody() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let client = try fixture.daemon.connect()
        let host = fixture.daemon.authority

        client.send(
            RawRequest.text("HEAD", "/bytes/1000", host: host)
                + RawRequest.text("GET", "/after", host: host))
        let responses = try client.readResponses(to: ["HEAD", "GET"])

        #expect(responses.map(\.status) == [200, 200])
        #expect(responses[0].values(of: "content-length") == ["1000"])
        #expect(try responses[1].jsonObject()["target"] as? String == "/after")
        #expect(try fixture.upstream("echo").records().map(\.method) == ["HEAD", "GET"])
    }

    @Test func answers204And304WithoutBodies() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let client = try fixture.daemon.connect()
        let host = fixture.daemon.authority

        client.send(
            RawRequest.text("GET", "/status/204", host: host)
                + RawRequest.text("GET", "/status/304", host: host)
                + RawRequest.text("GET", "/after", host: host))
        let responses = try client.readResponses(to: ["GET", "GET", "GET"])

        #expect(responses.map(\.status) == [204, 304, 200])
        #expect(responses[0].values(of: "content-length") == [])
        #expect(responses[0].values(of: "transfer-encoding") == [])
        #expect(responses[1].values(of: "transfer-encoding") == [])
        #expect(responses[1].values(of: "etag") == ["\"v1\""])
        #expect(try responses[2].jsonObject()["target"] as? String == "/after")
    }

    @Test func closesTheClientConnectionWhenTheUpstreamBreaksOffItsBody() throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let client = try fixture.daemon.connect()

        client.send(RawRequest.text("GET", "/close-mid-body", host: fixture.daemon.authority))
        let reply = client.readUntilClose()

        #expect(reply.isClosed, "\(reply)")
        #expect(reply.text.hasPrefix("HTTP/1.1 200"))
        #expect((try? reply.response()) == nil, "a cut body passed for a whole one: \(reply)")
    }

    @Test(arguments: [
        (framing: "Content-Length", length: 1_000_000),
        (framing: "chunked", length: 1_000_000),
        (framing: "chunked", length: 0),
    ])
    func forwardsRequestBodiesWhole(framing: String, length: Int) throws {
        let fixture = try Self.catchAll()
        defer { fixture.stop() }
        let body = Self.pattern(length)
        let client = try fixture.daemon.connect()
        var request = Array("PUT /upload HTTP/1.1\r\nHost: \(fixture.daemon.authority)\r\n".utf8)
        if framing == "chunked" {
            request += Array("Transfer-Encoding: chunked\r\n\r\n".utf8)
            for start in stride(from: 0, to: length, by: 70_000) {
                let piece = body[start..<min(start + 70_000, length)]
                request += Array((String(piece.count, radix: 16) + ";ext=1\r\n").utf8) + piece
                request += Array("\r\n".utf8)
            }
            request += Array("0\r\nX-Trailer: t\r\n\r\n".utf8)
        } else {
            request += Array("Content-Length: \(length)\r\n\r\n".utf8) + body
        }

        client.send(request)
        let response = try client.readResponse()

        #expect(response.status == 200)
        let record = try fixture.upstream("echo").onlyRecord()
        #expect(record.bodyLength == length)
        #expect(record.bodySHA256 == (try SHA256Sum.hex(of: body)))
    }

    /// The bytes the echo upstream sends for `/bytes/N` and `/chunked/N`.
    static func pattern(_ count: Int) -> [UInt8] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        return (0..<count).map { alphabet[$0 % alphabet.count] }
    }
}
