import Foundation
import Testing

/// HTTPS listeners (`listen ADDRESS:PORT tls` and the `tls` block) through the built daemon,
/// with curl, `openssl s_client` and Python's websockets as the clients: requests, kept
/// alive connections, streamed bodies and upgrades work as over plain HTTP; TLS 1.1, a
/// foreign ALPN protocol and plain HTTP are turned away without harm; a reload serves a new
/// certificate, and a certificate that cannot be loaded stops a start or a reload
/// (DESIGN.md, "Configuration" and "Operating it").
@Suite struct TLSTests {
    /// A self-signed certificate, an echo upstream and a daemon whose only listener is
    /// HTTPS with that certificate and whose `auth off` route leads everything there.
    final class Setup {
        let certificate: SelfSignedCertificate
        let fixture: ProxyFixture
        /// The configuration as started, certificate block aside.
        let listenerAndRoute: String

        init() throws {
            let certificate = try SelfSignedCertificate()
            self.certificate = certificate
            var listenerAndRoute = ""
            fixture = try ProxyFixture { upstreams in
                listenerAndRoute =
                    "listen 127.0.0.1:\(TokengateDaemon.portPlaceholder) tls\n"
                    + ConfigurationText.route("all", path: "/", to: upstreams["echo"]!)
                return listenerAndRoute + certificate.tlsBlock()
            }
            self.listenerAndRoute = listenerAndRoute
        }

        var daemon: TokengateDaemon { fixture.daemon }

        /// `https://127.0.0.1:PORT`.
        var origin: String { "https://\(daemon.authority)" }

        /// Runs `curl -sS --max-time 60 --cacert CERTIFICATE ARGUMENTS` (a shell fragment).
        func curl(_ arguments: String) throws -> ShellCommand.Result {
            try ShellCommand.run(
                "\(try ShellCommand.curl()) -sS --max-time 60 "
                    + "--cacert '\(certificate.certificatePath)' \(arguments)",
                timeout: .seconds(90))
        }

        func stop() {
            fixture.stop()
        }
    }

    @Test func servesHTTPSAndKeepsTheConnectionForASecondRequest() throws {
        let setup = try Setup()
        defer { setup.stop() }

        let result = try setup.curl(
            "-o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\\n' "
                + "\(setup.origin)/first \(setup.origin)/second")

        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput == "200 1\n200 0\n", "one connection for both: \(result)")
        let records = try setup.fixture.upstream("echo").records()
        #expect(records.map(\.target) == ["/first", "/second"])
        #expect(records.first?.values(of: "x-forwarded-proto") == ["https"])
    }

    /// F21 over HTTPS: a `Location` on the upstream's origin becomes one on the client's,
    /// with the scheme the client used.
    @Test func rewritesALocationToTheHTTPSOrigin() throws {
        let setup = try Setup()
        defer { setup.stop() }

        let result = try setup.curl("-o /dev/null -D - \(setup.origin)/v2/redirect")

        #expect(result.status == 0, "\(result)")
        let location = result.standardOutput.split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("location:") }
        #expect(
            location?.dropFirst("location:".count).trimmingCharacters(in: .whitespaces)
                == "\(setup.origin)/v2/acme/app/blobs/uploads/5b6c?_state=q1%2Bz",
            "\(result)")
    }

    /// 20 MiB down and 20 MiB up (chunked, from curl's standard input) pass whole: the
    /// download's SHA-256 and the upstream's digest of the upload are the pattern's.
    @Test func streamsTwentyMebibytesEachWay() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let size = 20 << 20
        // Process substitution, so that `yes` ending on SIGPIPE fails no pipeline.
        let pattern = "head -c \(size) <(yes abcdefghijklmnopqrstuvwxyz | tr -d '\\n')"
        let expected = try ShellCommand.run("\(pattern) | sha256sum", timeout: .seconds(30))
        let digest = String(expected.standardOutput.prefix(64))

        let download = try setup.curl(
            "-o - -w '%{stderr}status=%{http_code} size=%{size_download}\\n' "
                + "\(setup.origin)/stream/\(size) | sha256sum")
        let upload = try ShellCommand.run(
            "\(pattern) | \(try ShellCommand.curl()) -sS --max-time 60 "
                + "--cacert '\(setup.certificate.certificatePath)' -T - -X PUT "
                + "-o /dev/null -w '%{http_code}' \(setup.origin)/upload",
            timeout: .seconds(90))

        #expect(digest.count == 64, "\(expected)")
        #expect(download.status == 0, "\(download)")
        #expect(download.standardError.contains("status=200 size=\(size)"), "\(download)")
        #expect(download.standardOutput.hasPrefix(digest), "\(download)")
        #expect(upload.status == 0 && upload.standardOutput == "200", "\(upload)")
        let record = try #require(
            try setup.fixture.upstream("echo").records().first { $0.method == "PUT" })
        #expect(record.values(of: "transfer-encoding") == ["chunked"])
        #expect(record.values(of: "x-forwarded-proto") == ["https"])
        #expect(record.bodyLength == size)
        #expect(record.bodySHA256 == digest)
    }

    @Test func speaksTLSOneTwoAndOneThreeWithHTTPOneOneOnly() throws {
        let setup = try Setup()
        defer { setup.stop() }

        let tls13 = try setup.curl("-v -o /dev/null \(setup.origin)/a")
        let tls12 = try setup.curl(
            "--tls-max 1.2 -o /dev/null -w '%{http_code}' \(setup.origin)/b")
        let tls11 = try setup.curl("--tls-max 1.1 -o /dev/null \(setup.origin)/c")
        let onlyH2 = try ShellCommand.run(
            "openssl s_client -alpn h2 -connect \(setup.daemon.authority) </dev/null 2>&1",
            timeout: .seconds(20))

        #expect(tls13.status == 0, "\(tls13)")
        #expect(tls13.standardError.contains("SSL connection using TLSv1.3"), "\(tls13)")
        #expect(tls13.standardError.contains("ALPN: server accepted http/1.1"), "\(tls13)")
        #expect(tls12.status == 0 && tls12.standardOutput == "200", "\(tls12)")
        #expect(tls11.status != 0, "a TLS 1.1 handshake succeeded: \(tls11)")
        #expect(tls11.standardError.contains("protocol version"), "\(tls11)")
        #expect(onlyH2.standardOutput.contains("no application protocol"), "\(onlyH2)")
        #expect(try setup.fixture.targets(seenBy: "echo") == ["/a", "/b"])
        #expect(setup.daemon.isRunning)
    }

    /// Plain HTTP, garbage and a client that hangs up mid-handshake are closed; the daemon
    /// serves HTTPS as before.
    @Test func closesPlainHTTPAndBrokenHandshakesAndServesOn() throws {
        let setup = try Setup()
        defer { setup.stop() }

        let plain = try ShellCommand.run(
            "\(try ShellCommand.curl()) -sS --max-time 10 http://\(setup.daemon.authority)/x",
            timeout: .seconds(20))
        let garbage = try setup.daemon.connect()
        // A handshake record whose ClientHello is five bytes of nonsense.
        garbage.send([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0xFF])
        let garbageReply = garbage.readUntilClose(timeout: .seconds(5))
        let hangUp = try ShellCommand.run(
            "head -c 100 /dev/urandom > /dev/tcp/127.0.0.1/\(setup.daemon.port)",
            timeout: .seconds(10))
        let after = try setup.curl("-o /dev/null -w '%{http_code}' \(setup.origin)/after")

        #expect(plain.status != 0, "plain HTTP got an answer: \(plain)")
        #expect(garbageReply.ending == .closed || garbageReply.ending == .reset)
        #expect(!garbageReply.text.hasPrefix("HTTP/"), "garbage got an answer: \(garbageReply)")
        #expect(hangUp.status == 0, "\(hangUp)")
        #expect(setup.daemon.isRunning)
        #expect(after.status == 0 && after.standardOutput == "200", "\(after)")
        #expect(try setup.fixture.targets(seenBy: "echo") == ["/after"])
    }

    /// Request bytes that OpenSSL has decrypted but the daemon has not read yet are read
    /// without waiting for the socket.
    ///
    /// A body whose last record straddles the end of the daemon's 64 KiB read leaves bytes
    /// inside OpenSSL with nothing left on the socket to announce them. The head goes in a
    /// record of its own and the body of 64 KiB in four, so that the straddle happens
    /// whenever all arrive before the read; ten connections in a row make it near certain
    /// (seven of ten hung without the fix).
    @Test func readsTheBytesOpenSSLHoldsWithoutWaitingForTheSocket() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let directory = try TemporaryDirectory(prefix: "tls-client")
        let script = try directory.write(Self.heldBackBodyClient, to: "client.py")

        let result = try ShellCommand.run(
            "\(WebSocketUpstream.python) '\(script)' \(setup.daemon.port) "
                + "'\(setup.certificate.certificatePath)' 10",
            timeout: .seconds(60))

        #expect(result.status == 0, "\(result)")
        #expect(
            result.standardOutput == String(repeating: "HTTP/1.1 200\n", count: 10),
            "\(result)")
    }

    /// Sends `PUT /upload` with a 65536-byte body on ARGV[3] new TLS connections to
    /// 127.0.0.1:ARGV[1] (CA file ARGV[2]), the head and the body in separate writes, and
    /// prints the start of each answer, or TIMEOUT after three seconds without one.
    static let heldBackBodyClient = """
        import socket, ssl, sys

        port, ca_file, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
        context = ssl.create_default_context(cafile=ca_file)
        body = b"a" * 65536
        head = b"PUT /upload HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: 65536\\r\\n\\r\\n"
        for _ in range(count):
            with context.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                                     server_hostname="127.0.0.1") as connection:
                connection.sendall(head)
                connection.sendall(body)
                connection.settimeout(3)
                try:
                    print(connection.recv(12).decode())
                except socket.timeout:
                    print("TIMEOUT")
        """

    /// A WebSocket over HTTPS (`wss://`) to the WebSocket echo, with Python's websockets as
    /// the client: the upgrade passes and a short and a 1 MiB message come back whole.
    @Test func relaysAWebSocketUpgradeOverTLS() throws {
        let certificate = try SelfSignedCertificate()
        let upstream = try WebSocketUpstream()
        defer { upstream.stop() }
        let daemon = try TokengateDaemon(
            configuration: "listen 127.0.0.1:\(TokengateDaemon.portPlaceholder) tls\n"
                + certificate.tlsBlock()
                + ConfigurationText.route("tail", path: "/tail", upstreamURL: upstream.origin))
        defer { daemon.stop() }
        let directory = try TemporaryDirectory(prefix: "wss-client")
        let script = try directory.write(Self.webSocketClient, to: "client.py")

        let result = try ShellCommand.run(
            "\(WebSocketUpstream.python) '\(script)' '\(certificate.certificatePath)' "
                + "wss://\(daemon.authority)/tail/x",
            timeout: .seconds(30))

        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput == "5 True\n1048576 True\n", "\(result)")
        let opened = try #require(try upstream.records().first)
        #expect(opened.path == "/tail/x")
        #expect(opened.values(of: "x-forwarded-proto") == ["https"])
    }

    /// A `wss://` client: ARGV[1] the CA file, ARGV[2] the URL; sends two texts and prints
    /// each echo's length and whether it came back unchanged.
    static let webSocketClient = """
        import asyncio, ssl, sys
        import websockets

        async def main():
            context = ssl.create_default_context(cafile=sys.argv[1])
            async with websockets.connect(
                    sys.argv[2], ssl=context, max_size=None, compression=None) as socket:
                for message in ["hello", "x" * (1 << 20)]:
                    await socket.send(message)
                    reply = await socket.recv()
                    print(len(reply), reply == message)

        asyncio.run(main())
        """
}
