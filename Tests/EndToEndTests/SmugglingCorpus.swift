/// One request whose framing or head is malformed or ambiguous, sent byte for byte, and the
/// status tokengate must answer before closing the connection (DESIGN.md "On the wire").
struct SmugglingCase: Sendable, CustomStringConvertible {
    /// What is wrong with the request, with the field case it belongs to.
    let name: String
    /// The exact bytes sent, as text (`\r`, `\n` and `\u{0}` as written).
    let request: String
    /// The status tokengate answers.
    let status: Int
    /// Whether the fault lies in the body, found only once the request was routed and the
    /// upstream request begun: the upstream may see a beginning, never a whole request.
    var isInBody = false

    var description: String { name }
}

extension SmugglingCase {
    /// The corpus: every request here must be refused, the connection closed, and nothing
    /// of it may reach the upstream as a whole request.
    static let corpus: [SmugglingCase] = framingCases + chunkCases + headCases + targetCases

    private static let host = "Host: gate.example\r\n"

    static let framingCases: [SmugglingCase] = [
        SmugglingCase(
            name: "Content-Length one past Int64.max (it crashed the daemon once)",
            request: "POST /s HTTP/1.1\r\n\(host)Content-Length: 9223372036854775808\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "Content-Length of nineteen nines",
            request: "POST /s HTTP/1.1\r\n\(host)Content-Length: 9999999999999999999\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "F29 Content-Length: 0 with Transfer-Encoding: chunked",
            request: "POST /s HTTP/1.1\r\n\(host)Content-Length: 0\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "F29 Transfer-Encoding before Content-Length",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n"
                + "Content-Length: 5\r\n\r\n0\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "F29 two different Content-Length fields",
            request: "POST /s HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 6\r\n\r\n"
                + "hello!",
            status: 400),
        SmugglingCase(
            name: "a Content-Length list of two values",
            request: "POST /s HTTP/1.1\r\n\(host)Content-Length: 5, 6\r\n\r\nhello!",
            status: 400),
        SmugglingCase(
            name: "a signed Content-Length",
            request: "POST /s HTTP/1.1\r\n\(host)Content-Length: +5\r\n\r\nhello",
            status: 400),
        SmugglingCase(
            name: "an unknown transfer coding",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: xchunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "a transfer coding before chunked",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "chunked given in two Transfer-Encoding fields",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "Transfer-Encoding in an HTTP/1.0 request",
            request: "POST /s HTTP/1.0\r\n\(host)Transfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n",
            status: 400),
    ]

    static let chunkCases: [SmugglingCase] = [
        SmugglingCase(
            name: "a chunk size written with 0x",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n"
                + "0x5\r\nhello\r\n0\r\n\r\n",
            status: 400, isInBody: true),
        SmugglingCase(
            name: "a chunk size of 17 hex digits (2^64, which wraps to 0)",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n"
                + "10000000000000000\r\nhello\r\n0\r\n\r\n",
            status: 400, isInBody: true),
        SmugglingCase(
            name: "whitespace between a chunk size and its extension",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n"
                + "5 ;a=b\r\nhello\r\n0\r\n\r\n",
            status: 400, isInBody: true),
        SmugglingCase(
            name: "a chunk extension ending in a bare LF",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n"
                + "5;a=b\nhello\r\n0\r\n\r\n",
            status: 400, isInBody: true),
        SmugglingCase(
            name: "a control character in a chunk extension",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n"
                + "5;a\u{1}b\r\nhello\r\n0\r\n\r\n",
            status: 400, isInBody: true),
        SmugglingCase(
            name: "a chunk size line ending in a bare LF",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n"
                + "5\nhello\r\n0\r\n\r\n",
            status: 400, isInBody: true),
        SmugglingCase(
            name: "chunk data longer than its size",
            request: "POST /s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n"
                + "3\r\nhello\r\n0\r\n\r\n",
            status: 400, isInBody: true),
    ]

    static let headCases: [SmugglingCase] = [
        SmugglingCase(
            name: "F30 Content-Length continued on a folded line",
            request: "POST /s HTTP/1.1\r\n\(host)Content-Length: 5\r\n 0\r\n\r\nhello",
            status: 400),
        SmugglingCase(
            name: "F30 obs-fold in an ordinary field",
            request: "GET /s HTTP/1.1\r\n\(host)X-Note: a\r\n\tb\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "F30 every line ending in a bare LF",
            request: "GET /s HTTP/1.1\nHost: gate.example\n\n",
            status: 400),
        SmugglingCase(
            name: "F30 a field line ending in a bare LF",
            request: "GET /s HTTP/1.1\r\n\(host)X-Note: a\n\r\n",
            status: 400),
        SmugglingCase(
            name: "a bare CR inside a field value",
            request: "GET /s HTTP/1.1\r\n\(host)X-Note: a\rb\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "a NUL inside a field value",
            request: "GET /s HTTP/1.1\r\n\(host)X-Note: a\u{0}b\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "whitespace between a field name and its colon",
            request: "POST /s HTTP/1.1\r\n\(host)Content-Length : 5\r\n\r\nhello",
            status: 400),
        SmugglingCase(
            name: "Host given twice",
            request: "GET /s HTTP/1.1\r\nHost: gate.example\r\nHost: other.example\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "an HTTP/1.1 request without Host",
            request: "GET /s HTTP/1.1\r\nX-Note: a\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "a head larger than max_header_bytes (64 KiB)",
            request: "GET /s HTTP/1.1\r\n\(host)"
                + (0..<70).map { "X-Filler-\($0): \(String(repeating: "f", count: 1000))\r\n" }
                .joined() + "\r\n",
            status: 431),
    ]

    static let targetCases: [SmugglingCase] = [
        SmugglingCase(
            name: "CONNECT with an authority-form target",
            request: "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "an asterisk-form target",
            request: "OPTIONS * HTTP/1.1\r\n\(host)\r\n",
            status: 400),
        SmugglingCase(
            name: "an authority-form target on GET",
            request: "GET gate.example:80 HTTP/1.1\r\n\(host)\r\n",
            status: 400),
        SmugglingCase(
            name: "a request target longer than 8 KiB",
            request: "GET /\(String(repeating: "a", count: 8300)) HTTP/1.1\r\n\(host)\r\n",
            status: 414),
        SmugglingCase(
            name: "two spaces in the request line",
            request: "GET  /s HTTP/1.1\r\n\(host)\r\n",
            status: 400),
        SmugglingCase(
            name: "a Host that disagrees with the absolute-form target",
            request: "GET http://gate.example/s HTTP/1.1\r\nHost: other.example\r\n\r\n",
            status: 400),
        SmugglingCase(
            name: "a path that climbs above the root",
            request: "GET /../s HTTP/1.1\r\n\(host)\r\n",
            status: 400),
        SmugglingCase(
            name: "%00 in the path",
            request: "GET /a%00b HTTP/1.1\r\n\(host)\r\n",
            status: 400),
        SmugglingCase(
            name: "a malformed escape in the path",
            request: "GET /a%zz HTTP/1.1\r\n\(host)\r\n",
            status: 400),
    ]
}
