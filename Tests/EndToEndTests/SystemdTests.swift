import Foundation
import Testing

/// tokengate under systemd: the readiness messages it sends to `NOTIFY_SOCKET` (read here
/// from a datagram socket the test binds), and `systemd/tokengate.service` as
/// `systemd-analyze` judges it (DESIGN.md, "Operating it").
@Suite struct SystemdTests {
    /// The unit file of the repository.
    static let unitPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("systemd/tokengate.service").path

    @Test func sendsReadyReloadingAndStoppingToTheNotifySocket() throws {
        let directory = try TemporaryDirectory(prefix: "notify")
        let socket = try DatagramSocket(path: directory.path("notify.sock"))
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("a", path: "/a", to: upstreams["echo"]!)
        }
        defer { fixture.stop() }
        // The fixture's daemon has no NOTIFY_SOCKET; a second one does.
        let daemon = try TokengateDaemon(
            configuration: ConfigurationText.listen
                + ConfigurationText.route("a", path: "/a", to: try fixture.upstream("echo")),
            environment: ["NOTIFY_SOCKET": socket.path])
        defer { daemon.stop() }
        #expect(try socket.receive() == "READY=1\nSTATUS=serving")
        daemon.send(signal: SIGHUP)
        let reloading = try socket.receive()
        #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        #expect(Int(reloading.split(separator: "=").last ?? "") ?? 0 > 0)
        #expect(try socket.receive() == "READY=1\nSTATUS=serving")
        daemon.send(signal: SIGTERM)
        #expect(try socket.receive() == "STOPPING=1")
        #expect(daemon.stop().status == 0)
    }

    @Test func theUnitVerifiesAndIsRatedTwoOrBetter() throws {
        guard let analyze = ProgramSearch.find("systemd-analyze") else {
            throw HarnessError("systemd-analyze is not on PATH (Debian package systemd)")
        }
        let directory = try TemporaryDirectory(prefix: "unit")
        let unit = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        #expect(unit.contains("Type=notify") && unit.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        let copy = try directory.write(
            unit.replacingOccurrences(
                of: "/usr/local/bin/tokengate",
                with: URL(fileURLWithPath: try TokengateBinary.path()).standardizedFileURL.path),
            to: "tokengate.service")
        let verify = try ShellCommand.run("\(analyze) verify \(copy)", timeout: .seconds(30))
        #expect(verify.status == 0, "\(verify)")
        let security = try ShellCommand.run(
            "\(analyze) security --offline=yes \(copy)", timeout: .seconds(30))
        let rating = security.standardOutput.firstMatch(
            of: /Overall exposure level for tokengate.service: (\d+\.\d+)/)
        let score = rating.flatMap { Double($0.1) }
        #expect(score != nil, "\(security)")
        #expect(score ?? 10 <= 2.0, "systemd-analyze security rates it \(score ?? -1)")
    }
}

/// A UNIX datagram socket bound to a path, as systemd's notification socket is.
final class DatagramSocket {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw HarnessError("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw HarnessError("bind(\(path)) failed: errno \(errno)") }
    }

    deinit {
        close(descriptor)
    }

    /// The next datagram as text, waiting up to `timeout`.
    func receive(timeout: Duration = .seconds(5)) throws -> String {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000)
        guard poll(&poller, 1, milliseconds) == 1 else {
            throw HarnessError("no datagram within \(timeout)")
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else { throw HarnessError("recv failed: errno \(errno)") }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
