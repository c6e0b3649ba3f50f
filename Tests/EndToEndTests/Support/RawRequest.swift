/// Writes well-formed HTTP/1.1 requests as text, for the requests a test does not mean to
/// be malformed; the corpus of malformed ones is written out byte by byte instead.
enum RawRequest {
    /// `METHOD TARGET VERSION`, `Host` unless nil, `fields` in order, and `body` with its
    /// `Content-Length` when given.
    static func text(
        _ method: String = "GET", _ target: String, host: String?,
        fields: [(String, String)] = [], body: String? = nil, version: String = "HTTP/1.1"
    ) -> String {
        var lines = ["\(method) \(target) \(version)"]
        if let host { lines.append("Host: \(host)") }
        lines += fields.map { "\($0.0): \($0.1)" }
        if let body { lines.append("Content-Length: \(body.utf8.count)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
    }
}

extension TokengateDaemon {
    /// Sends `request` on a new connection and reads one response to it, read as an answer
    /// to `method` (HEAD responses have no body).
    func exchange(_ request: String, method: String = "GET") throws -> HTTPResponse {
        let client = try connect()
        defer { client.close() }
        client.send(request)
        return try client.readResponse(to: method)
    }

    /// `GET target` with `Host: host` (the daemon's own authority by default) and `fields`
    /// on a new connection; returns the response.
    func get(_ target: String, host: String? = nil, fields: [(String, String)] = [])
        throws -> HTTPResponse
    {
        try exchange(RawRequest.text("GET", target, host: host ?? authority, fields: fields))
    }
}
