import Foundation

/// `skopeo copy`, the containers/image client, pushing and pulling images as a CI job's
/// `docker push` and `docker pull` would, run to its end.
enum Skopeo {
    /// Runs `skopeo copy OPTIONS SOURCE DESTINATION` and waits up to `timeout`; a copy that
    /// takes longer is killed and reported as a `HarnessError`.
    ///
    /// `--retry-times 0` is explicit: a copy that fails once has failed.
    static func copy(
        _ source: String, to destination: String, options: [String],
        timeout: Duration = .seconds(120)
    ) throws -> ShellCommand.Result {
        guard let skopeo = ProgramSearch.find("skopeo") else {
            throw HarnessError("skopeo is not on PATH (Debian package skopeo)")
        }
        let directory = try TemporaryDirectory(prefix: "skopeo")
        let child = try ChildProcess(
            executable: skopeo,
            arguments: ["copy", "--retry-times", "0"] + options + [source, destination],
            directory: directory, name: "skopeo")
        guard child.waitForExit(timeout: timeout) else {
            child.stop(timeout: .seconds(1))
            throw HarnessError("skopeo copy did not end within \(timeout): \(child.standardError)")
        }
        return ShellCommand.Result(
            status: child.exitedTermination?.status ?? -1, standardOutput: child.standardOutput,
            standardError: child.standardError)
    }
}
