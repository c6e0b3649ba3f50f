import Foundation

/// The WebSocket echo of `Tests/Fixtures/upstream/websocket_echo.py`, run with Debian's
/// `/usr/bin/python3` (which has `python3-websockets`) on a port of 127.0.0.1 that it picks
/// itself; it records each connection's opening request and its close code.
final class WebSocketUpstream {
    /// The port it listens on.
    let port: Int
    private let directory: TemporaryDirectory
    private let child: ChildProcess

    /// The Python that has Debian's `python3-websockets`.
    static let python = "/usr/bin/python3"

    /// The script, found from this source file's place in the repository.
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/upstream/websocket_echo.py").path

    /// Starts the echo and waits until it listens.
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw HarnessError("no \(Self.python) (Debian packages python3, python3-websockets)")
        }
        directory = try TemporaryDirectory(prefix: "websocket")
        child = try ChildProcess(
            executable: Self.python,
            arguments: [
                Self.scriptPath, "--record", directory.path("records.jsonl"),
                "--port-file", directory.path("port"),
            ], directory: directory, name: "websocket")
        port = try PortFile.wait(in: directory, for: child, what: "the WebSocket echo")
    }

    deinit {
        child.stop()
    }

    /// `http://127.0.0.1:PORT`, as a route's `upstream` names it.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// What the echo recorded so far, in order.
    func records() throws -> [WebSocketRecord] {
        try directory.read("records.jsonl").split(separator: "\n").map { line in
            try JSONDecoder().decode(WebSocketRecord.self, from: Data(line.utf8))
        }
    }

    /// Waits up to `timeout` for a `closed` record and returns its close code; nil when
    /// the upstream still holds its connection open.
    func closeCode(within timeout: Duration) throws -> Int? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let closed = try records().first(where: { $0.event == "closed" }) {
                return closed.code
            }
            guard ContinuousClock.now < deadline else { return nil }
            usleep(20_000)
        }
    }

    /// What the script wrote to standard error.
    var log: String { child.standardError }

    /// Stops the echo.
    func stop() {
        child.stop()
    }
}

/// One line of the WebSocket echo's record.
struct WebSocketRecord: Decodable {
    /// `open` or `closed`.
    var event: String
    /// The request target with its query, on `open`.
    var path: String?
    /// The request's header fields in order, each `[name, value]`, on `open`.
    var headers: [[String]]?
    /// The connection's close code, on `closed` (1006: dropped without a Close frame).
    var code: Int?

    /// The values of every field named `name` (case-insensitive), in order.
    func values(of name: String) -> [String] {
        (headers ?? []).filter { $0.first?.lowercased() == name.lowercased() }.map {
            $0.last ?? ""
        }
    }
}
