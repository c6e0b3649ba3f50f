import CLinux
import Glibc

/// One client connection: reads request heads and bodies, writes responses, one exchange
/// at a time so that pipelined requests are answered in order.
final class HTTPConnection: EventHandler {
    /// Decoded request body held before the consumer takes it; reading pauses past this.
    static let bodyHighWater = 256 * 1024
    /// Response bytes queued before the producer is asked to wait.
    static let outputHighWater = 256 * 1024

    enum State {
        case head
        case exchange
        case tunnel
        case closing
        case closed
    }

    let fd: Int32
    /// Plain or TLS: the only way bytes reach the socket.
    let transport: ConnectionTransport
    let clientAddress: String
    unowned let server: HTTPServer
    var state = State.head
    var input = ByteBuffer()
    var output = ByteBuffer()
    var parser: RequestHeadParser
    var exchange: HTTPExchange?
    var interest: UInt32 = EventLoop.readable
    var isReadPaused = false
    var deadline: Int64
    var hasServedRequest = false
    var isFlushPending = false
    var isBufferedReadScheduled = false

    /// A connection on the accepted socket `fd`, through `session` when the listener is TLS.
    init(fd: Int32, session: TLSSession?, clientAddress: String, server: HTTPServer) {
        self.fd = fd
        self.transport = session.map { .tls($0) } ?? .plain(fd)
        self.clientAddress = clientAddress
        self.server = server
        self.parser = RequestHeadParser(maximumHeadLength: server.limits.maximumHeadLength)
        self.deadline = EventLoop.now() + server.limits.headerTimeout
    }

    func handleEvents(_ events: UInt32) {
        if let session = transport.session, !session.isEstablished {
            continueHandshake(session)
            return
        }
        if events & EventLoop.writable != 0 { flush() }
        let readReady =
            events & (EventLoop.readable | EventLoop.hangUp) != 0
            || transport.session?.readWaitsForWritable == true
        if state != .closed && readReady { readAvailable() }
    }

    /// Drives a TLS handshake; a failed one closes the connection without a word.
    func continueHandshake(_ session: TLSSession) {
        switch session.handshake() {
        case .done:
            updateInterest()
            // The first request often arrives with the client's last handshake message.
            readAvailable()
        case .waiting:
            updateInterest()
        case .failed:
            close()
        }
    }

    // MARK: Reading

    func readAvailable() {
        guard !isReadPaused, state != .closed else { return }
        let result = server.scratch.withUnsafeMutableBytes { transport.receive(into: $0) }
        switch result {
        case .transferred(let got):
            server.scratch.withUnsafeBytes {
                input.append(UnsafeRawBufferPointer(rebasing: $0[..<got]))
            }
            process()
        case .closed:
            peerClosed()
        case .failed:
            close()
        case .wouldBlock:
            break
        }
        readBufferedInputSoon()
    }

    /// Reads again at the end of this turn when the TLS session holds decrypted bytes: the
    /// socket has already delivered them, so no event would ever announce them.
    func readBufferedInputSoon() {
        guard !isBufferedReadScheduled, !isReadPaused, state != .closed,
            transport.session?.hasBufferedInput == true
        else { return }
        isBufferedReadScheduled = true
        server.loop.schedule(at: EventLoop.now()) { [weak self] in
            guard let self else { return }
            isBufferedReadScheduled = false
            readAvailable()
        }
    }

    /// Acts on whatever the input holds, in the current state.
    func process() {
        switch state {
        case .head: processHead()
        case .exchange: if let exchange { feedBody(exchange) }
        case .tunnel: feedTunnel()
        case .closing, .closed: input.consume(input.count)
        }
    }

    func processHead() {
        guard !input.isEmpty else { return }
        // The whole head must arrive within header_timeout of its first byte: the clock
        // starts once per head, never again for each piece of it (a trickled head is cut).
        if deadline == 0 || parserIsAtStart {
            deadline = EventLoop.now() + server.limits.headerTimeout
        }
        parserIsAtStart = false
        let outcome: Result<RequestHeadParser.Outcome, RequestError> = input.withReadableBytes {
            bytes in
            do throws(RequestError) {
                return .success(try parser.parse(bytes))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(.incomplete):
            return
        case .success(.head(let head, let length)):
            input.consume(length)
            beginExchange(head)
        case .failure(let error):
            refuse(error)
        }
    }

    var parserIsAtStart = true

    func beginExchange(_ head: RequestHead) {
        let exchange = HTTPExchange(
            head: head, clientAddress: clientAddress,
            isSecure: transport.session != nil, connection: self)
        self.exchange = exchange
        state = .exchange
        deadline = 0
        hasServedRequest = true
        server.handler?.handleRequest(exchange)
    }

    /// Answers a request whose head is broken, and closes: nothing of it went upstream.
    func refuse(_ error: RequestError) {
        server.handler?.requestRefused(error, clientAddress: clientAddress)
        state = .closing
        deadline = 0
        let body = Array("{\"error\":\"bad_request\"}".utf8)
        enqueue(
            ResponseHead.serialize(
                status: error.status,
                headers: [HeaderField(name: "Content-Type", value: "application/json")],
                framing: .length(remaining: UInt64(body.count)), keepAlive: false, minorVersion: 1))
        enqueue(body)
        if output.isEmpty { close() }
    }

    // MARK: Tunnels

    func startTunnel(_ exchange: HTTPExchange) {
        guard exchange === self.exchange else { return }
        state = .tunnel
        deadline = 0
        setReadPaused(false)
        feedTunnel()
    }

    func feedTunnel() {
        guard let exchange, !input.isEmpty, let onTunnelData = exchange.onTunnelData else { return }
        let more = input.withReadableBytes { onTunnelData($0) }
        exchange.bodyReceived += UInt64(input.count)
        input.consume(input.count)
        setReadPaused(!more)
    }

    func sendRaw(_ bytes: UnsafeRawBufferPointer) -> Bool {
        enqueue(bytes)
        let accepting = output.count < Self.outputHighWater
        if !accepting { exchange?.isProducerWaiting = true }
        return accepting
    }

    func resumeReading() {
        setReadPaused(false)
    }

    // MARK: Writing

    func enqueue(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { enqueue($0) }
    }

    /// Queues bytes; they are written at the end of this turn of the loop, so that a
    /// response head and the body that follows it leave in one system call.
    func enqueue(_ bytes: UnsafeRawBufferPointer) {
        guard state != .closed, !bytes.isEmpty else { return }
        output.append(bytes)
        if !isFlushPending {
            isFlushPending = true
            server.needsFlush(self)
        }
    }

    /// Writes what was queued during this turn of the loop.
    func flushPending() {
        isFlushPending = false
        guard state != .closed else { return }
        flush()
    }

    func flush() {
        while !output.isEmpty {
            let result = output.withReadableBytes { transport.send(UnsafeRawBufferPointer($0)) }
            if case .transferred(let written) = result {
                output.consume(written)
            } else if case .wouldBlock = result {
                break
            } else {
                close()
                return
            }
        }
        updateInterest()
        if output.isEmpty && state == .closing {
            close()
            return
        }
        if let exchange, exchange.isProducerWaiting, output.count < Self.outputHighWater / 2 {
            exchange.isProducerWaiting = false
            exchange.onWritable?()
        }
    }

    func setReadPaused(_ paused: Bool) {
        guard paused != isReadPaused else { return }
        isReadPaused = paused
        updateInterest()
        if !paused && state != .closed && !input.isEmpty && state == .tunnel { feedTunnel() }
        if !paused { readBufferedInputSoon() }
    }

    func updateInterest() {
        guard state != .closed else { return }
        var wanted: UInt32 = 0
        if !isReadPaused { wanted |= EventLoop.readable }
        if !output.isEmpty { wanted |= EventLoop.writable }
        if let session = transport.session, !session.isEstablished {
            wanted = session.readWaitsForWritable ? EventLoop.writable : EventLoop.readable
        } else if !isReadPaused && transport.session?.readWaitsForWritable == true {
            wanted |= EventLoop.writable
        }
        if wanted != interest {
            interest = wanted
            server.loop.modify(fd, events: wanted)
        }
    }

    // MARK: Ending

    func peerClosed() {
        switch state {
        case .head where input.isEmpty:
            close()
        case .exchange:
            if let exchange, case .reading = exchange.body {
                exchange.body = .failed(RequestError(400, "client closed during the body"))
                if exchange.isConsumerWaiting { exchange.onBodyAvailable?() }
            }
            close()
        default:
            close()
        }
    }

    /// Checks the connection's deadline at `now`; called by the server's sweep.
    func checkDeadline(_ now: Int64) {
        guard deadline != 0, now >= deadline else { return }
        deadline = 0
        if transport.session?.isEstablished == false {
            close()
            return
        }
        switch state {
        case .head where !input.isEmpty || !hasServedRequest:
            refuse(RequestError(408, "request head too slow"))
        case .exchange:
            if let exchange, case .reading = exchange.body {
                exchange.body = .failed(RequestError(408, "request body too slow"))
                if exchange.isConsumerWaiting {
                    exchange.isConsumerWaiting = false
                    exchange.onBodyAvailable?()
                } else {
                    failExchange(exchange, RequestError(408, "request body too slow"))
                }
            }
        default:
            close()
        }
    }

    func close() {
        guard state != .closed else { return }
        state = .closed
        server.loop.unregister(fd)
        transport.session?.close()
        Glibc.close(fd)
        let onClose = exchange?.onClose
        exchange?.onClose = nil
        exchange?.end(isComplete: false)
        exchange?.connection = nil
        exchange = nil
        server.connectionClosed(self)
        onClose?()
    }
}
