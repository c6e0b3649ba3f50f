import Glibc

/// A blocking TCP client for 127.0.0.1 that sends exactly the bytes a test gives it and
/// reads what comes back, so that malformed and pipelined requests reach tokengate as
/// written (no HTTP library would send most of the smuggling corpus).
///
/// Reads wait with `poll` up to a deadline. A reset by the peer counts as a close: a
/// server that closes with unread request bytes resets the connection, and the response
/// it wrote first is still read before the reset is seen.
final class RawClient {
    /// How reading ended.
    enum Ending: Equatable {
        /// The peer closed the connection (end of file).
        case closed
        /// The peer reset the connection.
        case reset
        /// The deadline passed with the connection still open.
        case timedOut
    }

    /// What `readUntilClose` got.
    struct Reply: CustomStringConvertible {
        /// Every byte received.
        var bytes: [UInt8]
        /// How reading ended.
        var ending: Ending

        /// Whether the peer closed or reset the connection.
        var isClosed: Bool { ending != .timedOut }

        /// The bytes as text, for messages.
        var text: String { String(decoding: bytes, as: UTF8.self) }

        /// How it ended and the first 300 bytes, for failure messages.
        var description: String {
            let shown = String(decoding: bytes.prefix(300), as: UTF8.self)
            return "\(ending) after \(bytes.count) bytes: \(shown.debugDescription)"
        }

        /// The responses in the bytes, read as answers to requests with `methods`.
        func responses(to methods: [String] = ["GET"]) throws -> [HTTPResponse] {
            var responses: [HTTPResponse] = []
            var rest = bytes[...]
            for method in methods {
                guard let (response, length) = try HTTPResponse.parse(rest, to: method, atEnd: true)
                else { throw HarnessError("no whole response to \(method) in: \(text)") }
                responses.append(response)
                rest = rest.dropFirst(length)
            }
            return responses
        }

        /// The first response in the bytes.
        func response(to method: String = "GET") throws -> HTTPResponse {
            try responses(to: [method])[0]
        }
    }

    private var fd: Int32
    private var pending: [UInt8] = []
    private var ending: Ending?

    /// Connects to `127.0.0.1:port`.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        var address = sockaddr_in.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            fd = -1
            throw HarnessError("cannot connect to 127.0.0.1:\(port): errno \(code)")
        }
    }

    deinit {
        close()
    }

    /// Sends every byte; returns false when the peer had already gone (no SIGPIPE).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Sends `text` as UTF-8, exactly as written (`\r\n` and all).
    @discardableResult
    func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    /// Reads until the peer closes or `timeout` passes; returns every byte not yet taken
    /// by `readResponse`.
    func readUntilClose(timeout: Duration = .seconds(3)) -> Reply {
        let deadline = ContinuousClock.now + timeout
        while ending == nil && receive(until: deadline) {}
        defer { pending = [] }
        return Reply(bytes: pending, ending: ending ?? .timedOut)
    }

    /// Reads one whole response to a request with `method` (interim 1xx responses are
    /// skipped); bytes after it stay for the next call.
    func readResponse(to method: String = "GET", timeout: Duration = .seconds(10)) throws
        -> HTTPResponse
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let (response, length) = try HTTPResponse.parse(
                pending[...], to: method, atEnd: ending != nil)
            {
                pending.removeFirst(length)
                if (100..<200).contains(response.status) && response.status != 101 { continue }
                return response
            }
            if ending != nil {
                throw HarnessError(
                    "connection \(ending == .reset ? "reset" : "closed") before a whole "
                        + "response; got: \(String(decoding: pending, as: UTF8.self))")
            }
            guard receive(until: deadline) else {
                throw HarnessError(
                    "no whole response within \(timeout); got: "
                        + String(decoding: pending, as: UTF8.self))
            }
        }
    }

    /// Reads one response for each of `methods`, in order.
    func readResponses(to methods: [String], timeout: Duration = .seconds(10)) throws
        -> [HTTPResponse]
    {
        try methods.map { try readResponse(to: $0, timeout: timeout) }
    }

    /// Whether the peer closes the connection within `timeout`, without sending anything
    /// more than what was already read.
    func isClosedByPeer(within timeout: Duration = .seconds(3)) -> Bool {
        let reply = readUntilClose(timeout: timeout)
        return reply.isClosed && reply.bytes.isEmpty
    }

    /// Closes the socket.
    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// Waits for bytes until `deadline`; returns false when it passed first.
    ///
    /// Sets `ending` when the peer closes or resets.
    private func receive(until deadline: ContinuousClock.Instant) -> Bool {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return false }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = Int32(
            min(seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1, 60_000))
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 && errno == EINTR { return true }
        guard ready > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if got > 0 {
            pending.append(contentsOf: buffer[..<got])
        } else if got == 0 {
            ending = .closed
        } else if errno != EINTR && errno != EAGAIN {
            ending = .reset
        }
        return true
    }
}
