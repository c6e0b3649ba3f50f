import Foundation

/// A STAND-IN for Grafana Loki, not Loki: `Tests/Fixtures/upstream/loki_standin.py`, run
/// with Debian's `/usr/bin/python3` (which has `python3-yaml` and `python3-websockets`).
///
/// No Loki package can be installed, so the script answers the parts of Loki's HTTP API
/// that the "Loki for GitHub Actions" job uses (the ruler's rule groups, push, a streamed
/// `query_range`, the WebSocket tail) with Loki's statuses, content types and shapes,
/// everything in memory and per `X-Scope-OrgID`. Plain HTTP and the tail listen on two
/// ports of 127.0.0.1 that it picks itself; the script's header says what it answers. It
/// records every request, and the tail's client messages and close, read with `records()`.
final class LokiStandIn {
    /// The port of the HTTP API.
    let port: Int
    /// The port of the WebSocket tail, `/loki/api/v1/tail`.
    let tailPort: Int
    private let directory: TemporaryDirectory
    private let child: ChildProcess

    /// The Python that has Debian's `python3-yaml` and `python3-websockets`.
    static let python = "/usr/bin/python3"

    /// The script, found from this source file's place in the repository.
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/upstream/loki_standin.py").path

    /// Starts the stand-in and waits until both its ports listen.
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw HarnessError(
                "no \(Self.python) (Debian packages python3, python3-yaml, python3-websockets)")
        }
        directory = try TemporaryDirectory(prefix: "loki-standin")
        child = try ChildProcess(
            executable: Self.python,
            arguments: [
                Self.scriptPath, "--record", directory.path("records.jsonl"),
                "--port-file", directory.path("port"),
                "--tail-port-file", directory.path("tail-port"),
            ], directory: directory, name: "loki-standin")
        port = try PortFile.wait(in: directory, for: child, what: "the Loki stand-in")
        // The script writes the tail's port before the other.
        let tailText = directory.read("tail-port").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let tailPort = Int(tailText) else {
            child.stop()
            throw HarnessError("the Loki stand-in wrote no tail port: \(child.standardError)")
        }
        self.tailPort = tailPort
    }

    deinit {
        child.stop()
    }

    /// `http://127.0.0.1:PORT` of the HTTP API, as a route's `upstream` names it.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// `http://127.0.0.1:PORT` of the tail, as the tail route's `upstream` names it.
    var tailOrigin: String { "http://127.0.0.1:\(tailPort)" }

    /// Everything recorded so far, in order.
    func records() throws -> [LokiStandInRecord] {
        try directory.read("records.jsonl").split(separator: "\n").map { line in
            try JSONDecoder().decode(LokiStandInRecord.self, from: Data(line.utf8))
        }
    }

    /// The records of HTTP requests and tail handshakes, in order.
    func requests() throws -> [LokiStandInRecord] {
        try records().filter { $0.kind == "http" || $0.kind == "tail-open" }
    }

    /// Waits up to `timeout` for a record that `isWanted` and returns it; nil if none came.
    func waitForRecord(
        within timeout: Duration = .seconds(3), where isWanted: (LokiStandInRecord) -> Bool
    ) throws -> LokiStandInRecord? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let record = try records().first(where: isWanted) { return record }
            guard ContinuousClock.now < deadline else { return nil }
            usleep(20_000)
        }
    }

    /// What the script wrote to standard error.
    var log: String { child.standardError }

    /// Stops the stand-in.
    func stop() {
        child.stop()
    }
}

/// One line of the Loki stand-in's record.
struct LokiStandInRecord: Decodable {
    /// `http`, `tail-open` (a tail handshake), `tail-message` or `tail-closed`.
    var kind: String
    /// The method, on `http` and `tail-open`.
    var method: String?
    /// The request target exactly as received, on `http` and `tail-open`.
    var target: String?
    /// Header fields in order, each `[name, value]`, on `http` and `tail-open`.
    var headers: [[String]]?
    /// The first 64 KiB of the request body, on `http`.
    var body: String?
    /// The status the stand-in answered (101 for an accepted tail), on `http` and `tail-open`.
    var status: Int?
    /// What the tail's client sent, on `tail-message`.
    var text: String?
    /// The tail's close code (1006: dropped without a Close frame), on `tail-closed`.
    var code: Int?

    /// The values of every field named `name` (case-insensitive), in order.
    func values(of name: String) -> [String] {
        (headers ?? []).filter { $0.first?.lowercased() == name.lowercased() }.map {
            $0.last ?? ""
        }
    }
}
