import Foundation
import Testing

/// An issuer whose keys cannot be had says so in the daemon's log, with the reason, instead
/// of showing only as 503s (found by a newcomer's run).
@Suite struct KeySetWarningTests {
    @Test func logsWhyAnIssuersKeysCannotBeHad() throws {
        let directory = try TemporaryDirectory(prefix: "badkeys")
        let garbage = try directory.write("garbage\n", to: "jwks.json")
        let closedPort = try FreePort.next()
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.issuer(
                    "broken", ["issuer https://broken.test", "jwks_file \(garbage)", "audience x"])
                + ConfigurationText.issuer(
                    "offline",
                    [
                        "issuer https://offline.test",
                        "jwks_url http://127.0.0.1:\(closedPort)/jwks", "audience x",
                    ])
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: upstreams["echo"]!, ["allow true"])
        }
        defer { fixture.stop() }
        let daemon = fixture.daemon
        #expect(
            ReloadTests.eventually {
                daemon.log.contains("issuer=broken") && daemon.log.contains("issuer=offline")
            })
        let warnings = daemon.log.split(separator: "\n").filter {
            $0.contains("level=warn") && $0.contains(#"msg="key set fetch failed""#)
        }
        #expect(warnings.contains { $0.contains("issuer=broken") && $0.contains("not a key set") })
        #expect(warnings.contains { $0.contains("issuer=offline") && $0.contains("fetch failed") })
    }
}
