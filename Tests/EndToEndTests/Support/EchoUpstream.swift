import Foundation

/// The stand-in upstream of `Tests/Fixtures/upstream/echo_upstream.py`, run with python3
/// on a port of 127.0.0.1 that it picks itself.
///
/// It records every whole request it receives in a JSON-lines file, read back with
/// `records()`, and answers according to how the path ends: an echo of the request as
/// JSON by default, or N bytes, a chunked body, a delay, a close in the middle of the
/// body, an F21-shaped redirect, 204 or 304 (the script's header lists them all). Every
/// response carries `X-Upstream-Name: NAME`, so that a test with several upstreams sees
/// which one answered. It is stopped by PID with SIGTERM when `stop` is called or the last
/// reference goes.
final class EchoUpstream {
    /// The name it answers with in `X-Upstream-Name` and its echo's `upstream` member.
    let name: String
    /// The port it listens on.
    let port: Int
    private let directory: TemporaryDirectory
    private let child: ChildProcess

    /// The script, found from this source file's place in the repository.
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/upstream/echo_upstream.py").path

    /// Starts an upstream called `name` and waits until it listens.
    init(name: String = "echo") throws {
        guard let python = ProgramSearch.find("python3") else {
            throw HarnessError("python3 is not on PATH (Debian package python3)")
        }
        guard FileManager.default.fileExists(atPath: Self.scriptPath) else {
            throw HarnessError("no echo upstream script at \(Self.scriptPath)")
        }
        self.name = name
        directory = try TemporaryDirectory(prefix: "upstream-\(name)")
        child = try ChildProcess(
            executable: python,
            arguments: [
                Self.scriptPath, "--name", name, "--record", directory.path("records.jsonl"),
                "--port-file", directory.path("port"),
            ], directory: directory, name: "echo")
        port = try PortFile.wait(in: directory, for: child, what: "the echo upstream")
    }

    deinit {
        child.stop()
    }

    /// `http://127.0.0.1:PORT`, as a route's `upstream` names it.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// `127.0.0.1:PORT`, as libcurl writes it in the `Host` it sends.
    var authority: String { "127.0.0.1:\(port)" }

    /// Every whole request received so far, in the order they were read.
    func records() throws -> [UpstreamRecord] {
        let text = directory.read("records.jsonl")
        return try text.split(separator: "\n").map { line in
            try JSONDecoder().decode(UpstreamRecord.self, from: Data(line.utf8))
        }
    }

    /// The one request received so far; a `HarnessError` when there are none or several.
    func onlyRecord() throws -> UpstreamRecord {
        let records = try records()
        guard records.count == 1 else {
            throw HarnessError(
                "the upstream \(name) received \(records.count) requests, not one: "
                    + records.map { "\($0.method) \($0.target)" }.joined(separator: "; "))
        }
        return records[0]
    }

    /// What the script wrote to standard error (requests that broke off are noted there).
    var log: String { child.standardError }

    /// Stops the upstream.
    func stop() {
        child.stop()
    }
}

/// One request as the echo upstream read it.
struct UpstreamRecord: Decodable {
    /// The method.
    var method: String
    /// The request target exactly as received.
    var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    var version: String
    /// Header fields in order, each `[name, value]`.
    var headers: [[String]]
    /// Bytes of body received (after chunked decoding).
    var bodyLength: Int
    /// The SHA-256 of the body in lower-case hex.
    var bodySHA256: String
    /// The first 64 KiB of the body as UTF-8, invalid bytes replaced.
    var body: String

    enum CodingKeys: String, CodingKey {
        case method, target, version, headers, body
        case bodyLength = "body_length"
        case bodySHA256 = "body_sha256"
    }

    /// The values of every field named `name` (case-insensitive), in order.
    func values(of name: String) -> [String] {
        headers.filter { $0.first?.lowercased() == name.lowercased() }.map { $0.last ?? "" }
    }

    /// The value of the first field named `name`, or nil.
    func value(of name: String) -> String? {
        values(of: name).first
    }

    /// The target without its query.
    var path: String {
        String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }
}
