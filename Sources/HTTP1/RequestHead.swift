/// A request line and its header fields, parsed and checked for unambiguous framing.
public struct RequestHead: Sendable, Equatable {
    /// The method, case-sensitive as RFC 9110 §9.1 says (`GET`, `POST`, ...).
    public var method: String
    /// The request target exactly as sent: origin-form (`/path?query`) or absolute-form.
    public var target: String
    /// 1 for HTTP/1.1, 0 for HTTP/1.0.
    public var minorVersion: Int
    /// Header fields in the order received, names as sent.
    public var headers: [HeaderField]
    /// How the request's body is delimited.
    public var framing: BodyFraming
    /// The host the request is for, without port: the absolute-form target's, else `Host`'s.
    public var host: String?
    /// The port named by the target or `Host`, if any.
    public var port: Int?
    /// The path part of the target, before normalisation, without the query.
    public var path: String
    /// The query string without `?`, if any.
    public var query: String?
    /// Whether the connection stays open after this exchange, as the client asked.
    public var isKeepAlive: Bool
    /// Whether the client sent `Expect: 100-continue`.
    public var expectsContinue: Bool
    /// Whether the client asks to switch protocols (`Connection: upgrade` with `Upgrade`).
    public var isUpgrade: Bool

    /// The values of every field named `name` (compared case-insensitively).
    public func values(of name: String) -> [String] {
        headers.filter { $0.hasName(name) }.map(\.value)
    }
}

/// One header field.
public struct HeaderField: Sendable, Equatable {
    /// The field name as sent.
    public var name: String
    /// The value without surrounding whitespace.
    public var value: String

    /// A field with this name and value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Whether the field's name is `other`, ignoring ASCII case.
    public func hasName(_ other: String) -> Bool {
        name.utf8.count == other.utf8.count && hasNamePrefix(other)
    }

    /// Whether the name starts with `prefix`, ignoring ASCII case.
    public func hasNamePrefix(_ prefix: String) -> Bool {
        var names = name.utf8.makeIterator()
        for expected in prefix.utf8 {
            guard let byte = names.next(), asciiLowercase(byte) == asciiLowercase(expected)
            else { return false }
        }
        return true
    }
}

/// How a message body is delimited (RFC 9112 §6).
public enum BodyFraming: Sendable, Equatable {
    /// No body.
    case none
    /// Exactly this many bytes.
    case contentLength(UInt64)
    /// `Transfer-Encoding: chunked`.
    case chunked
}

/// A request refused before it reaches an upstream, with the status to answer.
public struct RequestError: Error, Equatable, Sendable {
    /// The HTTP status: 400, 405, 414, 431 or 505.
    public let status: Int
    /// What was wrong, for the debug log.
    public let reason: String

    /// A refusal with this status and reason.
    public init(_ status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }
}

@inline(__always)
func asciiLowercase(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}
