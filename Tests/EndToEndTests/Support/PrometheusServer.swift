import Foundation

/// A Debian `prometheus` (2.42, package prometheus) run by a test on a free port of
/// 127.0.0.1, with a configuration the test wrote and storage of its own.
///
/// The configuration is YAML text in which `{PORT}` stands for the port it listens on, so
/// that a sender can scrape itself. Starting returns once `/-/ready` answers 200. Remote
/// writes still queued at shutdown get one second (`--storage.remote.flush-deadline`), not
/// the default minute, so a sender whose writes are refused or retried stops at once.
/// `stop` ends it with SIGTERM (SIGKILL after a timeout); the last reference going does
/// the same.
///
///     let receiver = try PrometheusServer(
///         name: "receiver", configuration: PrometheusConfiguration.receiver,
///         arguments: ["--web.enable-remote-write-receiver"])
///     let values = try receiver.labelValues("sender")
final class PrometheusServer {
    /// What the configuration writes where the listening port goes.
    static let portPlaceholder = "{PORT}"

    /// The name its directory and failure messages carry.
    let name: String
    /// The port it listens on.
    let port: Int
    private let directory: TemporaryDirectory
    private let child: ChildProcess

    /// Writes `configuration` with a free port in place of `{PORT}`, starts Prometheus with
    /// further `arguments`, and waits up to 15 s until it is ready; a port taken meanwhile
    /// is retried with another.
    init(name: String, configuration: String, arguments: [String] = []) throws {
        guard let executable = ProgramSearch.find("prometheus") else {
            throw HarnessError("prometheus is not on PATH (Debian package prometheus)")
        }
        self.name = name
        directory = try TemporaryDirectory(prefix: "prometheus-\(name)")
        var attempt = 0
        while true {
            attempt += 1
            let port = try FreePort.next()
            let path = try directory.write(
                configuration.replacingOccurrences(of: Self.portPlaceholder, with: "\(port)"),
                to: "prometheus.yml")
            let child = try ChildProcess(
                executable: executable,
                arguments: [
                    "--config.file=\(path)", "--web.listen-address=127.0.0.1:\(port)",
                    "--storage.tsdb.path=\(directory.path("data-\(attempt)"))",
                    "--storage.remote.flush-deadline=1s",
                ] + arguments, directory: directory, name: "prometheus-\(attempt)")
            if Self.waitUntilReady(child, port: port, timeout: .seconds(15)) {
                self.port = port
                self.child = child
                return
            }
            child.stop()
            let log = child.standardError
            if log.contains("address already in use") && attempt < 3 { continue }
            throw HarnessError("prometheus \(name) did not get ready on \(port); its log:\n\(log)")
        }
    }

    deinit {
        child.stop()
    }

    /// `http://127.0.0.1:PORT`.
    var origin: String { "http://127.0.0.1:\(port)" }

    /// Everything it logged so far (Prometheus logs to standard error).
    var log: String { child.standardError }

    /// The values the label `label` has in any series stored here (`/api/v1/label/.../values`),
    /// in the API's order.
    func labelValues(_ label: String) throws -> [String] {
        let response = try Self.get("/api/v1/label/\(label)/values", port: port)
        let object = try response.jsonObject()
        guard response.status == 200, object["status"] as? String == "success",
            let values = object["data"] as? [String]
        else { throw HarnessError("prometheus \(name) answered \(response.status): \(object)") }
        return values
    }

    /// The value of the counter `metric` of the remote write queue called `remote` (the
    /// `name` of its `remote_write` entry), read from this Prometheus' own `/metrics`.
    ///
    /// A metric that is not there is a `HarnessError`, never a zero, so that a misspelt
    /// name or queue cannot make a check of "none failed" pass.
    func remoteWriteCounter(_ metric: String, remote: String) throws -> Double {
        let response = try Self.get("/metrics", port: port)
        let prefix = metric + "{"
        let label = "remote_name=\"\(remote)\""
        for line in response.bodyText.split(separator: "\n")
        where line.hasPrefix(prefix) && line.contains(label) {
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }) else {
                throw HarnessError("unreadable sample in prometheus \(name): \(line)")
            }
            return value
        }
        throw HarnessError("prometheus \(name) has no \(metric) for the queue \(remote)")
    }

    /// The lines of its log about the remote write queue called `remote`.
    func logLines(ofRemote remote: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains("remote_name=\(remote) ") }
    }

    /// Stops it with SIGTERM, or SIGKILL once `timeout` has passed.
    func stop(timeout: Duration = .seconds(5)) {
        child.stop(timeout: timeout)
    }

    /// `GET target` from the Prometheus on `port`, on a connection of its own.
    private static func get(_ target: String, port: Int) throws -> HTTPResponse {
        let client = try RawClient(port: port)
        defer { client.close() }
        client.send(
            RawRequest.text(
                "GET", target, host: "127.0.0.1:\(port)", fields: [("Connection", "close")]))
        return try client.readResponse(to: "GET", timeout: .seconds(10))
    }

    /// Waits until `/-/ready` answers 200; false when the program exits or `timeout` passes.
    private static func waitUntilReady(_ child: ChildProcess, port: Int, timeout: Duration)
        -> Bool
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline && child.isRunning {
            if (try? get("/-/ready", port: port))?.status == 200 { return true }
            usleep(50_000)
        }
        return false
    }
}
