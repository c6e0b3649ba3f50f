import Foundation

/// One HTTP/1.1 response as a client received it, parsed strictly enough to tell where it
/// ends: a test that reads a body where none may be, or misses one, sees the next response
/// fail to parse.
struct HTTPResponse {
    /// `HTTP/1.1` or `HTTP/1.0`.
    var version: String
    /// The status code.
    var status: Int
    /// The header fields in the order received, names as sent.
    var headers: [(name: String, value: String)]
    /// The body, decoded from chunked framing when the response was chunked.
    var body: [UInt8]

    /// The values of every field named `name` (case-insensitive), in order.
    func values(of name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The value of the first field named `name`, or nil.
    func value(of name: String) -> String? {
        values(of: name).first
    }

    /// Whether the response came with `Transfer-Encoding: chunked`.
    var isChunked: Bool {
        values(of: "transfer-encoding").contains { $0.lowercased().contains("chunked") }
    }

    /// The body as text.
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object (the echo upstream's answer, tokengate's errors).
    func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { throw HarnessError("the body is not a JSON object: \(bodyText)") }
        return object
    }

    /// Parses the response at the start of `bytes` to a request with `method`.
    ///
    /// Returns the response and its length in bytes, or nil while it is incomplete.
    /// `atEnd` says that the connection has closed, which ends a body that has neither
    /// length nor chunks.
    static func parse(_ bytes: ArraySlice<UInt8>, to method: String, atEnd: Bool) throws
        -> (HTTPResponse, Int)?
    {
        guard let headEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes) else { return nil }
        let headText = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."),
            let status = Int(statusLine[1])
        else { throw HarnessError("malformed status line in: \(headText)") }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                throw HarnessError("malformed header line \"\(line)\" in: \(headText)")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((String(line[..<colon]), value))
        }
        var response = HTTPResponse(
            version: String(statusLine[0]), status: status, headers: headers, body: [])
        let bodyStart = headEnd + 4
        let rest = bytes[bodyStart...]

        if method == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304 {
            return (response, bodyStart - bytes.startIndex)
        }
        if response.isChunked {
            guard let (body, length) = try decodeChunked(rest) else { return nil }
            response.body = body
            return (response, bodyStart - bytes.startIndex + length)
        }
        if let lengthText = response.value(of: "content-length") {
            guard let length = Int(lengthText) else {
                throw HarnessError("malformed Content-Length \(lengthText)")
            }
            guard rest.count >= length else { return nil }
            response.body = Array(rest.prefix(length))
            return (response, bodyStart - bytes.startIndex + length)
        }
        guard atEnd else { return nil }
        response.body = Array(rest)
        return (response, bytes.count)
    }

    /// Decodes a chunked body; nil while incomplete.
    ///
    /// The chunks are located first and copied only once all have arrived, so that a
    /// large body is not copied on every read.
    private static func decodeChunked(_ bytes: ArraySlice<UInt8>) throws -> ([UInt8], Int)? {
        var chunks: [Range<Int>] = []
        var index = bytes.startIndex
        while true {
            guard let lineEnd = find([0x0D, 0x0A], in: bytes[index...]) else { return nil }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                throw HarnessError("malformed chunk size \"\(sizeText)\"")
            }
            index = lineEnd + 2
            if size == 0 { break }
            guard bytes.endIndex - index >= size + 2 else { return nil }
            chunks.append(index..<(index + size))
            index += size + 2
        }
        while true {
            guard let lineEnd = find([0x0D, 0x0A], in: bytes[index...]) else { return nil }
            let isLast = lineEnd == index
            index = lineEnd + 2
            if isLast { break }
        }
        var body: [UInt8] = []
        body.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for chunk in chunks { body.append(contentsOf: bytes[chunk]) }
        return (body, index - bytes.startIndex)
    }

    private static func find(_ needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.startIndex
        while index + needle.count <= bytes.endIndex {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
