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

    init(fd: Int32, clientAddress: String, server: HTTPServer) {
        self.fd = fd
        self.clientAddress = clientAddress
        self.server = server
        self.parser = RequestHeadParser(maximumHeadLength: server.limits.maximumHeadLength)
        self.deadline = EventLoop.now() + server.limits.headerTimeout
    }

    func handleEvents(_ events: UInt32) {
        if events & EventLoop.writable != 0 { flush() }
        if state != .closed && events & (EventLoop.readable | EventLoop.hangUp) != 0 {
            readAvailable()
        }
    }

    // MARK: Reading

    private func readAvailable() {
        guard !isReadPaused, state != .closed else { return }
        let got = server.scratch.withUnsafeMutableBytes { buffer in
            Glibc.read(fd, buffer.baseAddress, buffer.count)
        }
        if got > 0 {
            server.scratch.withUnsafeBytes {
                input.append(UnsafeRawBufferPointer(rebasing: $0[..<got]))
            }
            process()
        } else if got == 0 {
            peerClosed()
        } else if errno != EAGAIN && errno != EINTR {
            close()
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

    private func processHead() {
        guard !input.isEmpty else { return }
        if !hasServedRequest || deadline == 0 || parserIsAtStart {
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

    private var parserIsAtStart = true

    private func beginExchange(_ head: RequestHead) {
        let exchange = HTTPExchange(
            head: head, clientAddress: clientAddress,
            isSecure: false, connection: self)
        self.exchange = exchange
        state = .exchange
        deadline = 0
        hasServedRequest = true
        server.handler?.handleRequest(exchange)
    }

    /// Answers a request whose head is broken, and closes: nothing of it went upstream.
    private func refuse(_ error: RequestError) {
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

    // MARK: Request bodies

    func startBody(of exchange: HTTPExchange) {
        guard exchange === self.exchange, case .notStarted = exchange.body else { return }
        switch exchange.head.framing {
        case .none:
            exchange.body = .complete
            return
        case .contentLength(let length):
            if let maximum = exchange.maximumBodyLength, length > maximum {
                exchange.body = .failed(RequestError(413, "body longer than max_body"))
                return
            }
            exchange.body = .reading(.length(remaining: length))
        case .chunked:
            exchange.body = .reading(.chunked(ChunkedBodyDecoder()))
        }
        if exchange.head.expectsContinue && !exchange.hasStartedResponse {
            enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        deadline = EventLoop.now() + server.limits.bodyTimeout
        feedBody(exchange)
    }

    /// Moves body bytes from the input to the exchange's body buffer, as far as it has room.
    private func feedBody(_ exchange: HTTPExchange) {
        guard case .reading(var decoder) = exchange.body else { return }
        var delivered = 0
        var failure: RequestError?
        while !input.isEmpty && exchange.bodyBuffer.count < Self.bodyHighWater && failure == nil {
            let room = Self.bodyHighWater - exchange.bodyBuffer.count
            switch decoder {
            case .length(let remaining):
                let take = min(Int(min(remaining, UInt64(room))), input.count)
                input.withReadableBytes {
                    exchange.bodyBuffer.append(UnsafeBufferPointer(rebasing: $0[..<take]))
                }
                input.consume(take)
                delivered += take
                decoder = .length(remaining: remaining - UInt64(take))
                if remaining == UInt64(take) { break }
            case .chunked(var chunked):
                let result: Result<Int, RequestError> = input.withReadableBytes { bytes in
                    let window = UnsafeBufferPointer(rebasing: bytes[..<min(bytes.count, room)])
                    do throws(RequestError) {
                        return .success(
                            try chunked.decode(window) { data in
                                exchange.bodyBuffer.append(data)
                                delivered += data.count
                            })
                    } catch {
                        return .failure(error)
                    }
                }
                switch result {
                case .success(let consumed): input.consume(consumed)
                case .failure(let error): failure = error
                }
                decoder = .chunked(chunked)
                if chunked.isFinished { break }
            }
            if case .length(0) = decoder { break }
            if case .chunked(let chunked) = decoder, chunked.isFinished { break }
        }
        exchange.bodyReceived += UInt64(delivered)
        if let maximum = exchange.maximumBodyLength, exchange.bodyReceived > maximum {
            failure = RequestError(413, "body longer than max_body")
        }

        if let failure {
            exchange.body = .failed(failure)
        } else if case .length(0) = decoder {
            exchange.body = .complete
        } else if case .chunked(let chunked) = decoder, chunked.isFinished {
            exchange.body = .complete
        } else {
            exchange.body = .reading(decoder)
        }
        if delivered > 0 { deadline = EventLoop.now() + server.limits.bodyTimeout }
        if case .reading = exchange.body {
            setReadPaused(exchange.bodyBuffer.count >= Self.bodyHighWater)
        } else {
            deadline = 0
            setReadPaused(false)
        }
        if exchange.isConsumerWaiting && (delivered > 0 || !isBodyReading(exchange)) {
            exchange.isConsumerWaiting = false
            exchange.onBodyAvailable?()
        }
        if case .failed(let error) = exchange.body, exchange.onBodyAvailable == nil {
            failExchange(exchange, error)
        }
    }

    private func isBodyReading(_ exchange: HTTPExchange) -> Bool {
        if case .reading = exchange.body { return true }
        return false
    }

    func readBody(of exchange: HTTPExchange, into destination: UnsafeMutableRawBufferPointer)
        -> BodyRead
    {
        if !exchange.bodyBuffer.isEmpty {
            let take = min(destination.count, exchange.bodyBuffer.count)
            exchange.bodyBuffer.withReadableBytes { bytes in
                destination.copyMemory(
                    from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<take])))
            }
            exchange.bodyBuffer.consume(take)
            if isReadPaused && exchange.bodyBuffer.count < Self.bodyHighWater / 2 {
                setReadPaused(false)
                if !input.isEmpty { feedBody(exchange) }
            }
            return .bytes(take)
        }
        switch exchange.body {
        case .notStarted, .reading:
            exchange.isConsumerWaiting = true
            return .pending
        case .complete:
            return .end
        case .failed(let error):
            return .failed(error)
        }
    }

    /// A body that broke while nobody was reading it: answered here when possible.
    private func failExchange(_ exchange: HTTPExchange, _ error: RequestError) {
        if exchange.hasStartedResponse {
            close()
        } else {
            let body = Array("{\"error\":\"bad_request\"}".utf8)
            let fields = [HeaderField(name: "Content-Type", value: "application/json")]
            respond(
                exchange, status: error.status, headers: fields, body: body,
                closeConnection: true)
        }
    }

    // MARK: Responses

    func respond(
        _ exchange: HTTPExchange, status: Int, headers: [HeaderField], body: [UInt8],
        closeConnection: Bool
    ) {
        guard exchange === self.exchange, !exchange.hasStartedResponse else { return }
        let bodyAllowed = exchange.head.method != "HEAD" && status != 204 && status != 304
        if closeConnection {
            exchange.isFinished = true
            state = .closing
        }
        let keepAlive = state != .closing && exchange.head.isKeepAlive
        enqueue(
            ResponseHead.serialize(
                status: status, headers: headers, framing: .length(remaining: UInt64(body.count)),
                keepAlive: keepAlive, minorVersion: exchange.head.minorVersion))
        if bodyAllowed { enqueue(body) }
        exchange.response = .complete
        completeIfDone(exchange, keepAlive: keepAlive)
    }

    func sendHead(_ exchange: HTTPExchange, status: Int, headers: [HeaderField], length: UInt64?) {
        guard exchange === self.exchange, !exchange.hasStartedResponse else { return }
        let bodyless =
            exchange.head.method == "HEAD" || status == 204 || status == 304
            || (100..<200).contains(status)
        let framing: ResponseFraming
        if bodyless {
            framing = .none
        } else if let length {
            framing = .length(remaining: length)
        } else {
            framing = exchange.head.minorVersion == 1 ? .chunked : .untilClose
        }
        var keepAlive = exchange.head.isKeepAlive
        if case .untilClose = framing { keepAlive = false }
        var lengthHeader: [HeaderField] = []
        if bodyless, exchange.head.method == "HEAD", let length {
            lengthHeader = [HeaderField(name: "Content-Length", value: String(length))]
        }
        enqueue(
            ResponseHead.serialize(
                status: status, headers: headers + lengthHeader, framing: framing,
                keepAlive: keepAlive || status == 101, minorVersion: exchange.head.minorVersion,
                writesLength: !bodyless))
        exchange.response = .streaming(framing)
        if !keepAlive && status != 101 { exchange.isFinished = true }
    }

    func sendBody(_ exchange: HTTPExchange, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard exchange === self.exchange, case .streaming(let framing) = exchange.response else {
            return false
        }
        switch framing {
        case .none:
            return true
        case .length(let remaining):
            let take = min(UInt64(bytes.count), remaining)
            enqueue(UnsafeRawBufferPointer(rebasing: bytes[..<Int(take)]))
            exchange.response = .streaming(.length(remaining: remaining - take))
        case .chunked:
            guard !bytes.isEmpty else { return true }
            enqueue(Array((String(bytes.count, radix: 16) + "\r\n").utf8))
            enqueue(bytes)
            enqueue([0x0D, 0x0A])
        case .untilClose:
            enqueue(bytes)
        }
        let accepting = output.count < Self.outputHighWater
        if !accepting { exchange.isProducerWaiting = true }
        return accepting
    }

    func finish(_ exchange: HTTPExchange) {
        guard exchange === self.exchange, case .streaming(let framing) = exchange.response else {
            return
        }
        switch framing {
        case .chunked: enqueue(Array("0\r\n\r\n".utf8))
        case .length(let remaining) where remaining > 0:
            abort(exchange)
            return
        default: break
        }
        exchange.response = .complete
        var keepAlive = exchange.head.isKeepAlive && !exchange.isFinished
        if case .untilClose = framing { keepAlive = false }
        completeIfDone(exchange, keepAlive: keepAlive)
    }

    func abort(_ exchange: HTTPExchange) {
        guard exchange === self.exchange else { return }
        exchange.onClose = nil
        state = .closing
        if output.isEmpty { close() }
    }

    /// After the response: the next request when the body was read whole and both sides
    /// keep the connection, else close once the output is written.
    private func completeIfDone(_ exchange: HTTPExchange, keepAlive: Bool) {
        let bodyDone: Bool
        switch exchange.body {
        case .complete: bodyDone = true
        case .notStarted: bodyDone = exchange.head.framing == .none
        default: bodyDone = false
        }
        exchange.onClose = nil
        guard keepAlive && bodyDone && state == .exchange else {
            state = .closing
            if output.isEmpty { close() }
            return
        }
        self.exchange = nil
        state = .head
        parserIsAtStart = true
        setReadPaused(false)
        deadline = EventLoop.now() + server.limits.idleTimeout
        if !input.isEmpty { processHead() }
    }

    // MARK: Tunnels

    func startTunnel(_ exchange: HTTPExchange) {
        guard exchange === self.exchange else { return }
        state = .tunnel
        deadline = 0
        setReadPaused(false)
        feedTunnel()
    }

    private func feedTunnel() {
        guard let exchange, !input.isEmpty, let onTunnelData = exchange.onTunnelData else { return }
        let more = input.withReadableBytes { onTunnelData($0) }
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

    private func flush() {
        while !output.isEmpty {
            let written = output.withReadableBytes { bytes in
                Glibc.write(fd, bytes.baseAddress, bytes.count)
            }
            if written > 0 {
                output.consume(written)
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
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

    private func setReadPaused(_ paused: Bool) {
        guard paused != isReadPaused else { return }
        isReadPaused = paused
        updateInterest()
        if !paused && state != .closed && !input.isEmpty && state == .tunnel { feedTunnel() }
    }

    private func updateInterest() {
        guard state != .closed else { return }
        var wanted: UInt32 = 0
        if !isReadPaused { wanted |= EventLoop.readable }
        if !output.isEmpty { wanted |= EventLoop.writable }
        if wanted != interest {
            interest = wanted
            server.loop.modify(fd, events: wanted)
        }
    }

    // MARK: Ending

    private func peerClosed() {
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
        Glibc.close(fd)
        let onClose = exchange?.onClose
        exchange?.onClose = nil
        exchange?.connection = nil
        exchange = nil
        server.connectionClosed(self)
        onClose?()
    }
}
