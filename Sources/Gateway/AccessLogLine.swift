import Config
import HTTP1
import JOSE

/// The text of one access log line, in logfmt or JSON, with exactly the contract's keys in
/// its order.
public enum AccessLogLine {
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
        return escapedJSON(.object(object))
    }

    /// A logfmt value: bare when it is visible ASCII without `"`, `=` or `\`; otherwise
    /// quoted, with `"` and `\` escaped and every control character written as an escape, so
    /// that no value can end a line or forge a field.
    public static func logfmtValue(_ text: String) -> String {
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
            case _ where scalar.value < 0x20 || isEscapedAlways(scalar):
                quoted += escape(scalar)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// `text` cut to `longestValue` Unicode scalars (a single character may hold thousands).
    private static func cut(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > longestValue else { return text }
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: scalars.prefix(longestValue))
        return String(cut)
    }

    /// Scalars written as `\u` and four hex digits in both formats, even where JSON allows
    /// them raw: DEL and the C1 controls, the Unicode line and paragraph separators (which
    /// some readers split lines on), and the bidi controls (which reorder what a terminal
    /// shows).
    static func isEscapedAlways(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            true
        default: false
        }
    }

    /// `\u` and four hex digits for a scalar of the Basic Multilingual Plane.
    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Compact JSON with the scalars of `isEscapedAlways` escaped too.
    private static func escapedJSON(_ value: JSONValue) -> String {
        var text = ""
        for scalar in value.serialized.unicodeScalars {
            if isEscapedAlways(scalar) {
                text += escape(scalar)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// The time between two monotonic readings as milliseconds with three decimals.
    static func milliseconds(from start: UInt64, to end: UInt64) -> String {
        let micros = (end > start ? end - start : 0) / 1000
        let fraction = String(micros % 1000)
        return String(micros / 1000) + "." + String(repeating: "0", count: 3 - fraction.count)
            + fraction
    }
}
