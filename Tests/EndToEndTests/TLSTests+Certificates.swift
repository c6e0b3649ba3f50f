import Foundation
import Testing

/// The certificate's life: read at start, where a key that does not match it stops the
/// daemon, and read again on SIGHUP, where one that cannot be used keeps the old one; and a
/// handshake that never comes is given up at `header_timeout`.
extension TLSTests {
    @Test func aReloadServesTheNewCertificateAndRefusesOneThatCannotBeLoaded() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let daemon = setup.daemon
        let first = setup.certificate
        let second = try SelfSignedCertificate()
        let servedAtStart = try SelfSignedCertificate.servedFingerprint(port: daemon.port)

        try daemon.rewrite(setup.listenerAndRoute + second.tlsBlock())
        daemon.send(signal: SIGHUP)
        let swapped = try ReloadTests.eventually {
            try SelfSignedCertificate.servedFingerprint(port: daemon.port) == second.fingerprint
        }
        let request = try ShellCommand.run(
            "\(try ShellCommand.curl()) -sS --max-time 20 --cacert '\(second.certificatePath)' "
                + "-o /dev/null -w '%{http_code}' \(setup.origin)/after-reload",
            timeout: .seconds(30))

        try daemon.rewrite(setup.listenerAndRoute + first.tlsBlock(key: second.keyPath))
        daemon.send(signal: SIGHUP)
        let mismatchRefused = ReloadTests.eventually {
            daemon.log.contains("does not match the certificate \(first.certificatePath)")
        }
        let servedAfterMismatch = try SelfSignedCertificate.servedFingerprint(port: daemon.port)

        try daemon.rewrite(setup.listenerAndRoute + first.tlsBlock(key: first.keyPath + ".gone"))
        daemon.send(signal: SIGHUP)
        let missingRefused = ReloadTests.eventually { daemon.log.contains(".gone") }
        let servedAfterMissing = try SelfSignedCertificate.servedFingerprint(port: daemon.port)

        #expect(servedAtStart == first.fingerprint)
        #expect(first.fingerprint != second.fingerprint)
        #expect(swapped, "still served after SIGHUP: the first certificate")
        #expect(request.status == 0 && request.standardOutput == "200", "\(request)")
        #expect(mismatchRefused, "\(daemon.log)")
        #expect(servedAfterMismatch == second.fingerprint)
        #expect(missingRefused, "\(daemon.log)")
        #expect(servedAfterMissing == second.fingerprint)
        #expect(daemon.log.components(separatedBy: "reload refused").count == 3, "\(daemon.log)")
        #expect(daemon.isRunning)
    }

    @Test func aKeyThatDoesNotMatchTheCertificateStopsTheStart() throws {
        let certificate = try SelfSignedCertificate()
        let other = try SelfSignedCertificate()
        let directory = try TemporaryDirectory(prefix: "tls-start")
        let path = try directory.write(
            "listen 127.0.0.1:\(try FreePort.next()) tls\n"
                + certificate.tlsBlock(key: other.keyPath)
                + ConfigurationText.route("all", path: "/", upstreamURL: "http://127.0.0.1:9"),
            to: "proxy.conf")

        let result = try TokengateCommand.run(["run", "--config", path])

        #expect(result.status != 0, "\(result)")
        #expect(
            result.standardError.contains(
                "the private key \(other.keyPath) does not match the certificate "
                    + certificate.certificatePath), "\(result)")
    }

    /// A client that connects to the HTTPS port and says nothing is closed once
    /// `header_timeout` has passed, without a plain-text 408 it could not read anyway.
    @Test func closesAConnectionWhoseHandshakeNeverComes() throws {
        let certificate = try SelfSignedCertificate()
        let daemon = try TokengateDaemon(
            configuration: "listen 127.0.0.1:\(TokengateDaemon.portPlaceholder) tls\n"
                + certificate.tlsBlock() + "limits {\n    header_timeout 1s\n}\n"
                + ConfigurationText.route("all", path: "/", upstreamURL: "http://127.0.0.1:9"))
        defer { daemon.stop() }
        let silent = try daemon.connect()
        defer { silent.close() }

        let started = ContinuousClock.now
        let reply = silent.readUntilClose(timeout: .seconds(5))
        let waited = ContinuousClock.now - started

        #expect(reply.isClosed, "still open after \(waited): \(reply)")
        #expect(reply.bytes.isEmpty, "\(reply)")
        #expect(waited >= .milliseconds(900) && waited < .seconds(3), "closed after \(waited)")
        #expect(daemon.isRunning)
    }
}
