import Foundation

/// SHA-256 digests as the echo upstream writes them (lower-case hex), worked out by
/// coreutils' `sha256sum` rather than by any code of tokengate or of the tests.
enum SHA256Sum {
    /// The digest of `bytes`.
    static func hex(of bytes: [UInt8]) throws -> String {
        guard let program = ProgramSearch.find("sha256sum") else {
            throw HarnessError("sha256sum is not on PATH (Debian package coreutils)")
        }
        let directory = try TemporaryDirectory(prefix: "sha256")
        let input = directory.path("input")
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        let child = try ChildProcess(
            executable: program, arguments: [input], directory: directory, name: "sha256sum")
        guard child.waitForExit(timeout: .seconds(60)),
            let digest = child.standardOutput.split(separator: " ").first, digest.count == 64
        else { throw HarnessError("sha256sum failed: \(child.standardError)") }
        return String(digest)
    }
}
