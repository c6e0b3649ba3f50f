/// One run of a `tokengate` command other than `run` (`mint`, `jwks`, `check`), to its end,
/// with its output read back from files.
///
/// The test target has no module dependencies, so tokens and key sets are made by the
/// binary under test itself, as a user of `tokengate mint` would make them.
enum TokengateCommand {
    /// How the command ended and what it wrote.
    struct Result: CustomStringConvertible {
        /// The exit status.
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

    /// Runs `tokengate ARGUMENTS` in a directory of its own and waits up to `timeout`.
    static func run(_ arguments: [String], timeout: Duration = .seconds(10)) throws -> Result {
        let directory = try TemporaryDirectory(prefix: "command")
        let child = try ChildProcess(
            executable: try TokengateBinary.path(), arguments: arguments, directory: directory,
            name: "tokengate")
        guard child.waitForExit(timeout: timeout) else {
            child.stop(timeout: .seconds(1))
            throw HarnessError("tokengate \(arguments) did not exit within \(timeout)")
        }
        return Result(
            status: child.exitedTermination?.status ?? -1,
            standardOutput: child.standardOutput, standardError: child.standardError)
    }

    /// The standard output of `tokengate ARGUMENTS` without its last newline; a
    /// `HarnessError` when the command fails.
    static func output(_ arguments: [String]) throws -> String {
        let result = try run(arguments)
        guard result.status == 0 else {
            throw HarnessError("tokengate \(arguments.prefix(1)) failed: \(result)")
        }
        var text = result.standardOutput
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
