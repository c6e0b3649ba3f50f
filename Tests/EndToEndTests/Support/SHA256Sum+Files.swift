import Foundation

extension SHA256Sum {
    /// The digest of the file at `path`, as `sha256sum` reads it (never into the test's
    /// memory).
    static func hex(ofFileAt path: String) throws -> String {
        guard let program = ProgramSearch.find("sha256sum") else {
            throw HarnessError("sha256sum is not on PATH (Debian package coreutils)")
        }
        let directory = try TemporaryDirectory(prefix: "sha256")
        let child = try ChildProcess(
            executable: program, arguments: [path], directory: directory, name: "sha256sum")
        guard child.waitForExit(timeout: .seconds(60)),
            let digest = child.standardOutput.split(separator: " ").first, digest.count == 64
        else { throw HarnessError("sha256sum \(path) failed: \(child.standardError)") }
        return String(digest)
    }
}
