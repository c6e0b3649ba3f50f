import Foundation
import Glibc

/// A program a test started, with its standard output and error going to files in a
/// directory of its own, stopped by its PID when the test is done with it.
///
/// `stop` sends SIGTERM and, if the program has not exited within the timeout, SIGKILL;
/// `deinit` stops it too, so a test that throws never leaves a daemon behind.
final class ChildProcess {
    /// How a stopped program ended.
    struct Termination: Equatable {
        /// The exit status, or the number of the signal that ended it.
        var status: Int32
        /// Whether it was ended by a signal rather than exiting.
        var wasSignalled: Bool
        /// Whether SIGTERM was not enough and SIGKILL had to be sent.
        var neededKill: Bool
    }

    /// The file that receives standard output.
    let standardOutputPath: String
    /// The file that receives standard error.
    let standardErrorPath: String
    private let process = Process()
    private var termination: Termination?

    /// Starts `executable` with `arguments` in `directory`, with this process's environment
    /// plus `environment`; its output goes to `NAME.stdout` and `NAME.stderr` there and its
    /// standard input is empty.
    init(
        executable: String, arguments: [String], directory: TemporaryDirectory, name: String,
        environment: [String: String] = [:]
    ) throws {
        standardOutputPath = directory.path("\(name).stdout")
        standardErrorPath = directory.path("\(name).stderr")
        for path in [standardOutputPath, standardErrorPath] {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw HarnessError("cannot create \(path)")
            }
        }
        guard let output = FileHandle(forWritingAtPath: standardOutputPath),
            let error = FileHandle(forWritingAtPath: standardErrorPath)
        else { throw HarnessError("cannot open the output files of \(name)") }
        defer {
            try? output.close()
            try? error.close()
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(
                environment, uniquingKeysWith: { _, new in new })
        }
        process.currentDirectoryURL = directory.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error
        try Self.withSignalsUnblocked {
            do {
                try process.run()
            } catch {
                throw HarnessError("cannot start \(executable): \(error)")
            }
        }
    }

    deinit {
        stop()
    }

    /// The program's process id, for `kill` and `/proc/PID/...`.
    var pid: Int32 { process.processIdentifier }

    /// Whether the program is still running.
    var isRunning: Bool { process.isRunning }

    /// Everything the program wrote to standard error so far.
    var standardError: String {
        (try? String(contentsOfFile: standardErrorPath, encoding: .utf8)) ?? ""
    }

    /// Everything the program wrote to standard output so far.
    var standardOutput: String {
        (try? String(contentsOfFile: standardOutputPath, encoding: .utf8)) ?? ""
    }

    /// How the program ended, once it has; nil while it runs.
    var exitedTermination: Termination? {
        guard !process.isRunning else { return nil }
        return Termination(
            status: process.terminationStatus,
            wasSignalled: process.terminationReason == .uncaughtSignal, neededKill: false)
    }

    /// Sends SIGTERM, waits up to `timeout` for the program to exit, then sends SIGKILL.
    ///
    /// Returns how the program ended; calling it again returns the same answer.
    @discardableResult
    func stop(timeout: Duration = .seconds(5)) -> Termination {
        if let termination { return termination }
        var neededKill = false
        if process.isRunning {
            kill(pid, SIGTERM)
            if !waitForExit(timeout: timeout) {
                neededKill = true
                kill(pid, SIGKILL)
                _ = waitForExit(timeout: .seconds(10))
            }
        }
        let result = Termination(
            status: process.terminationStatus,
            wasSignalled: process.terminationReason == .uncaughtSignal, neededKill: neededKill)
        termination = result
        return result
    }

    /// Runs `body` with no signal blocked in this thread, so that a child started in it
    /// begins with an empty signal mask, as from a shell.
    ///
    /// The test runner's threads block every signal, Foundation's `Process` spawns without
    /// resetting the mask, and a child that inherits it ignores SIGTERM until SIGKILL.
    private static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// Waits until the program exits or `timeout` passes; returns whether it exited.
    func waitForExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            usleep(5_000)
        }
        return true
    }
}

/// Finds a program on `PATH`, as a shell would.
enum ProgramSearch {
    /// The full path of the first executable `name` on `PATH`, or nil.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
