import Foundation

/// The daemon's own log lines on standard error, in logfmt: constant messages, data as keys.
enum DaemonLog {
    /// Writes one `level=info` line.
    static func info(_ message: String, _ fields: [String: String]) {
        write("info", message, fields)
    }

    /// Writes one `level=warn` line.
    static func warning(_ message: String, _ fields: [String: String]) {
        write("warn", message, fields)
    }

    private static func write(_ level: String, _ message: String, _ fields: [String: String]) {
        let time = Date().formatted(.iso8601)
        var line = "time=\(time) level=\(level) msg=\(quoted(message))"
        for key in fields.keys.sorted() {
            line += " \(key)=\(quoted(fields[key] ?? ""))"
        }
        Terminal.printError(line)
    }

    /// A logfmt value: bare when it holds no space, quote or equals sign.
    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" }
        guard needsQuotes else { return value }
        return "\""
            + value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
