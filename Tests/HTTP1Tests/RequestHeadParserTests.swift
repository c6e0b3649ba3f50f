import Testing

@testable import HTTP1

/// Feeds `text` to a fresh parser in one piece.
func parseHead(_ text: String, maximumHeadLength: Int = 64 * 1024) throws(RequestError)
    -> RequestHeadParser.Outcome
{
    var parser = RequestHeadParser(maximumHeadLength: maximumHeadLength)
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { (buffer) throws(RequestError) in
        try parser.parse(buffer)
    }
}

func status(of text: String) -> Int {
    do {
        switch try parseHead(text) {
        case .incomplete: return 0
        case .head: return 200
        }
    } catch {
        return error.status
    }
}

@Suite struct RequestHeadParserTests {
    @Test func parsesAKeepAliveGet() throws {
        let text = "GET /a/b?x=1 HTTP/1.1\r\nHost: Example.com:8080\r\nAccept: */*\r\n\r\nNEXT"
        guard case .head(let head, let length) = try parseHead(text) else {
            Issue.record("no head")
            return
        }
        #expect(length == text.utf8.count - 4)
        #expect(head.method == "GET")
        #expect(head.path == "/a/b")
        #expect(head.query == "x=1")
        #expect(head.host == "example.com")
        #expect(head.port == 8080)
        #expect(head.isKeepAlive)
        #expect(head.framing == .none)
        #expect(head.values(of: "accept") == ["*/*"])
    }

    @Test func waitsForTheEndOfTheHeadByteByByte() throws {
        let bytes = Array("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n".utf8)
        var parser = RequestHeadParser()
        for end in 1..<bytes.count {
            let outcome = try Array(bytes[..<end]).withUnsafeBufferPointer {
                (buffer) throws(RequestError) in try parser.parse(buffer)
            }
            #expect(outcome == .incomplete)
        }
        let outcome = try bytes.withUnsafeBufferPointer { (buffer) throws(RequestError) in
            try parser.parse(buffer)
        }
        guard case .head(let head, _) = outcome else {
            Issue.record("no head")
            return
        }
        #expect(head.framing == .contentLength(5))
    }

    @Test func routesAnAbsoluteFormTargetByItsHostAndPath() throws {
        guard
            case .head(let head, _) = try parseHead(
                "GET http://Api.Example.com/v2/x?q HTTP/1.1\r\nHost: api.example.com\r\n\r\n")
        else {
            Issue.record("no head")
            return
        }
        #expect(head.host == "api.example.com")
        #expect(head.path == "/v2/x")
        #expect(head.query == "q")
    }

    @Test func keepsHTTP10ConnectionsOnlyOnRequest() throws {
        guard case .head(let plain, _) = try parseHead("GET / HTTP/1.0\r\n\r\n"),
            case .head(let asked, _) = try parseHead(
                "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        else {
            Issue.record("no head")
            return
        }
        #expect(!plain.isKeepAlive)
        #expect(asked.isKeepAlive)
    }

    @Test func acceptsTheLargestContentLengthAnOffsetHolds() throws {
        guard
            case .head(let head, _) = try parseHead(
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775807\r\n\r\n")
        else {
            Issue.record("no head")
            return
        }
        #expect(head.framing == .contentLength(UInt64(Int64.max)))
    }

    @Test func acceptsRepeatedIdenticalContentLength() throws {
        guard
            case .head(let head, _) = try parseHead(
                "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\n")
        else {
            Issue.record("no head")
            return
        }
        #expect(head.framing == .contentLength(7))
    }

    /// The smuggling corpus at the parser level: each request must be refused with `status`.
    @Test(arguments: [
        (
            name: "F29 CL 0 with TE chunked",
            request:
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n",
            status: 400
        ),
        (
            name: "TE then CL",
            request:
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Length: 5\r\n\r\n",
            status: 400
        ),
        (
            name: "F29 two different CL",
            request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            status: 400
        ),
        (
            name: "CL list differing",
            request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n", status: 400
        ),
        (
            name: "CL with sign",
            request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", status: 400
        ),
        (
            name: "CL hex", request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\n",
            status: 400
        ),
        (
            name: "CL overflow",
            request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
            status: 400
        ),
        (
            name: "CL past Int64.max, as libcurl's curl_off_t and the file offsets count",
            request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775808\r\n\r\n",
            status: 400
        ),
        (
            name: "CL of nineteen nines",
            request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9999999999999999999\r\n\r\n",
            status: 400
        ),
        (
            name: "unknown coding",
            request: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            status: 400
        ),
        (
            name: "chunked twice",
            request:
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n",
            status: 400
        ),
        (
            name: "TE in HTTP/1.0",
            request: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400
        ),
        (
            name: "TE with space before colon",
            request: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n",
            status: 400
        ),
        (
            name: "F30 obs-fold CL",
            request: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n 5\r\n\r\n", status: 400
        ),
        (name: "F30 bare LF", request: "GET / HTTP/1.1\nHost: h\n\n", status: 400),
        (
            name: "bare LF in one line", request: "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n",
            status: 400
        ),
        (name: "bare CR", request: "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", status: 400),
        (
            name: "NUL in header", request: "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n",
            status: 400
        ),
        (
            name: "control char in header",
            request: "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n", status: 400
        ),
        (name: "Host twice", request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        (name: "no Host in 1.1", request: "GET / HTTP/1.1\r\nX: y\r\n\r\n", status: 400),
        (
            name: "Host disagrees with absolute form",
            request: "GET http://a/x HTTP/1.1\r\nHost: b\r\n\r\n", status: 400
        ),
        (name: "CONNECT", request: "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", status: 400),
        (name: "asterisk form", request: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        (name: "authority form", request: "GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400),
        (name: "HTTP/2.0 line", request: "GET / HTTP/2.0\r\nHost: h\r\n\r\n", status: 505),
        (name: "lower-case version", request: "GET / http/1.1\r\nHost: h\r\n\r\n", status: 400),
        (name: "two spaces", request: "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        (name: "space in target", request: "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        (
            name: "empty header name", request: "GET / HTTP/1.1\r\nHost: h\r\n: x\r\n\r\n",
            status: 400
        ),
        (
            name: "target too long",
            request: "GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: h\r\n\r\n",
            status: 414
        ),
        (
            name: "head too large",
            request: "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X-A: b\r\n", count: 10000)
                + "\r\n", status: 431
        ),
    ])
    func refusesAmbiguousOrMalformedHeads(name: String, request: String, status expected: Int) {
        #expect(status(of: request) == expected, "\(name)")
    }
}
