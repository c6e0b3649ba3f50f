import CLinux
import Glibc
import HTTP1

/// Hears an upgrade tunnel's progress, on the event loop's thread.
public protocol UpstreamTunnelDelegate: AnyObject {
    /// The upstream's response head: `101` opens the tunnel, anything else is an ordinary
    /// response whose body follows.
    func tunnelReceivedHead(status: Int, headers: [HeaderField], length: UInt64?)
    /// Bytes from the upstream: tunnel data after a `101`, else the response body without
    /// its framing. Returns false to pause the upstream until `resumeReading`.
    func tunnelReceivedData(_ bytes: UnsafeRawBufferPointer) -> Bool
    /// The upstream side ended: nil when it closed after a complete exchange.
    func tunnelFinished(_ failure: UpstreamFailure?)
}

/// A request that asks to switch protocols (WebSocket), sent over a plain TCP connection of
/// its own: libcurl has no way to hand over a connection after a `101`, so the tunnel
/// speaks HTTP/1.1 to the upstream itself, and after the `101` relays bytes both ways.
///
/// Only `http` upstreams are tunnelled; the upstream's host is resolved with a blocking
/// `getaddrinfo`, so a route meant for upgrades should name its upstream by IP address.
public final class UpstreamTunnel: EventHandler {
    private enum State {
        case connecting
        case readingHead
        case body(BodyFraming)
        case tunnel
        case closed
    }

    private enum BodyFraming {
        case length(remaining: UInt64)
        case chunked(ChunkedBodyDecoder)
        case untilClose
    }

    private let loop: EventLoop
    private let fd: Int32
    private var state = State.connecting
    private var output = ByteBuffer()
    private var input = ByteBuffer()
    private var isReadPaused = false
    private var firstByteTimer: TimerID?
    /// Held strongly until the tunnel finishes, when it is released.
    private var delegate: UpstreamTunnelDelegate?
    /// Called when the upstream can take more bytes after `send` returned false.
    public var onWritable: (() -> Void)?

    /// Connects to `host`:`port` and sends `head` (a complete request head); nil when no
    /// connection attempt could start.
    public init?(
        loop: EventLoop, host: String, port: Int, head: [UInt8], firstByteTimeout: Int64,
        delegate: UpstreamTunnelDelegate
    ) {
        guard let fd = Self.connect(host: host, port: port) else { return nil }
        self.loop = loop
        self.fd = fd
        self.delegate = delegate
        output.append(head)
        do {
            try loop.register(
                fd, events: EventLoop.writable | EventLoop.readable, handler: self)
        } catch {
            Glibc.close(fd)
            return nil
        }
        firstByteTimer = loop.schedule(at: EventLoop.now() + firstByteTimeout) { [weak self] in
            self?.firstByteTimedOut()
        }
    }

    private func firstByteTimedOut() {
        switch state {
        case .connecting, .readingHead: finish(.timedOut)
        default: break
        }
    }

    /// Starts a non-blocking connection to the first address `host` resolves to.
    private static func connect(host: String, port: Int) -> Int32? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            return nil
        }
        defer { freeaddrinfo(results) }
        let flags = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let fd = socket(first.pointee.ai_family, flags, 0)
        guard fd >= 0 else { return nil }
        _ = tglinux_set_socket_option(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        let result = Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen)
        guard result == 0 || errno == EINPROGRESS else {
            Glibc.close(fd)
            return nil
        }
        return fd
    }

    /// Sends client bytes upstream; false when the caller should wait for `onWritable`.
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard case .tunnel = state else { return false }
        output.append(bytes)
        flush()
        return output.count < 256 * 1024
    }

    /// Lets upstream bytes flow again after the delegate refused some.
    public func resumeReading() {
        guard isReadPaused else { return }
        isReadPaused = false
        updateInterest()
        deliverInput()
    }

    /// Closes the upstream side without telling the delegate.
    public func close() {
        delegate = nil
        finish(nil)
    }

    /// Drives the connection: connect completion, writes, reads.
    public func handleEvents(_ events: UInt32) {
        if case .connecting = state, events & (EventLoop.writable | EventLoop.hangUp) != 0 {
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { return finish(.unreachable("connection refused")) }
            state = .readingHead
        }
        if events & EventLoop.writable != 0 { flush() }
        if events & (EventLoop.readable | EventLoop.hangUp) != 0 { readAvailable() }
    }

    private func flush() {
        while !output.isEmpty {
            let written = output.withReadableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                output.consume(written)
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
                break
            } else {
                return finish(.unreachable("upstream write failed"))
            }
        }
        updateInterest()
        if output.count < 128 * 1024 { onWritable?() }
    }

    private func readAvailable() {
        guard !isReadPaused else { return }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if got > 0 {
            input.append(chunk[..<got])
            deliverInput()
        } else if got == 0 {
            upstreamClosed()
        } else if errno != EAGAIN && errno != EINTR {
            finish(.unreachable("upstream read failed"))
        }
    }

    private func deliverInput() {
        switch state {
        case .readingHead: parseHead()
        case .body, .tunnel: deliverBody()
        case .connecting, .closed: break
        }
    }

    private func parseHead() {
        let end = input.withReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            for index in 3..<bytes.count
            where bytes[index] == 0x0A && bytes[index - 1] == 0x0D && bytes[index - 2] == 0x0A
                && bytes[index - 3] == 0x0D
            {
                return index + 1
            }
            return nil
        }
        guard let end else {
            if input.count > 64 * 1024 { finish(.unreachable("upstream head too large")) }
            return
        }
        let text = input.withReadableBytes { String(decoding: $0[..<end], as: UTF8.self) }
        input.consume(end)
        guard let head = ResponseHeadText(text) else {
            return finish(.unreachable("malformed upstream response"))
        }
        if let firstByteTimer { loop.cancel(firstByteTimer) }
        if head.status == 101 {
            state = .tunnel
        } else if let length = head.contentLength {
            state = .body(.length(remaining: length))
        } else if head.isChunked {
            state = .body(.chunked(ChunkedBodyDecoder()))
        } else {
            state = .body(.untilClose)
        }
        delegate?.tunnelReceivedHead(
            status: head.status, headers: head.headers,
            length: head.status == 101 ? nil : head.contentLength)
        deliverBody()
    }

    private func deliverBody() {
        while !input.isEmpty && !isReadPaused {
            switch state {
            case .tunnel, .body(.untilClose):
                hand(count: input.count)
            case .body(.length(let remaining)):
                let take = Int(min(UInt64(input.count), remaining))
                hand(count: take)
                if case .body = state {
                    state = .body(.length(remaining: remaining - UInt64(take)))
                }
                if remaining == UInt64(take) { return finish(nil) }
            case .body(.chunked(var decoder)):
                var pieces: [[UInt8]] = []
                let consumed = input.withReadableBytes { bytes -> Int? in
                    try? decoder.decode(bytes) { pieces.append(Array($0)) }
                }
                guard let consumed else { return finish(.unreachable("bad upstream chunking")) }
                input.consume(consumed)
                state = .body(.chunked(decoder))
                for piece in pieces {
                    _ = piece.withUnsafeBytes { delegate?.tunnelReceivedData($0) }
                }
                if decoder.isFinished { return finish(nil) }
                return
            default:
                return
            }
        }
    }

    /// Offers the first `count` input bytes to the delegate.
    private func hand(count: Int) {
        let accepted = input.withReadableBytes { bytes in
            delegate?.tunnelReceivedData(
                UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<count])))
                ?? false
        }
        input.consume(count)
        if !accepted {
            isReadPaused = true
            updateInterest()
        }
    }

    private func upstreamClosed() {
        switch state {
        case .tunnel, .body(.untilClose): finish(nil)
        default: finish(.unreachable("upstream closed early"))
        }
    }

    private func updateInterest() {
        guard case .closed = state else {
            var events: UInt32 = isReadPaused ? 0 : EventLoop.readable
            if !output.isEmpty { events |= EventLoop.writable }
            if case .connecting = state { events |= EventLoop.writable }
            loop.modify(fd, events: events)
            return
        }
    }

    private func finish(_ failure: UpstreamFailure?) {
        if case .closed = state { return }
        state = .closed
        if let firstByteTimer { loop.cancel(firstByteTimer) }
        loop.unregister(fd)
        Glibc.close(fd)
        let delegate = self.delegate
        self.delegate = nil
        onWritable = nil
        delegate?.tunnelFinished(failure)
    }
}

/// A response head read off a raw connection.
struct ResponseHeadText {
    let status: Int
    let headers: [HeaderField]

    init?(_ text: String) {
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
            .makeIterator()
        guard let statusLine = lines.next(), statusLine.hasPrefix("HTTP/1.") else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]), (100..<600).contains(status) else {
            return nil
        }
        var headers: [HeaderField] = []
        while let line = lines.next(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append(HeaderField(name: String(line[..<colon]), value: String(value)))
        }
        self.status = status
        self.headers = headers
    }

    var contentLength: UInt64? {
        headers.first { $0.hasName("content-length") }.flatMap { UInt64($0.value) }
    }

    var isChunked: Bool {
        headers.contains { $0.hasName("transfer-encoding") && $0.value.lowercased() == "chunked" }
    }
}
