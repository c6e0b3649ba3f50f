import Foundation
import Gateway

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

    /// A logfmt value, escaped as the access log's are: no value (a remote server's error
    /// text, say) can end the line or forge a field.
    static func quoted(_ value: String) -> String {
        AccessLogLine.logfmtValue(value)
    }
}
