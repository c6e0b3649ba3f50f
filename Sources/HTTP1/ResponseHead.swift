/// Writes response heads: the status line, the fields, and the framing and connection
/// fields that tokengate derives itself.
enum ResponseHead {
    static func serialize(
        status: Int, headers: [HeaderField], framing: ResponseFraming, keepAlive: Bool,
        minorVersion: Int, writesLength: Bool = true
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(
            128 + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
        append("HTTP/1.1 ")
        append(String(status))
        append(" ")
        append(reasonPhrase(status))
        append("\r\n")
        for field in headers {
            append(field.name)
            append(": ")
            append(field.value)
            append("\r\n")
        }
        if writesLength {
            switch framing {
            case .length(let length):
                append("Content-Length: ")
                append(String(length))
                append("\r\n")
            case .chunked: append("Transfer-Encoding: chunked\r\n")
            case .none, .untilClose: break
            }
        }
        if status == 101 {
            append("Connection: upgrade\r\n")
        } else if !keepAlive {
            append("Connection: close\r\n")
        } else if minorVersion == 0 {
            append("Connection: keep-alive\r\n")
        }
        append("\r\n")
        return bytes
    }

    /// The usual reason phrase; clients ignore it (RFC 9112 §4).
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}
