import Foundation

/// Finds the `tokengate` executable the end-to-end tests run.
///
/// `TOKENGATE_BIN` wins when it is set (the test script points it at the release build);
/// otherwise the binary SwiftPM built beside the test bundle is used. With neither, the
/// calling test fails with a message that says how to provide one.
enum TokengateBinary {
    /// The path of the binary, or a `HarnessError` naming where it was looked for.
    static func path() throws -> String {
        if let path = ProcessInfo.processInfo.environment["TOKENGATE_BIN"], !path.isEmpty {
            guard isExecutableFile(path) else {
                throw HarnessError("TOKENGATE_BIN is \(path), which is not an executable file")
            }
            return path
        }
        let starts = testExecutablePaths()
        for start in starts {
            var directory = URL(fileURLWithPath: start).deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("tokengate").path
                if isExecutableFile(candidate) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw HarnessError(
            "no tokengate binary: set TOKENGATE_BIN to one, or run `swift build` so that it "
                + "lies beside the test bundle (looked near \(starts))")
    }

    /// Where the running test program lives: `/proc/self/exe`, then `argv[0]`.
    private static func testExecutablePaths() -> [String] {
        var paths: [String] = []
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/exe")
        {
            paths.append(resolved)
        }
        if let first = CommandLine.arguments.first {
            paths.append(URL(fileURLWithPath: first).standardizedFileURL.path)
        }
        return paths
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: path)
    }
}
