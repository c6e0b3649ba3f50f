/// Reading request bodies: decoding them into the exchange's buffer as far as it has room,
/// and handing them to the consumer.
extension HTTPConnection {
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
    func feedBody(_ exchange: HTTPExchange) {
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

    func isBodyReading(_ exchange: HTTPExchange) -> Bool {
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
    func failExchange(_ exchange: HTTPExchange, _ error: RequestError) {
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
}
