import Foundation

/// Reads the demo's access log file as it grows, so that each request's line can be shown
/// under it, and later copies new lines to standard output as `tail -f` would.
///
/// `@unchecked Sendable`: `newText` is called from one thread at a time, first the demo's
/// own and then, once `follow` has started, only the following thread.
final class DemoLogFollower: @unchecked Sendable {
    private let path: String
    private var offset: UInt64 = 0

    /// A follower of the file at `path`, from its start.
    init(path: String) {
        self.path = path
    }

    /// What was appended since the last call.
    func newText() -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil,
            let data = try? handle.readToEnd()
        else { return "" }
        offset += UInt64(data.count)
        return String(decoding: data, as: UTF8.self)
    }

    /// Prints new lines as they come, on a thread of its own, until the process ends.
    func follow() {
        let thread = Thread { [self] in
            while true {
                let text = newText()
                if !text.isEmpty { Terminal.printLine(String(text.dropLast())) }
                usleep(200_000)
            }
        }
        thread.start()
    }
}
