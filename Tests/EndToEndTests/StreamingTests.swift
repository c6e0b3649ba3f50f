import Foundation
import Testing

extension ExclusiveTests {
    /// Bodies of a gibibyte each way, a reader far slower than its upstream, and `Expect:
    /// 100-continue`, through the built daemon: everything streams, and the daemon's peak
    /// RSS stays under the contract's 64 MiB (DESIGN.md, "On the wire"; field cases F23,
    /// F24).
    ///
    /// The bodies are the echo upstream's pattern, generated piece by piece on both sides
    /// and digested while they stream; neither the test nor the upstream ever holds one.
    @Suite(.serialized) struct StreamingTests {
        /// The contract's bound on peak RSS while a gibibyte moves either way.
        static let memoryBound = 64 << 20

        /// A daemon with one `auth off` route for every path to one echo upstream.
        static func catchAll() throws -> ProxyFixture {
            try ProxyFixture { upstreams in
                ConfigurationText.listen
                    + ConfigurationText.route("all", path: "/", to: upstreams["echo"]!)
            }
        }

        @Test func downloadsAGibibyteInBoundedMemory() throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }
            let size = PatternBody.gibibyte
            let curl = try ShellCommand.curl()

            let started = ContinuousClock.now
            let result = try ShellCommand.run(
                "\(curl) -sS --max-time 120 -o - "
                    + "-w '%{stderr}status=%{http_code} size=%{size_download}\\n' "
                    + "\(fixture.daemon.origin)/stream/\(size) | sha256sum",
                timeout: .seconds(150))
            let elapsed = ContinuousClock.now - started
            let peak = try fixture.daemon.peakResidentBytes()
            print("1 GiB download: \(elapsed), tokengate peak RSS \(mebibytes(peak))")

            #expect(result.status == 0, "\(result)")
            #expect(result.standardError.contains("status=200 size=\(size)"), "\(result)")
            #expect(result.standardOutput.hasPrefix(PatternBody.gibibyteSHA256), "\(result)")
            #expect(peak < Self.memoryBound, "peak RSS \(mebibytes(peak))")
            let log = try fixture.upstream("echo").log
            #expect(log.contains("stream of \(size) bytes: sent \(size), complete"), "\(log)")
        }

        @Test func uploadsAGibibyteWithContentLengthInBoundedMemory() throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }

            let upload = try Self.uploadGibibyte(
                "PUT", "/upload", framing: .contentLength, through: fixture)

            #expect(upload.response.status == 200)
            let record = try fixture.upstream("echo").onlyRecord()
            #expect(record.values(of: "content-length") == ["\(PatternBody.gibibyte)"])
            #expect(record.bodyLength == PatternBody.gibibyte)
            #expect(record.bodySHA256 == PatternBody.gibibyteSHA256)
            #expect(upload.peak < Self.memoryBound, "peak RSS \(mebibytes(upload.peak))")
        }

        /// F23: a registry layer upload, `PATCH` with `Transfer-Encoding: chunked` and no
        /// `Content-Length`, streams through: never 411, never 413 without `max_body`.
        @Test func streamsAChunkedGibibytePatchWithoutContentLength() throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }

            let upload = try Self.uploadGibibyte(
                "PATCH", "/v2/acme/app/blobs/uploads/5b6c", framing: .chunked, through: fixture)

            #expect(upload.response.status == 200)
            let record = try fixture.upstream("echo").onlyRecord()
            #expect(record.method == "PATCH")
            #expect(record.values(of: "content-length") == [])
            #expect(record.values(of: "transfer-encoding") == ["chunked"])
            #expect(record.bodyLength == PatternBody.gibibyte)
            #expect(record.bodySHA256 == PatternBody.gibibyteSHA256)
            #expect(upload.peak < Self.memoryBound, "peak RSS \(mebibytes(upload.peak))")
        }

        @Test func slowReaderKeepsTheDaemonsMemoryFlatAndHoldsBackTheUpstream() throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }
            let size = 64 << 20
            let slowBytesPerTick = (1 << 20) / 10
            let client = try StreamingClient(
                port: fixture.daemon.port, receiveBufferSize: 256 * 1024)
            client.send(RawRequest.text("GET", "/stream/\(size)", host: fixture.daemon.authority))
            let head = try client.readHead()
            let peakAtHead = try fixture.daemon.peakResidentBytes()

            var received = 0
            let started = ContinuousClock.now
            for tick in 1...100 {
                received += try Self.read(slowBytesPerTick, from: client)
                Self.sleep(until: started + .milliseconds(100 * tick))
            }
            let slowPhase = ContinuousClock.now - started
            let peakWhileSlow = try fixture.daemon.peakResidentBytes()
            let upstreamLog = try fixture.upstream("echo").log
            received += try Self.read(size - received, from: client)
            print(
                "slow reader: \(mebibytes(slowBytesPerTick * 100)) in \(slowPhase); tokengate "
                    + "peak RSS \(mebibytes(peakAtHead)) at the head, "
                    + "\(mebibytes(peakWhileSlow)) with \(mebibytes(size - slowBytesPerTick * 100))"
                    + " unread")

            #expect(head.status == 200)
            #expect(received == size)
            #expect(peakWhileSlow < Self.memoryBound, "peak RSS \(mebibytes(peakWhileSlow))")
            #expect(
                peakWhileSlow - peakAtHead < 16 << 20,
                "peak RSS grew from \(mebibytes(peakAtHead)) to \(mebibytes(peakWhileSlow))")
            #expect(
                !upstreamLog.contains("complete"),
                "the upstream sent all \(size) bytes while the client had read 10 MiB")
        }

        /// An upstream that reads nothing for two seconds holds the client's upload back
        /// (its sends wait) rather than having the daemon take the body into memory.
        @Test func slowUpstreamHoldsBackAnUploadInsteadOfFillingMemory() throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }
            let size = 64 << 20
            let client = try StreamingClient(port: fixture.daemon.port)
            let peakBefore = try fixture.daemon.peakResidentBytes()

            let started = ContinuousClock.now
            client.send(
                RawRequest.text(
                    "PUT", "/read-after/2000", host: fixture.daemon.authority,
                    fields: [("Content-Length", "\(size)")]))
            let sent = PatternBody.send(size, framing: .contentLength, over: client)
            let sending = ContinuousClock.now - started
            let response = try client.readResponse(to: "PUT", timeout: .seconds(30))
            let peak = try fixture.daemon.peakResidentBytes()
            print(
                "64 MiB upload to an upstream that waits 2 s: sent in \(sending), tokengate "
                    + "peak RSS \(mebibytes(peakBefore)) before, \(mebibytes(peak)) after")

            #expect(sent == size)
            #expect(response.status == 200)
            #expect(
                sending >= .milliseconds(1500),
                "64 MiB went out in \(sending) while the upstream read nothing")
            #expect(peak < Self.memoryBound, "peak RSS \(mebibytes(peak))")
            #expect(
                peak - peakBefore < 16 << 20,
                "peak RSS grew from \(mebibytes(peakBefore)) to \(mebibytes(peak))")
            #expect(try fixture.upstream("echo").onlyRecord().bodyLength == size)
        }

        /// F24: `100 Continue` comes before any body byte is sent, the upstream never sees
        /// `Expect`, and no one waits a second for a `100` that does not come.
        @Test func answersExpectContinueAtOnceAndKeepsExpectFromTheUpstream() throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }
            let length = 4 << 20
            let client = try StreamingClient(port: fixture.daemon.port)

            let started = ContinuousClock.now
            client.send(
                RawRequest.text(
                    "PUT", "/v2/acme/app/blobs/uploads/5b6c", host: fixture.daemon.authority,
                    fields: [("Content-Length", "\(length)"), ("Expect", "100-continue")]))
            let interim = try client.readHead(timeout: .seconds(2))
            let continued = ContinuousClock.now - started
            PatternBody.send(length, framing: .contentLength, over: client)
            let response = try client.readResponse(to: "PUT")
            let elapsed = ContinuousClock.now - started
            print("Expect: 100 Continue after \(continued), the whole PUT in \(elapsed)")

            #expect(interim.status == 100)
            #expect(response.status == 200)
            #expect(elapsed < .milliseconds(500))
            let record = try fixture.upstream("echo").onlyRecord()
            #expect(record.values(of: "expect") == [])
            #expect(record.bodyLength == length)
            #expect(record.bodySHA256 == (try SHA256Sum.hex(of: ConnectionTests.pattern(length))))
        }

        /// F24 with a real client: curl waits up to a second for `100 Continue` before it
        /// sends the body anyway, so a whole upload well under a second shows it came.
        @Test func curlUploadWithExpectContinueDoesNotWaitForItsExpectTimeout() throws {
            let fixture = try Self.catchAll()
            defer { fixture.stop() }
            let length = 16 << 20
            let curl = try ShellCommand.curl()

            let result = try ShellCommand.run(
                "head -c \(length) /dev/zero > body && "
                    + "\(curl) -sS --max-time 20 -T body -H 'Expect: 100-continue' -o /dev/null "
                    + "-w 'status=%{http_code} total=%{time_total}' "
                    + "\(fixture.daemon.origin)/v2/acme/app/blobs/uploads/5b6c",
                timeout: .seconds(30))
            let total = result.standardOutput.split(separator: "total=").last.flatMap {
                Double($0)
            }
            print("curl PUT of 16 MiB with Expect: \(total.map { "\($0) s" } ?? "?")")

            #expect(result.status == 0, "\(result)")
            #expect(result.standardOutput.hasPrefix("status=200 "), "\(result)")
            #expect((total ?? 99) < 0.5, "\(result)")
            let record = try fixture.upstream("echo").onlyRecord()
            #expect(record.method == "PUT")
            #expect(record.values(of: "expect") == [])
            #expect(record.bodyLength == length)
        }

        /// Sends `METHOD TARGET` with a gibibyte of pattern framed by `framing` and reads
        /// the response; returns it with the daemon's peak RSS afterwards.
        static func uploadGibibyte(
            _ method: String, _ target: String, framing: PatternBody.Framing,
            through fixture: ProxyFixture
        ) throws -> (response: HTTPResponse, peak: Int) {
            let size = PatternBody.gibibyte
            let client = try StreamingClient(port: fixture.daemon.port)
            let head =
                "\(method) \(target) HTTP/1.1\r\nHost: \(fixture.daemon.authority)\r\n"
                + framing.field(for: size) + "\r\n\r\n"

            let started = ContinuousClock.now
            client.send(head)
            let sent = PatternBody.send(size, framing: framing, over: client)
            let response = try client.readResponse(to: method, timeout: .seconds(60))
            let elapsed = ContinuousClock.now - started
            let peak = try fixture.daemon.peakResidentBytes()
            print("1 GiB \(framing) \(method): \(elapsed), tokengate peak RSS \(mebibytes(peak))")

            #expect(sent == size, "the daemon stopped taking the body after \(sent) bytes")
            return (response, peak)
        }

        /// Sleeps until `instant`, or not at all once it has passed.
        static func sleep(until instant: ContinuousClock.Instant) {
            let remaining = instant - ContinuousClock.now
            guard remaining > .zero else { return }
            Thread.sleep(
                forTimeInterval: Double(remaining.components.attoseconds) / 1e18
                    + Double(remaining.components.seconds))
        }

        /// Reads and drops `count` body bytes from `client`; returns how many came.
        static func read(_ count: Int, from client: StreamingClient) throws -> Int {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var received = 0
            while received < count {
                let wanted = min(buffer.count, count - received)
                let outcome = buffer.withUnsafeMutableBytes {
                    client.receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted]))
                }
                guard case .bytes(let got) = outcome else {
                    throw HarnessError("\(outcome) after \(received) of \(count) bytes")
                }
                received += got
            }
            return received
        }
    }
}
