import Glibc

/// A blocking TCP client for 127.0.0.1 for exchanges too large or too slow to hold: it
/// sends a body piece by piece, reads a response head, then takes the body in pieces that
/// the caller counts and drops, at whatever pace the test chooses.
///
/// Unlike `RawClient`, it keeps no body bytes it is not asked to, and every send and read
/// has a deadline, so that a daemon that stops taking a body or never answers fails the
/// test instead of hanging it.
final class StreamingClient {
    /// What one `receive` got.
    enum Received: Equatable {
        /// This many bytes were copied.
        case bytes(Int)
        /// The peer closed the connection (end of file).
        case closed
        /// The peer reset the connection.
        case reset
        /// Nothing arrived before the deadline.
        case timedOut
    }

    private var fd: Int32
    /// Bytes read past a head, handed out before anything new is read.
    private var pending: [UInt8] = []

    /// Connects to `127.0.0.1:port`; `receiveBufferSize` pins the socket's receive buffer
    /// (no autotuning), so that a slow reader holds little in its own kernel buffer.
    init(port: Int, receiveBufferSize: Int? = nil, sendTimeout: Duration = .seconds(10))
        throws
    {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        if var size = receiveBufferSize.map(Int32.init) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var limit = timeval(tv_sec: Int(sendTimeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
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

    /// Sends every byte; false when the peer has gone or took nothing for the send timeout.
    @discardableResult
    func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = Glibc.send(
                fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Sends `bytes`; false when the peer has gone or stopped taking them.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { send($0) }
    }

    /// Sends `text` as UTF-8, exactly as written.
    @discardableResult
    func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    /// Reads the next response head, interim (1xx) ones included, without its body; the
    /// bytes after it are kept for `receive`.
    func readHead(timeout: Duration = .seconds(10)) throws -> HTTPResponse {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            // Parsed as the answer to a HEAD, a response is its head alone, whatever follows.
            if let (head, length) = try HTTPResponse.parse(pending[...], to: "HEAD", atEnd: false) {
                pending.removeFirst(length)
                return head
            }
            let received = buffer.withUnsafeMutableBytes { receiveFromSocket($0, until: deadline) }
            guard case .bytes(let count) = received else {
                throw HarnessError(
                    "\(received) before a whole response head; got: "
                        + String(decoding: pending, as: UTF8.self))
            }
            pending += buffer[..<count]
        }
    }

    /// Reads one whole small response to a request with `method`, interim ones skipped.
    func readResponse(to method: String = "GET", timeout: Duration = .seconds(10)) throws
        -> HTTPResponse
    {
        let reply = readUntilClose(orWhole: method, timeout: timeout)
        var rest = reply.bytes[...]
        while let (response, length) = try HTTPResponse.parse(
            rest, to: method, atEnd: reply.isClosed)
        {
            if !(100..<200).contains(response.status) || response.status == 101 {
                return response
            }
            rest = rest.dropFirst(length)
        }
        throw HarnessError("no whole response to \(method): \(reply)")
    }

    /// Reads until the peer closes, `timeout` passes or, when `method` is given, a whole
    /// response to it (after any interim ones) has arrived; for small answers only.
    func readUntilClose(orWhole method: String? = nil, timeout: Duration = .seconds(3))
        -> RawClient.Reply
    {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let method, Self.holdsFinalResponse(pending, to: method) {
                return takeReply(ending: .timedOut)
            }
            switch buffer.withUnsafeMutableBytes({ receiveFromSocket($0, until: deadline) }) {
            case .bytes(let count): pending += buffer[..<count]
            case .closed: return takeReply(ending: .closed)
            case .reset: return takeReply(ending: .reset)
            case .timedOut: return takeReply(ending: .timedOut)
            }
        }
    }

    /// Copies at most `buffer.count` bytes, kept ones first, waiting until `timeout`.
    func receive(into buffer: UnsafeMutableRawBufferPointer, timeout: Duration = .seconds(10))
        -> Received
    {
        fill(buffer, until: ContinuousClock.now + timeout)
    }

    /// Reads exactly `count` bytes, or throws naming what came instead.
    func readExactly(_ count: Int, timeout: Duration = .seconds(10)) throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let received = result.withUnsafeMutableBytes {
                fill(UnsafeMutableRawBufferPointer(rebasing: $0[filled...]), until: deadline)
            }
            guard case .bytes(let got) = received else {
                throw HarnessError("\(received) after \(filled) of \(count) bytes")
            }
            filled += got
        }
        return result
    }

    /// Closes the socket.
    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// Hands out kept bytes first, then what the socket has.
    private func fill(
        _ buffer: UnsafeMutableRawBufferPointer, until deadline: ContinuousClock.Instant
    )
        -> Received
    {
        guard pending.isEmpty else {
            let take = min(buffer.count, pending.count)
            pending.withUnsafeBytes {
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<take]))
            }
            pending.removeFirst(take)
            return .bytes(take)
        }
        return receiveFromSocket(buffer, until: deadline)
    }

    /// Waits for the socket until `deadline` and reads what it has.
    private func receiveFromSocket(
        _ buffer: UnsafeMutableRawBufferPointer, until deadline: ContinuousClock.Instant
    ) -> Received {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return .timedOut }
            let milliseconds = Int32(
                min(
                    remaining.components.seconds * 1000 + remaining.components.attoseconds
                        / 1_000_000_000_000_000 + 1, 60_000))
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return .timedOut }
            let got = recv(fd, buffer.baseAddress, buffer.count, 0)
            if got > 0 { return .bytes(got) }
            if got == 0 { return .closed }
            if errno == EINTR || errno == EAGAIN { continue }
            return .reset
        }
    }

    private func takeReply(ending: RawClient.Ending) -> RawClient.Reply {
        defer { pending = [] }
        return RawClient.Reply(bytes: pending, ending: ending)
    }

    private static func holdsFinalResponse(_ bytes: [UInt8], to method: String) -> Bool {
        var rest = bytes[...]
        while let (response, length) = try? HTTPResponse.parse(rest, to: method, atEnd: false) {
            if !(100..<200).contains(response.status) || response.status == 101 { return true }
            rest = rest.dropFirst(length)
        }
        return false
    }
}
