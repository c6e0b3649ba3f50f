/// One WebSocket frame (RFC 6455 §5.2) as a test client writes or reads it: enough of the
/// protocol to talk to an echo through tokengate without a library.
struct WebSocketFrame: Equatable {
    /// Frame opcodes (§5.2, §11.8).
    enum Opcode: UInt8 {
        case continuation = 0x0
        case text = 0x1
        case binary = 0x2
        case close = 0x8
        case ping = 0x9
        case pong = 0xA
    }

    /// What the frame carries.
    var opcode: Opcode
    /// The payload, unmasked.
    var payload: [UInt8]
    /// Whether this is the last frame of its message.
    var isFinal = true

    /// A text frame holding `text`.
    static func text(_ text: String) -> WebSocketFrame {
        WebSocketFrame(opcode: .text, payload: Array(text.utf8))
    }

    /// A Close frame with `code` and no reason (§5.5.1).
    static func close(code: UInt16) -> WebSocketFrame {
        WebSocketFrame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])
    }

    /// The status code of a Close frame, nil for other frames or an empty Close.
    var closeCode: Int? {
        guard opcode == .close, payload.count >= 2 else { return nil }
        return Int(payload[0]) << 8 | Int(payload[1])
    }

    /// The frame's bytes as a client must send them: masked with `mask` (§5.3).
    func maskedBytes(mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]) -> [UInt8] {
        var bytes: [UInt8] = [(isFinal ? 0x80 : 0) | opcode.rawValue]
        switch payload.count {
        case 0..<126:
            bytes.append(0x80 | UInt8(payload.count))
        case 126...0xFFFF:
            bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(0x80 | 127)
            bytes += (0..<8).reversed().map { UInt8((UInt64(payload.count) >> ($0 * 8)) & 0xFF) }
        }
        bytes += mask
        let start = bytes.count
        bytes += payload
        for index in 0..<payload.count { bytes[start + index] ^= mask[index & 3] }
        return bytes
    }

    /// Reads one frame a server sent (unmasked, §5.1) from `client`.
    static func read(from client: StreamingClient, timeout: Duration = .seconds(10)) throws
        -> WebSocketFrame
    {
        let start = try client.readExactly(2, timeout: timeout)
        guard let opcode = Opcode(rawValue: start[0] & 0x0F) else {
            throw HarnessError("unknown WebSocket opcode in \(start)")
        }
        guard start[1] & 0x80 == 0 else { throw HarnessError("a server frame was masked") }
        var length = UInt64(start[1] & 0x7F)
        if length == 126 || length == 127 {
            let extended = try client.readExactly(length == 126 ? 2 : 8, timeout: timeout)
            length = extended.reduce(0) { $0 << 8 | UInt64($1) }
        }
        let payload = try client.readExactly(Int(length), timeout: timeout)
        return WebSocketFrame(opcode: opcode, payload: payload, isFinal: start[0] & 0x80 != 0)
    }

    /// Reads one whole message (a data frame and its continuations) or control frame.
    static func readMessage(from client: StreamingClient, timeout: Duration = .seconds(10))
        throws -> WebSocketFrame
    {
        var message = try read(from: client, timeout: timeout)
        while !message.isFinal {
            let next = try read(from: client, timeout: timeout)
            guard next.opcode == .continuation else {
                throw HarnessError("a \(next.opcode) frame inside a fragmented message")
            }
            message.payload += next.payload
            message.isFinal = next.isFinal
        }
        return message
    }
}
