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
    /// The command line is wrong or a file cannot be read: exit status 2.
    case usage(String)
}

/// Reads a whole file, or says which one could not be read.
func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandOutcome.usage("cannot read \(path)")
    }
    return Array(data)
}

/// Reads all of standard input.
func readStandardInput() -> [UInt8] {
    Array(FileHandle.standardInput.readDataToEndOfFile())
}
