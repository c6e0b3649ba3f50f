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

    /// A logfmt value: bare when it is visible ASCII without a quote, equals sign or
    /// backslash; otherwise quoted, with every control character escaped so that no value
    /// (a remote server's error text, say) can end the line.
    static func quoted(_ value: String) -> String {
        let isBare =
            !value.isEmpty
            && value.utf8.allSatisfy {
                $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x3D && $0 != 0x5C
            }
        guard !isBare else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                quoted += "\\u" + String(scalar.value + 0x10000, radix: 16).dropFirst()
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
