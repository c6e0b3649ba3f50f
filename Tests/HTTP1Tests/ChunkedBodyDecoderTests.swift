import HTTP1
import Testing

/// Decodes `text` fed in pieces of `step` bytes; returns the body, or the refusal status.
func decodeChunked(_ text: String, step: Int = 1) -> (body: String, finished: Bool, status: Int?) {
    var decoder = ChunkedBodyDecoder()
    var body: [UInt8] = []
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count && !decoder.isFinished {
        let end = min(bytes.count, offset + step)
        do {
            let consumed = try Array(bytes[offset..<end]).withUnsafeBufferPointer {
                (buffer) throws(RequestError) in
                try decoder.decode(buffer) { body.append(contentsOf: $0) }
            }
            offset += consumed
        } catch {
            return (String(decoding: body, as: UTF8.self), false, error.status)
        }
    }
    return (String(decoding: body, as: UTF8.self), decoder.isFinished, nil)
}

@Suite struct ChunkedBodyDecoderTests {
    @Test(arguments: [1, 3, 1000])
    func decodesChunksExtensionsAndTrailersInAnyPieces(step: Int) {
        let text = "5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
        let result = decodeChunked(text, step: step)
        #expect(result.body == "hello world")
        #expect(result.finished)
        #expect(result.status == nil)
    }

    @Test func stopsAtTheEndOfTheBodyLeavingTheNextRequest() throws {
        var decoder = ChunkedBodyDecoder()
        let bytes = Array("1\r\na\r\n0\r\n\r\nGET / HTTP/1.1\r\n".utf8)
        let consumed = try bytes.withUnsafeBufferPointer { (buffer) throws(RequestError) in
            try decoder.decode(buffer) { _ in }
        }
        #expect(consumed == 11)
        #expect(decoder.isFinished)
    }

    @Test(arguments: [
        (name: "0x prefix", text: "0x5\r\nhello\r\n0\r\n\r\n"),
        (name: "overlong size", text: "00000000000000005\r\nhello\r\n0\r\n\r\n"),
        (name: "huge size", text: "fffffffffffffffff\r\n"),
        (name: "space before extension", text: "5 ;x\r\nhello\r\n0\r\n\r\n"),
        (name: "size with bare LF", text: "5\nhello\r\n0\r\n\r\n"),
        (name: "data longer than size", text: "3\r\nhello\r\n0\r\n\r\n"),
        (name: "control character in extension", text: "5;\u{1}\r\nhello\r\n0\r\n\r\n"),
        (name: "negative size", text: "-5\r\nhello\r\n0\r\n\r\n"),
        (name: "empty size", text: "\r\nhello\r\n"),
        (name: "folded trailer", text: "0\r\nX: a\r\n b\r\n\r\n"),
        (name: "bare CR after data", text: "5\r\nhello\r0\r\n\r\n"),
        (name: "trailer without a colon", text: "0\r\nX-T 1\r\n\r\n"),
        (name: "trailer with an empty name", text: "0\r\n: v\r\n\r\n"),
        (name: "space before a trailer's colon", text: "0\r\nX-T : v\r\n\r\n"),
    ])
    func refusesAmbiguousChunking(name: String, text: String) {
        #expect(decodeChunked(text).status == 400, "\(name)")
    }

    @Test func acceptsAWellFormedTrailer() {
        #expect(decodeChunked("5\r\nhello\r\n0\r\nX-Checksum: abc, d:e\r\n\r\n").status == nil)
    }
}
