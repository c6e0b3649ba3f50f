import Foundation

/// Reads access log lines back into fields: logfmt as tokengate writes it (bare or quoted
/// values, `\"`, `\\`, `\n`, `\r`, `\t` and `\uXXXX` escapes), or one JSON object per line.
enum AccessLogReader {
    /// The keys of every line, in the contract's order.
    static let keys = [
        "time", "request_id", "client", "route", "method", "path", "status", "decision",
        "reason", "issuer", "iss", "sub", "bytes_in", "bytes_out", "duration_ms", "upstream_ms",
    ]

    /// One logfmt line as ordered key and value pairs; a `HarnessError` when it does not
    /// read as logfmt.
    static func logfmt(_ line: String) throws -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        var rest = Substring(line)
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else {
                throw HarnessError("no = after \(rest.prefix(40)) in: \(line)")
            }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\"" {
                        closed = true
                        break
                    }
                    guard character == "\\" else {
                        value.append(character)
                        continue
                    }
                    guard let escaped = rest.first else { break }
                    rest = rest.dropFirst()
                    switch escaped {
                    case "n": value.append("\n")
                    case "r": value.append("\r")
                    case "t": value.append("\t")
                    case "u":
                        guard let code = UInt32(rest.prefix(4), radix: 16),
                            let scalar = Unicode.Scalar(code)
                        else { throw HarnessError("bad \\u escape in: \(line)") }
                        value.unicodeScalars.append(scalar)
                        rest = rest.dropFirst(4)
                    default: value.append(escaped)
                    }
                }
                guard closed else { throw HarnessError("unclosed quote in: \(line)") }
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            pairs.append((key, value))
            guard rest.isEmpty || rest.first == " " else {
                throw HarnessError("no space after the value of \(key) in: \(line)")
            }
            rest = rest.drop { $0 == " " }
        }
        return pairs
    }

    /// The access lines of `text` (lines with a `request_id`; the daemon's own lines have
    /// none), each as a dictionary, after checking each has exactly the contract's keys in
    /// order.
    static func logfmtLines(in text: String) throws -> [[String: String]] {
        try text.split(separator: "\n").map(String.init).filter { $0.contains(" request_id=") }
            .map { line in
                let pairs = try logfmt(line)
                guard pairs.map(\.key) == keys else {
                    throw HarnessError("keys \(pairs.map(\.key)) in: \(line)")
                }
                return Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            }
    }

    /// Waits up to five seconds for a line that `matches` in what `read` returns.
    static func waitForLine(
        _ read: () throws -> [[String: String]], where matches: ([String: String]) -> Bool
    ) throws -> [String: String] {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            if let line = try read().first(where: matches) { return line }
            guard ContinuousClock.now < deadline else {
                throw HarnessError("no access line matched within 5 s")
            }
            usleep(20_000)
        }
    }
}
