import Testing

/// A WebSocket upgrade for Loki's tail through the built daemon to a WebSocket echo (field
/// case F26): the `101` passes, frames flow both ways untouched, the client's headers reach
/// the upstream, and a close on either side closes the other.
@Suite struct WebSocketTests {
    /// The target of a Loki tail request, its LogQL query escaped.
    static let tailTarget = "/loki/api/v1/tail?query=%7Bjob%3D%22varlogs%22%7D&limit=10"

    /// The key of RFC 6455 §1.3's example handshake, and the accept value it must get back.
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="
    static let accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    /// The WebSocket echo and a daemon whose `auth off` route for Loki's tail leads to it.
    final class Setup {
        let upstream: WebSocketUpstream
        let daemon: TokengateDaemon

        init() throws {
            upstream = try WebSocketUpstream()
            daemon = try TokengateDaemon(
                configuration: ConfigurationText.listen
                    + ConfigurationText.route(
                        "loki-tail", path: "/loki/api/v1/tail", upstreamURL: upstream.origin))
        }

        /// Opens a WebSocket on Loki's tail and returns the client and the `101`.
        func open() throws -> (StreamingClient, HTTPResponse) {
            let client = try StreamingClient(port: daemon.port)
            client.send(
                RawRequest.text(
                    "GET", WebSocketTests.tailTarget, host: daemon.authority,
                    fields: [
                        ("Connection", "Upgrade"), ("Upgrade", "websocket"),
                        ("Sec-WebSocket-Key", WebSocketTests.key),
                        ("Sec-WebSocket-Version", "13"), ("X-Scope-OrgID", "tenant-a"),
                    ]))
            return (client, try client.readHead())
        }

        func stop() {
            daemon.stop()
            upstream.stop()
        }
    }

    @Test func logsTheBytesATunnelCarriedEachWay() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let (client, head) = try setup.open()
        #expect(head.status == 101)
        let text = String(repeating: "x", count: 3000)
        client.send(WebSocketFrame.text(text).maskedBytes())
        #expect(try WebSocketFrame.readMessage(from: client) == .text(text))
        client.close()
        let line = try AccessLogReader.waitForLine(
            { try AccessLogReader.logfmtLines(in: setup.daemon.log) },
            where: { $0["route"] == "loki-tail" })
        #expect(line["status"] == "101")
        #expect(Int(line["bytes_in"] ?? "") ?? 0 >= 3000, "\(line)")
        #expect(Int(line["bytes_out"] ?? "") ?? 0 >= 3000, "\(line)")
    }

    @Test func relaysTheLokiTailUpgradeAndFramesBothWays() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let (client, head) = try setup.open()
        defer { client.close() }

        #expect(head.status == 101)
        #expect(head.value(of: "upgrade")?.lowercased() == "websocket")
        #expect(head.value(of: "sec-websocket-accept") == Self.accept)
        let texts = ["{\"streams\":[]}", "second", "", String(repeating: "é", count: 200)]
        for text in texts {
            client.send(WebSocketFrame.text(text).maskedBytes())
            #expect(try WebSocketFrame.readMessage(from: client) == .text(text))
        }
        let large = WebSocketFrame.text(String(repeating: "0123456789abcdef", count: 65536))
        client.send(large.maskedBytes())
        let echoed = try WebSocketFrame.readMessage(from: client)
        #expect(echoed.payload.count == large.payload.count)
        #expect(echoed == large, "the 1 MiB message came back changed")

        let opened = try #require(try setup.upstream.records().first)
        #expect(opened.event == "open")
        #expect(opened.path == Self.tailTarget)
        #expect(opened.values(of: "x-scope-orgid") == ["tenant-a"])
        #expect(opened.values(of: "sec-websocket-key") == [Self.key])
    }

    /// The client's Close frame reaches the upstream, the upstream's answer reaches the
    /// client, and the daemon then closes the client's connection; a client that just
    /// drops its connection has the upstream's dropped too.
    @Test(arguments: [true, false])
    func closesTheUpstreamWhenTheClientCloses(withCloseFrame: Bool) throws {
        let setup = try Setup()
        defer { setup.stop() }
        let (client, head) = try setup.open()
        try #require(head.status == 101)
        client.send(WebSocketFrame.text("before closing").maskedBytes())
        #expect(try WebSocketFrame.readMessage(from: client) == .text("before closing"))

        if withCloseFrame {
            client.send(WebSocketFrame.close(code: 1000).maskedBytes())
            let answer = try WebSocketFrame.readMessage(from: client)
            #expect(answer.closeCode == 1000, "\(answer)")
            #expect(client.readUntilClose(timeout: .seconds(3)).isClosed)
        } else {
            client.close()
        }

        let code = try setup.upstream.closeCode(within: .seconds(3))
        #expect(code == (withCloseFrame ? 1000 : 1006), "\(setup.upstream.log)")
    }

    /// An upstream that ends the session, with a Close frame or by dropping its
    /// connection, has the client's connection closed by the daemon.
    @Test(arguments: ["close-from-upstream", "drop-from-upstream"])
    func closesTheClientWhenTheUpstreamCloses(command: String) throws {
        let setup = try Setup()
        defer { setup.stop() }
        let (client, head) = try setup.open()
        try #require(head.status == 101)

        client.send(WebSocketFrame.text(command).maskedBytes())
        if command == "close-from-upstream" {
            let closing = try WebSocketFrame.readMessage(from: client)
            #expect(closing.closeCode == 1001, "\(closing)")
            client.send(WebSocketFrame.close(code: 1001).maskedBytes())
        }
        let rest = client.readUntilClose(timeout: .seconds(3))

        #expect(rest.isClosed, "the client's connection stayed open: \(rest)")
        #expect(rest.bytes.isEmpty, "\(rest)")
        #expect(try setup.upstream.closeCode(within: .seconds(3)) != nil)
    }
}

/// Only WebSocket is tunnelled: any other `Upgrade` (h2c, a made-up protocol) is forwarded
/// as a plain request without its hop-by-hop `Upgrade`, so that no upstream that accepts it
/// can turn the connection into a tunnel past the route's path and headers.
@Suite struct OtherUpgradeTests {
    @Test(arguments: ["h2c", "tls/1.3", "x-raw-tcp"])
    func forwardsAnotherUpgradeAsAPlainRequest(protocolName: String) throws {
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("api", path: "/api", to: upstreams["echo"]!)
        }
        defer { fixture.stop() }
        let response = try fixture.daemon.get(
            "/api/x", fields: [("Connection", "Upgrade"), ("Upgrade", protocolName)])
        #expect(response.status == 200)
        let record = try fixture.upstream("echo").onlyRecord()
        #expect(record.values(of: "upgrade").isEmpty, "\(record.headers)")
        #expect(
            !record.values(of: "connection").contains { $0.lowercased().contains("upgrade") })
    }
}
