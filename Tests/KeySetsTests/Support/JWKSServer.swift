import Foundation
import Glibc

/// `Tests/Fixtures/upstream/jwks_server.py` run by `/usr/bin/python3` on 127.0.0.1 with a
/// port the kernel picks, serving one key set; killed by its PID when the test lets go.
final class JWKSServer {
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/upstream/jwks_server.py").path

    /// The port it listens on.
    let port: Int
    private let process: Process
    private let directory: TemporaryDirectory

    /// Starts the server with `jwks` as its key set and waits until it accepts.
    init(jwks: String) throws {
        let directory = try TemporaryDirectory()
        let jwksPath = try directory.write("jwks.json", jwks)
        let portPath = directory.path + "/port"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.scriptPath, "--jwks", jwksPath, "--port-file", portPath]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        guard let port = Self.waitForPort(in: portPath, of: process) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ServerError(description: "jwks_server.py did not start")
        }
        self.port = port
        self.process = process
        self.directory = directory
    }

    private static func waitForPort(in path: String, of process: Process) -> Int? {
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), let port = Int(text) {
                return port
            }
            usleep(10_000)
        }
        return nil
    }

    deinit {
        stop()
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Kills the server by its PID (SIGKILL: the test runner's threads block SIGTERM, and a
    /// child started from one inherits that) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Why the server could not be started.
    struct ServerError: Error, CustomStringConvertible {
        let description: String
    }
}
