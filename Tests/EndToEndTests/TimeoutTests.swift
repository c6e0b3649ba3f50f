import Foundation
import Testing

extension ExclusiveTests {
    /// Upstreams that are down, silent, stalled or cut off, clients that go away or are too
    /// slow, and bodies over `max_body`, through the built daemon: each gets the status of
    /// the contract's table in about the time configured, and no response that broke off
    /// ever looks complete (DESIGN.md, "On the wire" and the route directives).
    @Suite(.serialized) struct TimeoutTests {
        /// A daemon with one `auth off` route for every path to one echo upstream, with the
        /// route's further `directives` and the top-level `extra` configuration.
        static func catchAll(_ directives: String..., extra: String = "") throws
            -> ProxyFixture
        {
            try ProxyFixture { upstreams in
                ConfigurationText.listen + extra
                    + ConfigurationText.route(
                        "all", path: "/", upstreamURL: upstreams["echo"]!.origin, directives)
            }
        }

        @Test func answers502AtOnceWhenNothingListensUpstream() throws {
            let port = try FreePort.next()
            let daemon = try TokengateDaemon(
                configuration: ConfigurationText.listen
                    + ConfigurationText.route(
                        "down", path: "/", upstreamURL: "http://127.0.0.1:\(port)"))
            defer { daemon.stop() }

            let started = ContinuousClock.now
            let response = try daemon.get("/anything")
            let elapsed = ContinuousClock.now - started

            #expect(response.status == 502)
            #expect(elapsed < .seconds(1), "502 after \(elapsed)")
            #expect((try? response.jsonObject())?["error"] != nil, "\(response.bodyText)")
        }

        @Test func answers504WhenTheUpstreamIsSilentPastUpstreamTimeout() throws {
            let fixture = try Self.catchAll("upstream_timeout 1s")
            defer { fixture.stop() }

            let started = ContinuousClock.now
            let response = try fixture.daemon.get("/sleep/6000")
            let elapsed = ContinuousClock.now - started

            #expect(response.status == 504)
            #expect(elapsed >= .milliseconds(800) && elapsed <= .seconds(3), "504 after \(elapsed)")
        }

        /// The upstream sends its head and part of its body, then nothing: past
        /// `upstream_idle_timeout` the client's connection is closed with the body short,
        /// and the upstream's connection is closed too.
        @Test(arguments: ["stall", "stall-chunked"])
        func cutsTheResponseWhenTheUpstreamStallsPastIdleTimeout(path: String) throws {
            let fixture = try Self.catchAll("upstream_idle_timeout 1s")
            defer { fixture.stop() }
            let client = try fixture.daemon.connect()

            let started = ContinuousClock.now
            client.send(RawRequest.text("GET", "/\(path)/50000", host: fixture.daemon.authority))
            let reply = client.readUntilClose(timeout: .seconds(6))
            let elapsed = ContinuousClock.now - started

            #expect(reply.isClosed, "\(reply)")
            #expect(reply.text.hasPrefix("HTTP/1.1 200"), "\(reply)")
            #expect(reply.bytes.count > 50000, "the part of the body sent never came: \(reply)")
            #expect((try? reply.response()) == nil, "a cut body passed for a whole one: \(reply)")
            #expect(!reply.text.hasSuffix("0\r\n\r\n"), "a last chunk was sent: \(reply)")
            #expect(elapsed >= .milliseconds(800) && elapsed <= .seconds(4), "cut after \(elapsed)")
            let upstream = try fixture.upstream("echo")
            #expect(
                Self.waitFor(within: .seconds(2)) { upstream.log.contains("stall: peer closed") },
                "the upstream's connection stayed open: \(upstream.log)")
        }

        @Test(arguments: ["/close-mid-body", "/close-mid-chunked"])
        func neverCompletesAResponseWhoseUpstreamClosesMidBody(path: String) throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }
            let client = try fixture.daemon.connect()

            client.send(RawRequest.text("GET", path, host: fixture.daemon.authority))
            let reply = client.readUntilClose()

            #expect(reply.isClosed, "\(reply)")
            #expect(reply.text.hasPrefix("HTTP/1.1 200"), "\(reply)")
            #expect((try? reply.response()) == nil, "a cut body passed for a whole one: \(reply)")
            #expect(!reply.text.hasSuffix("0\r\n\r\n"), "a last chunk was sent: \(reply)")
            #expect(try fixture.daemon.get("/after").status == 200)
        }

        @Test func abortsTheUpstreamTransferWhenTheClientGoesAway() throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }
            let upstream = try fixture.upstream("echo")
            let size = PatternBody.gibibyte
            let client = try StreamingClient(port: fixture.daemon.port)

            client.send(RawRequest.text("GET", "/stream/\(size)", host: fixture.daemon.authority))
            let head = try client.readHead()
            let received = try StreamingTests.read(1 << 20, from: client)
            client.close()

            #expect(head.status == 200)
            #expect(received == 1 << 20)
            #expect(
                Self.waitFor(within: .seconds(5)) { upstream.log.contains("aborted") },
                "the upstream went on sending: \(upstream.log)")
            #expect(!upstream.log.contains("complete"), "\(upstream.log)")
            #expect(try fixture.daemon.get("/after").status == 200)
        }

        /// A client that stops reading for longer than `upstream_idle_timeout` is not an
        /// upstream that went silent: its response arrives whole.
        @Test func keepsTheResponseOfAClientThatPausesPastIdleTimeout() throws {
            let fixture = try Self.catchAll("upstream_idle_timeout 1s")
            defer { fixture.stop() }
            let size = 16 << 20
            let client = try StreamingClient(port: fixture.daemon.port)

            client.send(RawRequest.text("GET", "/stream/\(size)", host: fixture.daemon.authority))
            let head = try client.readHead()
            var received = try StreamingTests.read(1 << 20, from: client)
            usleep(2_500_000)
            received += try StreamingTests.read(size - received, from: client)

            #expect(head.status == 200)
            #expect(received == size)
            let log = try fixture.upstream("echo").log
            #expect(log.contains("stream of \(size) bytes: sent \(size), complete"), "\(log)")
        }

        /// A client that goes away in the middle of its upload has the upstream request
        /// aborted, never completed with what came (a chunked one never gets a last chunk).
        @Test(arguments: [PatternBody.Framing.contentLength, .chunked])
        func abortsTheUpstreamRequestWhenTheClientGoesAwayMidUpload(
            framing: PatternBody.Framing
        ) throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }
            let upstream = try fixture.upstream("echo")
            let client = try StreamingClient(port: fixture.daemon.port)

            client.send(
                "PUT /upload HTTP/1.1\r\nHost: \(fixture.daemon.authority)\r\n"
                    + framing.field(for: 64 << 20) + "\r\n\r\n")
            PatternBody.send(2 << 20, framing: framing, over: client, isComplete: false)
            client.close()

            #expect(
                Self.waitFor(within: .seconds(3)) { upstream.log.contains("broke off") },
                "the upstream request was left open: \(upstream.log)")
            #expect(try upstream.records().isEmpty, "a cut upload reached the upstream whole")
            #expect(try fixture.daemon.get("/after").status == 200)
        }

        /// A body announced longer than `max_body` gets 413 before any of it is read, and
        /// never a `100 Continue` first.
        @Test(arguments: [false, true])
        func refusesAContentLengthBodyOverMaxBodyBeforeReadingIt(expectsContinue: Bool) throws {
            let fixture = try Self.catchAll("max_body 1MiB")
            defer { fixture.stop() }
            let client = try fixture.daemon.connect()
            let expect = expectsContinue ? [("Expect", "100-continue")] : []

            let started = ContinuousClock.now
            client.send(
                RawRequest.text(
                    "PUT", "/upload", host: fixture.daemon.authority,
                    fields: [("Content-Length", "\(2 << 20)")] + expect))
            let reply = client.readUntilClose(timeout: .seconds(3))
            let elapsed = ContinuousClock.now - started

            #expect(try reply.response(to: "PUT").status == 413, "\(reply)")
            #expect(reply.isClosed, "\(reply)")
            #expect(elapsed < .seconds(1), "413 after \(elapsed)")
            #expect(try fixture.upstream("echo").records().isEmpty)
        }

        /// Past `max_body`, a chunked body gets 413 without waiting for its end (or, the
        /// client's bytes still arriving, a reset), and nothing whole reaches the upstream.
        @Test func refusesAChunkedBodyOnceItCrossesMaxBody() throws {
            let fixture = try Self.catchAll("max_body 1MiB")
            defer { fixture.stop() }
            let client = try StreamingClient(port: fixture.daemon.port)
            client.send(
                "PATCH /v2/acme/app/blobs/uploads/5b6c HTTP/1.1\r\n"
                    + "Host: \(fixture.daemon.authority)\r\nTransfer-Encoding: chunked\r\n\r\n")

            let sent = PatternBody.send(
                3 << 19, framing: .chunked, over: client, isComplete: false)
            let reply = client.readUntilClose(timeout: .seconds(3))

            #expect(sent > 1 << 20, "the body never crossed max_body: \(sent) bytes went out")
            #expect(reply.isClosed, "the connection stayed open: \(reply)")
            if !reply.bytes.isEmpty {
                #expect(try reply.response(to: "PATCH").status == 413, "\(reply)")
            }
            #expect(try fixture.upstream("echo").records().isEmpty)
            #expect(try fixture.daemon.get("/after").status == 200)
        }

        @Test func answers408AndClosesWhenTheRequestHeadIsTooSlow() throws {
            let fixture = try Self.catchAll(extra: "limits {\n    header_timeout 1s\n}\n")
            defer { fixture.stop() }
            let client = try fixture.daemon.connect()

            let started = ContinuousClock.now
            client.send("GET /slow HTTP/1.1\r\nHost: \(fixture.daemon.authority)\r\n")
            let reply = client.readUntilClose(timeout: .seconds(5))
            let elapsed = ContinuousClock.now - started

            #expect(try reply.response().status == 408, "\(reply)")
            #expect(reply.isClosed, "\(reply)")
            #expect(
                elapsed >= .milliseconds(800) && elapsed <= .milliseconds(3500),
                "408 after \(elapsed)")
            #expect(try fixture.upstream("echo").records().isEmpty)
        }

        /// A head trickled a byte at a time, each byte well within `header_timeout` of the
        /// last, still gets 408 once the whole head has taken longer (slowloris).
        @Test func answers408WhenTheFirstHeadTricklesPastTheTimeout() throws {
            let fixture = try Self.catchAll(extra: "limits {\n    header_timeout 2s\n}\n")
            defer { fixture.stop() }
            let client = try fixture.daemon.connect()
            let started = ContinuousClock.now
            var reply: RawClient.Reply?
            for byte in "GET /slow HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa".utf8 {
                guard client.send([byte]) else { break }
                let read = client.readUntilClose(timeout: .milliseconds(300))
                if read.isClosed {
                    reply = read
                    break
                }
            }
            let elapsed = ContinuousClock.now - started
            #expect(reply != nil, "the connection outlived a head trickled for \(elapsed)")
            #expect(try reply?.response().status == 408)
            #expect(elapsed <= .milliseconds(3500), "closed after \(elapsed)")
            #expect(try fixture.upstream("echo").records().isEmpty)
        }

        /// Polls `condition` every 20 ms until it holds or `timeout` passes.
        static func waitFor(within timeout: Duration, _ condition: () -> Bool) -> Bool {
            let deadline = ContinuousClock.now + timeout
            while !condition() {
                guard ContinuousClock.now < deadline else { return false }
                usleep(20_000)
            }
            return true
        }
    }
}
