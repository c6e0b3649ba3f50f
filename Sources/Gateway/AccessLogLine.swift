import Config
import HTTP1
import JOSE

/// The text of one access log line, in logfmt or JSON, with exactly the contract's keys in
/// its order.
enum AccessLogLine {
    /// Longest `iss`, `sub` or request id written; a longer one is cut (a refused token's
    /// `iss` is whatever its sender wrote).
    static let longestValue = 256

    /// The line for `entry` ended with `outcome` at `time`, with its newline.
    static func text(
        _ entry: AccessLogEntry, _ outcome: ExchangeOutcome, time: String, format: LogFormat,
        endedAt: UInt64
    ) -> String {
        let duration = milliseconds(from: entry.startedAt, to: endedAt)
        let upstream =
            entry.upstreamAnsweredAt > 0
            ? milliseconds(from: entry.upstreamStartedAt, to: entry.upstreamAnsweredAt) : nil
        let fields: [(String, Value)] = [
            ("time", .text(time)), ("request_id", .text(cut(entry.requestID))),
            ("client", .text(entry.client)), ("route", .text(entry.route)),
            ("method", .text(entry.method)), ("path", .text(entry.path)),
            ("status", .number(String(outcome.status))),
            ("decision", .text(entry.decision.rawValue)), ("reason", .text(entry.reason)),
            ("issuer", .text(entry.issuer)), ("iss", .text(cut(entry.iss))),
            ("sub", .text(cut(entry.sub))), ("bytes_in", .number(String(outcome.bytesIn))),
            ("bytes_out", .number(String(outcome.bytesOut))), ("duration_ms", .number(duration)),
            ("upstream_ms", upstream.map { .number($0) } ?? .absent),
        ]
        switch format {
        case .logfmt: return logfmt(fields) + "\n"
        case .json: return json(fields) + "\n"
        }
    }

    /// A field's value as the two formats need to tell them apart.
    enum Value {
        case text(String)
        case number(String)
        case absent
    }

    private static func logfmt(_ fields: [(String, Value)]) -> String {
        var line = ""
        for (key, value) in fields {
            if !line.isEmpty { line += " " }
            line += key + "="
            switch value {
            case .text(let text): line += logfmtValue(text)
            case .number(let text): line += text
            case .absent: break
            }
        }
        return line
    }

    private static func json(_ fields: [(String, Value)]) -> String {
        var object = JSONObject()
        for (key, value) in fields {
            switch value {
            case .text(let text): object.set(key, .string(text))
            case .number(let text): object.set(key, .number(Double(text) ?? 0))
            case .absent: object.set(key, .null)
            }
        }
        return JSONValue.object(object).serialized
    }

    /// A logfmt value: bare when it is visible ASCII without `"`, `=` or `\`; otherwise
    /// quoted, with `"` and `\` escaped and every control character written as an escape, so
    /// that no value can end a line or forge a field.
    static func logfmtValue(_ text: String) -> String {
        let isBare =
            !text.isEmpty
            && text.utf8.allSatisfy {
                $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x3D && $0 != 0x5C
            }
        guard !isBare else { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case _
            where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// `text` cut to `longestValue` characters.
    private static func cut(_ text: String) -> String {
        text.count <= longestValue ? text : String(text.prefix(longestValue))
    }

    /// The time between two monotonic readings as milliseconds with three decimals.
    static func milliseconds(from start: UInt64, to end: UInt64) -> String {
        let micros = (end > start ? end - start : 0) / 1000
        let fraction = String(micros % 1000)
        return String(micros / 1000) + "." + String(repeating: "0", count: 3 - fraction.count)
            + fraction
    }
}
