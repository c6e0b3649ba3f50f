import HTTP1

/// tokengate's own answers: a small JSON body naming the kind of failure, and the route's
/// `response_header` fields, which the contract sets on errors too.
enum ErrorResponse {
    /// The `error` code of each status tokengate answers itself.
    static func code(for status: Int) -> String {
        switch status {
        case 400: "bad_request"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 408: "request_timeout"
        case 413: "body_too_large"
        case 502: "bad_gateway"
        case 504: "upstream_timeout"
        default: "error"
        }
    }

    /// Answers `exchange` with `status`; the connection closes when `close` is set or the
    /// request still has a body on the wire.
    static func send(
        _ exchange: HTTPExchange, status: Int, route: ProxyRoute?, headers: [HeaderField] = [],
        body: [UInt8]? = nil, close: Bool = false
    ) {
        var fields = [HeaderField(name: "Content-Type", value: "application/json")] + headers
        for header in route?.responseHeaders ?? [] {
            fields.removeAll { $0.hasName(header.name) }
            fields.append(HeaderField(name: header.name, value: header.value))
        }
        let body = body ?? Array("{\"error\":\"\(code(for: status))\"}".utf8)
        let bodyPending = exchange.head.framing != .none && !exchange.isBodyComplete
        exchange.respond(
            status: status, headers: fields, body: body, closeConnection: close || bodyPending)
    }
}
