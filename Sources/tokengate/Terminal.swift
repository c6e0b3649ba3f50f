import Foundation

/// Writing to the standard streams without Foundation's shared `FileHandle` state.
enum Terminal {
    /// Writes `text` and a newline to standard output.
    static func printLine(_ text: String) {
        write(text + "\n", to: 1)
    }

    /// Writes `text` and a newline to standard error.
    static func printError(_ text: String) {
        write(text + "\n", to: 2)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes {
                Foundation.write(descriptor, $0.baseAddress, $0.count)
            }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// How a command ended when it did not succeed.
enum CommandOutcome: Error {
    /// The answer is no (invalid token, bad key set): exit status 1.
    case refused(String)
    /// The command line is wrong: exit status 2, with the usage text.
    case usage(String)
    /// A file cannot be read: exit status 2, without the usage text.
    case unreadable(String)
}

/// Largest file or standard input read: a key set or claims file is far smaller, and a
/// token is at most 64 KiB.
let maximumInputLength = 1 << 20

/// Reads a whole file (a pipe or `/dev/stdin` too), up to `limit` bytes.
func readFile(_ path: String, limit: Int = maximumInputLength) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw CommandOutcome.unreadable("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    guard let bytes = readAll(descriptor, limit: limit) else {
        throw CommandOutcome.unreadable(
            "cannot read \(path): not a readable file of at most "
                + "\(limit) bytes")
    }
    return bytes
}

/// Reads standard input up to `limit` bytes; nil when it holds more or cannot be read.
func readStandardInput(limit: Int) -> [UInt8]? {
    readAll(0, limit: limit)
}

private func readAll(_ descriptor: Int32, limit: Int) -> [UInt8]? {
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count >= 0 else { return nil }
        if count == 0 { return contents }
        contents.append(contentsOf: chunk[..<count])
        if contents.count > limit { return nil }
    }
}
