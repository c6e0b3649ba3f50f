/// A bash command line run to its end, for pipelines of Debian's own tools (`curl`,
/// `sha256sum`) that stream what a test must not hold in its memory.
///
/// It runs with `set -o pipefail`, so a pipeline fails when any of its programs does.
enum ShellCommand {
    /// How the command ended and what it wrote.
    struct Result: CustomStringConvertible {
        /// The exit status of the pipeline.
        var status: Int32
        /// Everything written to standard output.
        var standardOutput: String
        /// Everything written to standard error.
        var standardError: String

        var description: String {
            "exit \(status); stdout: \(standardOutput.debugDescription); "
                + "stderr: \(standardError.debugDescription)"
        }
    }

    /// Runs `script` and waits up to `timeout` for it; a command that takes longer is
    /// killed and reported as a `HarnessError`.
    static func run(_ script: String, timeout: Duration) throws -> Result {
        guard let bash = ProgramSearch.find("bash") else {
            throw HarnessError("bash is not on PATH (Debian package bash)")
        }
        let directory = try TemporaryDirectory(prefix: "shell")
        let child = try ChildProcess(
            executable: bash, arguments: ["-c", "set -o pipefail\n" + script],
            directory: directory, name: "command")
        guard child.waitForExit(timeout: timeout) else {
            child.stop(timeout: .seconds(1))
            throw HarnessError("`\(script)` did not end within \(timeout): \(child.standardError)")
        }
        return Result(
            status: child.exitedTermination?.status ?? -1, standardOutput: child.standardOutput,
            standardError: child.standardError)
    }

    /// The `curl` on `PATH`, or a `HarnessError` that names its Debian package.
    static func curl() throws -> String {
        guard let curl = ProgramSearch.find("curl") else {
            throw HarnessError("curl is not on PATH (Debian package curl)")
        }
        return curl
    }
}
