/// The bytes the echo upstream's `/bytes`, `/chunked` and `/stream` paths send ("abc…z"
/// repeated), written as an upload body of any size from one block that is sent again and
/// again, so that a gibibyte never sits in the test's memory.
enum PatternBody {
    /// How a body is delimited on the wire.
    enum Framing: String, CustomStringConvertible {
        /// The head carries `Content-Length`; the body is the bytes alone.
        case contentLength = "Content-Length"
        /// The head carries `Transfer-Encoding: chunked`; one chunk per block.
        case chunked

        var description: String { rawValue }

        /// The field that announces this framing for a body of `count` bytes.
        func field(for count: Int) -> String {
            switch self {
            case .contentLength: "Content-Length: \(count)"
            case .chunked: "Transfer-Encoding: chunked"
            }
        }
    }

    /// 1 GiB, the size the contract's memory bound is stated for.
    static let gibibyte = 1 << 30

    /// The SHA-256 of the first gibibyte of the pattern, worked out once with coreutils:
    /// `yes abcdefghijklmnopqrstuvwxyz | tr -d '\n' | head -c 1073741824 | sha256sum`.
    static let gibibyteSHA256 = "fbce5c669c038e5503fcc56bd6092c77cd780b9e647e60df22ecf24f671cec5d"

    /// A whole number of periods of the pattern, so that each block continues the last.
    private static let block: [UInt8] = {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        var block: [UInt8] = []
        block.reserveCapacity(alphabet.count * 40960)
        for _ in 0..<40960 { block += alphabet }
        return block
    }()

    /// Sends the first `count` bytes of the pattern as a body framed by `framing` (the
    /// head is the caller's); a chunked body gets its last chunk only when `isComplete`.
    ///
    /// Returns how many body bytes went out; fewer than `count` when the peer stopped
    /// taking them.
    @discardableResult
    static func send(
        _ count: Int, framing: Framing, over client: StreamingClient, isComplete: Bool = true
    ) -> Int {
        var sent = 0
        let delivered: Bool = block.withUnsafeBytes { block in
            while sent < count {
                let piece = UnsafeRawBufferPointer(
                    rebasing: block[..<min(block.count, count - sent)])
                if framing == .chunked {
                    guard client.send(String(piece.count, radix: 16) + "\r\n") else { return false }
                }
                guard client.send(piece) else { return false }
                if framing == .chunked {
                    guard client.send("\r\n") else { return false }
                }
                sent += piece.count
            }
            return true
        }
        if delivered && framing == .chunked && isComplete { client.send("0\r\n\r\n") }
        return sent
    }
}
