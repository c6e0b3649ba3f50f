/// Writing responses: whole ones, streamed ones, and what follows the last byte.
extension HTTPConnection {
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
        let keepAlive = state != .closing && exchange.head.isKeepAlive && !server.isDraining
        enqueue(
            ResponseHead.serialize(
                status: status, headers: headers, framing: .length(remaining: UInt64(body.count)),
                keepAlive: keepAlive, minorVersion: exchange.head.minorVersion))
        exchange.responseStatus = status
        if bodyAllowed {
            enqueue(body)
            exchange.responseBodyBytes = UInt64(body.count)
        }
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
        var keepAlive = exchange.head.isKeepAlive && !server.isDraining
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
        exchange.responseStatus = status
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
            exchange.responseBodyBytes += take
            exchange.response = .streaming(.length(remaining: remaining - take))
        case .chunked:
            guard !bytes.isEmpty else { return true }
            enqueue(Array((String(bytes.count, radix: 16) + "\r\n").utf8))
            enqueue(bytes)
            enqueue([0x0D, 0x0A])
            exchange.responseBodyBytes += UInt64(bytes.count)
        case .untilClose:
            enqueue(bytes)
            exchange.responseBodyBytes += UInt64(bytes.count)
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
        var keepAlive = exchange.head.isKeepAlive && !exchange.isFinished && !server.isDraining
        if case .untilClose = framing { keepAlive = false }
        completeIfDone(exchange, keepAlive: keepAlive)
    }

    func abort(_ exchange: HTTPExchange) {
        guard exchange === self.exchange else { return }
        exchange.onClose = nil
        exchange.end(isComplete: false)
        state = .closing
        if output.isEmpty { close() }
    }

    /// After the response: the next request when the body was read whole and both sides
    /// keep the connection, else close once the output is written.
    func completeIfDone(_ exchange: HTTPExchange, keepAlive: Bool) {
        let bodyDone: Bool
        switch exchange.body {
        case .complete: bodyDone = true
        case .notStarted: bodyDone = exchange.head.framing == .none
        default: bodyDone = false
        }
        exchange.onClose = nil
        exchange.end(isComplete: true)
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
}
