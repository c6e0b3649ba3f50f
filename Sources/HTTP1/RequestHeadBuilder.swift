/// Derives a request's target, host, framing and connection handling from its parsed line
/// and fields, refusing every combination that two readers could frame differently.
struct RequestHeadBuilder {
    let method: String
    let target: String
    let minorVersion: Int
    let headers: [HeaderField]

    func build() throws(RequestError) -> RequestHead {
        guard method != "CONNECT" else { throw RequestError(400, "CONNECT is not proxied") }
        let parsedTarget = try RequestTarget(target)
        let (host, port) = try resolveHost(parsedTarget)
        let framing = try bodyFraming()
        let connection = Set(listValues("connection").map { $0.lowercased() })
        let isKeepAlive =
            minorVersion == 1
            ? !connection.contains("close")
            : connection.contains("keep-alive") && !connection.contains("close")
        let expectsContinue = listValues("expect").contains { $0.lowercased() == "100-continue" }
        let isUpgrade = connection.contains("upgrade") && !listValues("upgrade").isEmpty
        return RequestHead(
            method: method, target: target, minorVersion: minorVersion, headers: headers,
            framing: framing, host: host, port: port, path: parsedTarget.path,
            query: parsedTarget.query, isKeepAlive: isKeepAlive,
            expectsContinue: expectsContinue, isUpgrade: isUpgrade)
    }

    /// The comma-separated elements of every field named `name`, trimmed, empty ones left out.
    func listValues(_ name: String) -> [String] {
        headers.filter { $0.hasName(name) }.flatMap { field in
            field.value.split(separator: ",", omittingEmptySubsequences: true).map {
                $0.trimmingASCIIWhitespace()
            }.filter { !$0.isEmpty }
        }
    }

    /// RFC 9112 §3.2: HTTP/1.1 needs exactly one `Host`; an absolute-form target names the
    /// host itself, and a `Host` that disagrees with it is refused rather than guessed at.
    func resolveHost(_ target: RequestTarget) throws(RequestError) -> (String?, Int?) {
        let hostFields = headers.filter { $0.hasName("host") }
        guard hostFields.count <= 1 else { throw RequestError(400, "Host given twice") }
        guard let hostField = hostFields.first else {
            if minorVersion == 1 { throw RequestError(400, "HTTP/1.1 request without Host") }
            return (target.host, target.port)
        }
        let (host, port) = try Authority.parse(hostField.value)
        if let targetHost = target.host {
            guard targetHost == host, target.port == port else {
                throw RequestError(400, "Host disagrees with the request target")
            }
        }
        return (host, port)
    }

    /// RFC 9112 §6.1–6.3 with the contract's refusals: both Content-Length and
    /// Transfer-Encoding, differing lengths, and any coding but a lone `chunked`.
    func bodyFraming() throws(RequestError) -> BodyFraming {
        let lengths = listValues("content-length")
        let codings = listValues("transfer-encoding")
        let hasTransferEncoding = headers.contains { $0.hasName("transfer-encoding") }
        if hasTransferEncoding {
            guard lengths.isEmpty, !headers.contains(where: { $0.hasName("content-length") })
            else { throw RequestError(400, "both Content-Length and Transfer-Encoding") }
            guard minorVersion == 1 else {
                throw RequestError(400, "Transfer-Encoding in an HTTP/1.0 request")
            }
            guard codings.count == 1, codings[0].lowercased() == "chunked" else {
                throw RequestError(400, "unsupported transfer coding")
            }
            return .chunked
        }
        let hasContentLength = headers.contains { $0.hasName("content-length") }
        guard hasContentLength else { return .none }
        guard let first = lengths.first, lengths.allSatisfy({ $0 == first }) else {
            throw RequestError(400, "conflicting Content-Length values")
        }
        // A length must fit a signed 64-bit offset, as libcurl's `curl_off_t` and every file
        // offset on the way do.
        guard first.utf8.count <= 19, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let length = UInt64(first), length <= UInt64(Int64.max)
        else { throw RequestError(400, "malformed Content-Length") }
        return length == 0 ? .none : .contentLength(length)
    }
}

/// A request target split into its parts (RFC 9112 §3.2).
struct RequestTarget {
    var host: String?
    var port: Int?
    var path: String
    var query: String?

    init(_ target: String) throws(RequestError) {
        guard !target.contains("#") else { throw RequestError(400, "fragment in the target") }
        var rest = Substring(target)
        if !rest.hasPrefix("/") {
            let lowered = rest.prefix(8).lowercased()
            let schemeLength: Int
            if lowered.hasPrefix("http://") {
                schemeLength = 7
            } else if lowered.hasPrefix("https://") {
                schemeLength = 8
            } else {
                throw RequestError(400, "request target is not in origin or absolute form")
            }
            rest = rest.dropFirst(schemeLength)
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            (host, port) = try Authority.parse(rest[..<authorityEnd])
            rest = rest[authorityEnd...]
        }
        if let questionMark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: questionMark)...])
            rest = rest[..<questionMark]
        }
        path = rest.isEmpty ? "/" : String(rest)
    }
}

/// `host [":" port]` as in `Host` and absolute-form targets; the host is lower-cased.
enum Authority {
    static func parse(_ text: some StringProtocol) throws(RequestError) -> (String, Int?) {
        var host = Substring(text)
        var port: Int?
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") {
            let digits = host[host.index(after: colon)...]
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy(\.isASCIIDigit),
                let number = Int(digits), number <= 65535
            else { throw RequestError(400, "malformed port") }
            port = number
            host = host[..<colon]
        }
        // RFC 3986 reg-name and IP-literal characters, checked as bytes: Character's Unicode
        // properties cost more than the whole rest of the head.
        let allowed: (UInt8) -> Bool = { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "-._~!$&'()*+,;=:[]%".utf8.contains(byte)
            }
        }
        guard !host.isEmpty, host.utf8.allSatisfy(allowed) else {
            throw RequestError(400, "malformed host")
        }
        return (host.lowercased(), port)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }),
            let end = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}

extension Character {
    /// Whether this is one of `0`…`9`.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
