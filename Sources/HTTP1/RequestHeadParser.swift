/// Finds and parses request heads in a connection's input, strictly: whatever one reader
/// could take two ways is refused (RFC 9112 §2.2, §6.3, §11.2).
///
/// It is a pure value fed the bytes received so far; it keeps how far it has scanned, so
/// bytes that arrive one at a time are not scanned again.
public struct RequestHeadParser: Sendable {
    /// Longest request target accepted, as nginx's default large buffer (414 past it).
    public static let maximumTargetLength = 8 * 1024

    /// The largest head accepted, request line and fields (431 past it).
    public var maximumHeadLength: Int
    private var scanned = 0
    private var lineStart = 0

    /// A parser for heads of at most `maximumHeadLength` bytes.
    public init(maximumHeadLength: Int = 64 * 1024) {
        self.maximumHeadLength = maximumHeadLength
    }

    /// What one call found.
    public enum Outcome: Equatable, Sendable {
        /// The head is not complete yet.
        case incomplete
        /// A head of `length` bytes, followed by the body or the next request.
        case head(RequestHead, length: Int)
    }

    /// Looks for a complete head at the start of `input`; call again with more bytes after
    /// `.incomplete`, and `reset()` before the next request.
    public mutating func parse(_ input: UnsafeBufferPointer<UInt8>) throws(RequestError)
        -> Outcome
    {
        while scanned < input.count {
            let byte = input[scanned]
            let followsCR = scanned > 0 && input[scanned - 1] == 0x0D
            if followsCR && byte != 0x0A { throw RequestError(400, "bare CR") }
            if byte == 0 { throw RequestError(400, "NUL in the request head") }
            if byte == 0x0A {
                guard followsCR else { throw RequestError(400, "line ends in a bare LF") }
                let lineLength = scanned - 1 - lineStart
                if lineLength == 0 {
                    guard lineStart > 0 else { throw RequestError(400, "empty request line") }
                    let length = scanned + 1
                    reset()
                    let head = try Self.parseHead(UnsafeBufferPointer(rebasing: input[..<length]))
                    return .head(head, length: length)
                }
                lineStart = scanned + 1
            }
            scanned += 1
            if lineStart == 0 && scanned > Self.maximumTargetLength + 32 {
                throw RequestError(414, "request line too long")
            }
            if scanned > maximumHeadLength {
                throw RequestError(431, "request head too large")
            }
        }
        return .incomplete
    }

    /// Forgets the scan position, for the next request on the connection.
    public mutating func reset() {
        scanned = 0
        lineStart = 0
    }

    /// Parses a complete head that ends in an empty line.
    static func parseHead(_ head: UnsafeBufferPointer<UInt8>) throws(RequestError)
        -> RequestHead
    {
        var lines = HeadLines(head)
        guard let requestLine = lines.next() else { throw RequestError(400, "no request line") }
        let (method, target, minor) = try parseRequestLine(requestLine)
        var fields: [HeaderField] = []
        while let line = lines.next(), !line.isEmpty {
            fields.append(try parseField(line))
        }
        return try RequestHeadBuilder(
            method: method, target: target, minorVersion: minor,
            headers: fields
        ).build()
    }

    static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(RequestError)
        -> (String, String, Int)
    {
        guard let firstSpace = line.firstIndex(of: 0x20),
            let lastSpace = line.lastIndex(of: 0x20), firstSpace < lastSpace
        else { throw RequestError(400, "malformed request line") }
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<lastSpace]
        let version = line[(lastSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy(isTokenCharacter) else {
            throw RequestError(400, "malformed method")
        }
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw RequestError(400, "malformed request target")
        }
        guard target.count <= maximumTargetLength else {
            throw RequestError(414, "request target too long")
        }
        guard version.count == 8, version.starts(with: "HTTP/1.".utf8) else {
            if version.starts(with: "HTTP/".utf8) {
                throw RequestError(505, "HTTP version not supported")
            }
            throw RequestError(400, "malformed HTTP version")
        }
        let minor: Int
        switch version[version.endIndex - 1] {
        case UInt8(ascii: "1"): minor = 1
        case UInt8(ascii: "0"): minor = 0
        default: throw RequestError(505, "HTTP version not supported")
        }
        return (
            String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self),
            minor
        )
    }

    /// `field-name ":" OWS field-value OWS`; whitespace before the colon and obs-fold are
    /// refused (RFC 9112 §5.1, §5.2), and so is any control character but HT in the value.
    static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(RequestError)
        -> HeaderField
    {
        guard let first = line.first, first != 0x20, first != 0x09 else {
            throw RequestError(400, "obsolete line folding")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            throw RequestError(400, "header line without a name")
        }
        let name = line[..<colon]
        guard name.allSatisfy(isTokenCharacter) else {
            throw RequestError(400, "malformed header name")
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 0x20 || byte == 0x09 { value = value.dropFirst() }
        while let byte = value.last, byte == 0x20 || byte == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
            throw RequestError(400, "control character in a header value")
        }
        return HeaderField(
            name: String(decoding: name, as: UTF8.self),
            value: String(decoding: value, as: UTF8.self))
    }
}

/// RFC 9110 §5.6.2 `tchar`.
@inline(__always)
func isTokenCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}

/// The CRLF-terminated lines of a head, without their CRLF.
struct HeadLines: IteratorProtocol {
    let head: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ head: UnsafeBufferPointer<UInt8>) {
        self.head = head
    }

    mutating func next() -> UnsafeBufferPointer<UInt8>? {
        guard position < head.count else { return nil }
        var end = position
        while end + 1 < head.count && !(head[end] == 0x0D && head[end + 1] == 0x0A) { end += 1 }
        let line = UnsafeBufferPointer(rebasing: head[position..<min(end, head.count)])
        position = end + 2
        return line
    }
}
