import Foundation

/// The stand-in of `Tests/Fixtures/upstream/delaying_relay.py`: a slow wire between the
/// daemon and a real upstream, which waits a fixed time before it forwards each request
/// and changes nothing else.
///
/// It makes a push take as long as a test needs (the later requests of a push come after
/// its token's `exp`) and records, for every exchange, when the request's head arrived,
/// when it went on, and when the response had been sent back, in seconds since the epoch.
/// It is stopped by PID with SIGTERM when `stop` is called or the last reference goes.
final class DelayingRelay {
    /// The port it listens on.
    let port: Int
    private let directory: TemporaryDirectory
    private let child: ChildProcess

    /// The script, found from this source file's place in the repository.
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/upstream/delaying_relay.py").path

    /// Starts a relay to `127.0.0.1:targetPort` that waits `delay` before each request.
    init(toPort targetPort: Int, delay: Duration) throws {
        guard let python = ProgramSearch.find("python3") else {
            throw HarnessError("python3 is not on PATH (Debian package python3)")
        }
        directory = try TemporaryDirectory(prefix: "relay")
        let milliseconds =
            delay.components.seconds * 1000
            + delay.components.attoseconds / 1_000_000_000_000_000
        child = try ChildProcess(
            executable: python,
            arguments: [
                Self.scriptPath, "--target", "127.0.0.1:\(targetPort)", "--delay-ms",
                String(milliseconds), "--record", directory.path("records.jsonl"),
                "--port-file", directory.path("port"),
            ], directory: directory, name: "relay")
        port = try PortFile.wait(in: directory, for: child, what: "the delaying relay")
    }

    deinit {
        child.stop()
    }

    /// `http://127.0.0.1:PORT`, as a route's `upstream` names it.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// Every exchange that is over, in the order the requests arrived.
    func records() throws -> [RelayRecord] {
        try directory.read("records.jsonl").split(separator: "\n")
            .map { try JSONDecoder().decode(RelayRecord.self, from: Data($0.utf8)) }
            .sorted { $0.received < $1.received }
    }

    /// What the script wrote to standard error.
    var log: String { child.standardError }

    /// Stops the relay.
    func stop() {
        child.stop()
    }
}

/// One exchange through the delaying relay.
struct RelayRecord: Decodable, CustomStringConvertible {
    /// The request's method.
    var method: String
    /// The request target, as sent.
    var target: String
    /// When the request's head had been read (seconds since the epoch).
    var received: Double
    /// When the wait was over and the head went on; nil if the client left first.
    var forwarded: Double?
    /// When the last byte of the response had gone back; nil if the exchange broke off.
    var answered: Double?
    /// The response's status; nil if none came.
    var status: Int?
    /// Why the exchange broke off, or nil.
    var error: String?

    /// The upload a request of a blob upload belongs to: the segment after
    /// `/blobs/uploads/` (nil for the `POST` that starts one, and for other requests).
    var uploadID: String? {
        guard let range = target.range(of: "/blobs/uploads/") else { return nil }
        let rest = target[range.upperBound...]
        let id = rest.prefix { $0 != "?" && $0 != "/" }
        return id.isEmpty ? nil : String(id)
    }

    var description: String {
        let times = [received, forwarded, answered].map { $0.map { String(format: "%.3f", $0) } }
        return "\(method) \(target.prefix(70)) received \(times[0] ?? "-") forwarded "
            + "\(times[1] ?? "-") answered \(times[2] ?? "-") status "
            + "\(status.map(String.init) ?? "-")\(error.map { " error \($0)" } ?? "")"
    }
}
