import Foundation
import Glibc
import Testing

/// A `tokengate run` process serving a configuration the test wrote, on a free port of
/// 127.0.0.1.
///
/// The configuration is given as text in which `{PORT}` stands for the listening port
/// (`listen 127.0.0.1:{PORT}`); it is written to `proxy.conf` in a directory of the
/// daemon's own. Starting returns once the port accepts connections; the daemon's standard
/// error (the daemon log and, by default, the access log) goes to a file, read by `log`.
/// `stop` ends it with SIGTERM (SIGKILL after a timeout); the last reference going does
/// the same, so the daemon never outlives its test.
///
///     let daemon = try TokengateDaemon(configuration: """
///         listen 127.0.0.1:{PORT}
///         route all {
///             path /
///             upstream \(upstream.origin)
///             auth off
///         }
///         """)
///     let client = try daemon.connect()
final class TokengateDaemon {
    /// What the configuration writes where the listening port goes.
    static let portPlaceholder = "{PORT}"

    /// The port the daemon listens on.
    let port: Int
    /// The configuration file as written.
    let configurationPath: String
    /// The directory holding the configuration and the captured output.
    let directory: TemporaryDirectory
    private let child: ChildProcess

    /// Writes `configuration` with a free port in place of `{PORT}`, starts the daemon and
    /// waits up to `startTimeout` for the port to accept; a daemon that exits first (a
    /// configuration error) or never listens is a `HarnessError` quoting its log.
    init(
        configuration: String, startTimeout: Duration = .seconds(10),
        environment: [String: String] = [:]
    ) throws {
        guard configuration.contains(Self.portPlaceholder) else {
            throw HarnessError("the configuration has no \(Self.portPlaceholder) to listen on")
        }
        let binary = try TokengateBinary.path()
        directory = try TemporaryDirectory(prefix: "daemon")
        var attempt = 0
        while true {
            attempt += 1
            let port = try FreePort.next()
            let path = try directory.write(
                configuration.replacingOccurrences(of: Self.portPlaceholder, with: String(port)),
                to: "proxy.conf")
            let child = try ChildProcess(
                executable: binary, arguments: ["run", "--config", path], directory: directory,
                name: "tokengate-\(attempt)", environment: environment)
            let outcome = Self.waitForListening(child, port: port, timeout: startTimeout)
            if outcome == .listening {
                self.port = port
                self.configurationPath = path
                self.child = child
                return
            }
            child.stop()
            let log = child.standardError
            if outcome == .exited && log.contains("cannot listen") && attempt < 3 { continue }
            throw HarnessError(
                outcome == .exited
                    ? "tokengate run exited with \(child.stop().status) before listening; "
                        + "its log:\n\(log)"
                    : "tokengate did not accept on port \(port) within \(startTimeout); "
                        + "its log:\n\(log)")
        }
    }

    deinit {
        child.stop()
    }

    /// The daemon's process id (for signals and `/proc/PID/status`).
    var pid: Int32 { child.pid }

    /// Whether the daemon is still running.
    var isRunning: Bool { child.isRunning }

    /// Everything the daemon wrote to standard error so far.
    var log: String { child.standardError }

    /// `127.0.0.1:PORT`, as a client writes it in `Host`.
    var authority: String { "127.0.0.1:\(port)" }

    /// `http://127.0.0.1:PORT`.
    var origin: String { "http://\(authority)" }

    /// A new connection to the daemon.
    func connect() throws -> RawClient {
        try RawClient(port: port)
    }

    /// Sends `signal` (SIGHUP, SIGUSR1, ...) to the daemon.
    func send(signal: Int32) {
        kill(child.pid, signal)
    }

    /// The daemon's peak resident set size in bytes (`VmHWM` in `/proc/PID/status`).
    func peakResidentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kibibytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { throw HarnessError("no VmHWM in /proc/\(pid)/status") }
        return kibibytes * 1024
    }

    /// Stops the daemon with SIGTERM, or SIGKILL once `timeout` has passed.
    ///
    /// Returns how it ended; calling it again returns the same answer.
    /// Every stop also checks the daemon's whole log for the tokens the tests minted: a
    /// log that holds one is an issue of the test that ran it.
    @discardableResult
    func stop(timeout: Duration = .seconds(5)) -> ChildProcess.Termination {
        let termination = child.stop(timeout: timeout)
        let leaked = MintedTokens.shared.leaked(in: log)
        if !leaked.isEmpty {
            Issue.record("the daemon's log holds \(leaked.count) token signature(s): \(leaked)")
        }
        return termination
    }

    private enum StartOutcome {
        case listening
        case exited
        case timedOut
    }

    private static func waitForListening(_ child: ChildProcess, port: Int, timeout: Duration)
        -> StartOutcome
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard child.isRunning else { return .exited }
            if (try? RawClient(port: port)) != nil { return .listening }
            usleep(10_000)
        }
        return .timedOut
    }
}
