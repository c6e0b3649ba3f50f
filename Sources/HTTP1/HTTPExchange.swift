/// One request and its response on a client connection: what a request handler sees.
///
/// The handler reads the request body when it is ready for it (`startBody`, `readBody`),
/// and answers either whole (`respond`) or streamed (`sendHead`, `sendBody`, `finish`).
/// Every method is called on the connection's event loop. Once the client has gone, calls
/// do nothing and `onClose` has been called.
public final class HTTPExchange {
    /// The request head.
    public let head: RequestHead
    /// The client's address as `IP` (no port).
    public let clientAddress: String
    /// Whether the client connected over TLS.
    public let isSecure: Bool
    /// The largest body accepted; a longer one fails with 413.
    public var maximumBodyLength: UInt64?

    /// Called when `readBody` has something new to give after it answered `.pending`.
    public var onBodyAvailable: (() -> Void)?
    /// Called when the client can take more response bytes after `sendBody` said to wait.
    public var onWritable: (() -> Void)?
    /// Called once if the connection closes before the exchange completes.
    public var onClose: (() -> Void)?
    /// Called once when the exchange ends: its response complete, or its connection closed
    /// before that.
    public var onEnd: ((ExchangeOutcome) -> Void)?
    /// Called with bytes from the client once the exchange has become a tunnel; returns
    /// whether more may come now (false pauses reading until `resumeTunnelInput`).
    public var onTunnelData: ((UnsafeBufferPointer<UInt8>) -> Bool)?

    weak var connection: HTTPConnection?
    var body = RequestBodyState.notStarted
    var bodyBuffer = ByteBuffer()
    var bodyReceived: UInt64 = 0
    var isConsumerWaiting = false
    var isProducerWaiting = false
    var response = ResponseState.notStarted
    var isFinished = false
    var responseStatus = 0
    var responseBodyBytes: UInt64 = 0

    init(head: RequestHead, clientAddress: String, isSecure: Bool, connection: HTTPConnection) {
        self.head = head
        self.clientAddress = clientAddress
        self.isSecure = isSecure
        self.connection = connection
    }

    /// Calls `onEnd`, the first time only.
    func end(isComplete: Bool) {
        guard let onEnd else { return }
        self.onEnd = nil
        onEnd(
            ExchangeOutcome(
                status: responseStatus, bytesIn: bodyReceived, bytesOut: responseBodyBytes,
                isComplete: isComplete))
    }

    /// Whether the client is still connected.
    public var isOpen: Bool { connection != nil }

    /// Whether any byte of the response has been queued for the client.
    public var hasStartedResponse: Bool {
        if case .notStarted = response { return false }
        return true
    }

    /// Whether the client's output queue has room for more response bytes now.
    public var isWritable: Bool {
        guard let connection else { return false }
        return connection.output.count < HTTPConnection.outputHighWater
    }

    /// Whether the request body has been read whole (or there is none).
    public var isBodyComplete: Bool {
        switch body {
        case .complete: true
        case .notStarted: head.framing == .none
        case .reading, .failed: false
        }
    }

    /// Bytes of request body received so far.
    public var bodyBytesReceived: UInt64 { bodyReceived }

    /// Starts reading the request body, sending `100 Continue` first when the client asked
    /// for it; call only once the request is authorised.
    public func startBody() {
        connection?.startBody(of: self)
    }

    /// Copies request body bytes into `destination`.
    public func readBody(into destination: UnsafeMutableRawBufferPointer) -> BodyRead {
        guard let connection else { return .failed(RequestError(400, "client went away")) }
        return connection.readBody(of: self, into: destination)
    }

    /// Sends a complete response with a small body; the connection closes afterwards when
    /// `closeConnection` is set or the exchange cannot be followed by another request.
    public func respond(
        status: Int, headers: [HeaderField], body: [UInt8], closeConnection: Bool = false
    ) {
        connection?.respond(
            self, status: status, headers: headers, body: body,
            closeConnection: closeConnection)
    }

    /// Sends the response head; `length` nil means the length is unknown (chunked for an
    /// HTTP/1.1 client, delimited by closing the connection for HTTP/1.0).
    public func sendHead(status: Int, headers: [HeaderField], length: UInt64?) {
        connection?.sendHead(self, status: status, headers: headers, length: length)
    }

    /// Queues response body bytes; returns false when the client is slow and the caller
    /// should pause until `onWritable`.
    @discardableResult
    public func sendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        connection?.sendBody(self, bytes) ?? false
    }

    /// Ends the response (the last chunk, for chunked framing).
    public func finish() {
        connection?.finish(self)
    }

    /// Ends the exchange without completing the response: the connection is closed so that
    /// the client never takes a truncated body for a whole one.
    public func abort() {
        connection?.abort(self)
    }

    /// Switches the connection to a raw two-way tunnel after a `101` head has been sent.
    public func startTunnel() {
        connection?.startTunnel(self)
    }

    /// Sends raw tunnel bytes to the client; false when the caller should wait for
    /// `onWritable`.
    @discardableResult
    public func sendTunnel(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let connection else { return false }
        responseBodyBytes += UInt64(bytes.count)
        return connection.sendRaw(bytes)
    }

    /// Resumes reading tunnel bytes from the client after `onTunnelData` returned false.
    public func resumeTunnelInput() {
        connection?.resumeReading()
    }
}

/// What `readBody` found.
public enum BodyRead: Equatable, Sendable {
    /// This many bytes were copied.
    case bytes(Int)
    /// Nothing yet; `onBodyAvailable` fires when there is.
    case pending
    /// The body is complete.
    case end
    /// The body broke (malformed chunking, too long, client gone).
    case failed(RequestError)
}

/// Where the reading of a request body stands.
enum RequestBodyState {
    case notStarted
    case reading(BodyDecoder)
    case complete
    case failed(RequestError)
}

/// How the body bytes of a request are delimited while it is read.
enum BodyDecoder {
    case length(remaining: UInt64)
    case chunked(ChunkedBodyDecoder)
}

/// Where the response stands.
enum ResponseState {
    case notStarted
    case streaming(ResponseFraming)
    case complete
}

/// How the response body is delimited for the client.
enum ResponseFraming {
    case none
    case length(remaining: UInt64)
    case chunked
    case untilClose
}
