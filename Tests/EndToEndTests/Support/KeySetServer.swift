import Foundation

/// The stand-in key source of `Tests/Fixtures/upstream/jwks_server.py`, run with python3 on
/// a port of 127.0.0.1 that it picks itself: `/jwks` serves the key set (`Cache-Control:
/// max-age=120`), `/.well-known/openid-configuration` names `origin` as the issuer and
/// `/jwks` as its `jwks_uri`.
///
/// The key set is read anew for every request, so `publish` rotates it; every request's
/// path is recorded, so that a test counts the daemon's fetches. It is stopped by PID when
/// `stop` is called or the last reference goes.
final class KeySetServer {
    /// The port it listens on.
    let port: Int
    private let directory: TemporaryDirectory
    private let child: ChildProcess

    /// The script, found from this source file's place in the repository.
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/upstream/jwks_server.py").path

    /// Starts a server publishing `keySet` (JSON text) and waits until it listens.
    init(keySet: String) throws {
        guard let python = ProgramSearch.find("python3") else {
            throw HarnessError("python3 is not on PATH (Debian package python3)")
        }
        directory = try TemporaryDirectory(prefix: "jwks")
        try directory.write(keySet, to: "jwks.json")
        child = try ChildProcess(
            executable: python,
            arguments: [
                Self.scriptPath, "--jwks", directory.path("jwks.json"), "--port-file",
                directory.path("port"), "--record", directory.path("requests"),
            ], directory: directory, name: "jwks")
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            if let port = Int(directory.read("port")) {
                self.port = port
                return
            }
            guard child.isRunning, ContinuousClock.now < deadline else {
                child.stop()
                throw HarnessError("the JWKS server did not start: \(child.standardError)")
            }
            usleep(10_000)
        }
    }

    deinit {
        child.stop()
    }

    /// `http://127.0.0.1:PORT`: the issuer its discovery document names.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// Serves `keySet` from the next request on (the file is replaced whole, by rename).
    func publish(_ keySet: String) throws {
        try directory.write(keySet, to: "jwks.json.next")
        guard rename(directory.path("jwks.json.next"), directory.path("jwks.json")) == 0 else {
            throw HarnessError("cannot replace the served key set: errno \(errno)")
        }
    }

    /// The path of every request received so far, in order.
    func requestedPaths() -> [String] {
        directory.read("requests").split(separator: "\n").map(String.init)
    }

    /// Stops the server.
    func stop() {
        child.stop()
    }
}
