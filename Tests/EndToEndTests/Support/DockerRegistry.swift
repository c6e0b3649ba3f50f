import Foundation

/// Debian's `docker-registry` (distribution 2.8) on a free port of 127.0.0.1, storing its
/// repositories under a temporary directory, with no authentication of its own.
///
/// Its YAML configuration is written beside its storage (filesystem driver); starting
/// returns once `GET /v2/` answers 200. It is stopped by PID with SIGTERM, as the last
/// reference goes if `stop` was not called. The storage is read directly to see what the
/// registry itself holds: blobs under `docker/registry/v2/blobs`, repositories and tags
/// under `docker/registry/v2/repositories`.
final class DockerRegistry {
    /// The port it listens on.
    let port: Int
    /// The filesystem driver's `rootdirectory`.
    let storagePath: String
    private let directory: TemporaryDirectory
    private let child: ChildProcess

    /// Starts a registry with empty storage and waits up to `startTimeout` for it.
    init(startTimeout: Duration = .seconds(15)) throws {
        guard let program = ProgramSearch.find("docker-registry") else {
            throw HarnessError("docker-registry is not on PATH (Debian package docker-registry)")
        }
        directory = try TemporaryDirectory(prefix: "registry")
        storagePath = directory.path("storage")
        var attempt = 0
        while true {
            attempt += 1
            let port = try FreePort.next()
            let configuration = try directory.write(
                Self.configuration(port: port, storagePath: storagePath), to: "config.yml")
            let child = try ChildProcess(
                executable: program, arguments: ["serve", configuration],
                directory: directory, name: "registry-\(attempt)")
            if try Self.waitForAPI(of: child, port: port, timeout: startTimeout) {
                self.port = port
                self.child = child
                return
            }
            child.stop()
            let log = child.standardError
            if log.contains("address already in use") && attempt < 3 { continue }
            throw HarnessError("docker-registry did not answer GET /v2/ on \(port): \(log)")
        }
    }

    deinit {
        child.stop()
    }

    /// The YAML configuration: filesystem storage at `storagePath`, HTTP on
    /// `127.0.0.1:port`, no auth section, upload purging off (nothing runs in the
    /// background while a test looks at the storage).
    private static func configuration(port: Int, storagePath: String) -> String {
        """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: \(TokenClaims.quoted(storagePath))
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:\(port)
          secret: tokengate-end-to-end-tests

        """
    }

    /// Asks `GET /v2/` until it gets 200; false when the registry exits or `timeout`
    /// passes first.
    private static func waitForAPI(of child: ChildProcess, port: Int, timeout: Duration)
        throws -> Bool
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard child.isRunning else { return false }
            if let client = try? RawClient(port: port) {
                defer { client.close() }
                client.send(RawRequest.text("GET", "/v2/", host: "127.0.0.1:\(port)"))
                if (try? client.readResponse())?.status == 200 { return true }
            }
            usleep(20_000)
        }
        return false
    }

    /// `http://127.0.0.1:PORT`, as a route's `upstream` names it.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// `127.0.0.1:PORT`.
    var authority: String { "127.0.0.1:\(port)" }

    /// Everything the registry wrote to standard error (its log) so far.
    var log: String { child.standardError }

    /// Where the registry keeps the blob `digest` (`sha256:HEX`).
    func blobDataPath(_ digest: String) -> String {
        let hex = digest.replacingOccurrences(of: "sha256:", with: "")
        return "\(storagePath)/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }

    /// Where the registry keeps the repository `name` (`acme/app`).
    func repositoryPath(_ name: String) -> String {
        "\(storagePath)/docker/registry/v2/repositories/\(name)"
    }

    /// The manifest digest that `tag` of repository `name` points at, or nil when the
    /// registry has no such tag.
    func taggedManifest(_ name: String, tag: String) -> String? {
        let link = "\(repositoryPath(name))/_manifests/tags/\(tag)/current/link"
        return try? String(contentsOfFile: link, encoding: .utf8)
    }

    /// Whether repository `name` links the layer `digest`, as the registry records a blob
    /// pushed to that repository.
    func linksLayer(_ name: String, digest: String) -> Bool {
        let hex = digest.replacingOccurrences(of: "sha256:", with: "")
        return FileManager.default.fileExists(
            atPath: "\(repositoryPath(name))/_layers/sha256/\(hex)/link")
    }

    /// Stops the registry with SIGTERM (SIGKILL after five seconds).
    func stop() {
        child.stop()
    }
}
