import CLinux
import Glibc

/// Receives each complete request head; implemented by the gateway.
public protocol HTTPRequestHandler: AnyObject {
    /// A request has arrived; answer it through `exchange`.
    func handleRequest(_ exchange: HTTPExchange)

    /// A request was refused before it became an exchange (its head broken, too large or
    /// too slow); the server has answered `error.status` and closes the connection.
    func requestRefused(_ error: RequestError, clientAddress: String)
}

extension HTTPRequestHandler {
    /// Nothing to do by default.
    public func requestRefused(_ error: RequestError, clientAddress: String) {}
}

/// Per-connection limits, in bytes and milliseconds.
public struct HTTPServerLimits: Sendable {
    /// Largest request head (431 past it).
    public var maximumHeadLength: Int
    /// Time for a whole request head to arrive (408 past it).
    public var headerTimeout: Int64
    /// Longest pause between two pieces of a request body (408).
    public var bodyTimeout: Int64
    /// Longest wait for the next request on a kept-alive connection.
    public var idleTimeout: Int64
    /// Most client connections one server keeps open; it stops accepting at the limit.
    public var maximumConnections: Int

    /// Limits with the contract's defaults.
    public init(
        maximumHeadLength: Int = 64 * 1024, headerTimeout: Int64 = 10_000,
        bodyTimeout: Int64 = 60_000, idleTimeout: Int64 = 60_000, maximumConnections: Int = 10_000
    ) {
        self.maximumHeadLength = maximumHeadLength
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
    }
}

/// The HTTP side of one event loop: its listening sockets and its client connections.
public final class HTTPServer {
    /// The loop everything runs on.
    public let loop: EventLoop
    /// Limits applied to new requests.
    public var limits: HTTPServerLimits
    /// Who answers requests.
    public weak var handler: HTTPRequestHandler?
    var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private var listeners: [Listener] = []
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]
    private var isAccepting = true
    private var sweepTimer: TimerID?
    private var pendingOutput: [HTTPConnection] = []

    /// A server on `loop`.
    public init(loop: EventLoop, limits: HTTPServerLimits) {
        self.loop = loop
        self.limits = limits
        scheduleSweep()
        loop.addIterationObserver { [weak self] in self?.flushPendingOutput() }
    }

    /// Open client connections.
    public var connectionCount: Int { connections.count }

    /// Listens on `address` (IPv4 or IPv6 literal) and `port`, with `SO_REUSEPORT` so that
    /// every loop has a listening socket of its own for the same address; with `tls`, the
    /// listener serves HTTPS with that certificate.
    public func listen(address: String, port: Int, tls: TLSContext? = nil)
        throws(SystemCallError)
    {
        let listener = try Listener(address: address, port: port, tlsContext: tls, server: self)
        listeners.append(listener)
        try loop.register(listener.fd, events: EventLoop.readable, handler: listener)
    }

    /// Gives every HTTPS listener `context` for the connections it accepts from now on;
    /// connections already open keep the certificate they were served.
    public func replaceTLSContext(with context: TLSContext) {
        for listener in listeners where listener.tlsContext != nil {
            listener.tlsContext = context
        }
    }

    /// Stops accepting and closes the listening sockets; connections carry on.
    public func stopAccepting() {
        isDraining = true
        for listener in listeners {
            loop.unregister(listener.fd)
            Glibc.close(listener.fd)
        }
        listeners.removeAll()
    }

    /// Whether the server has stopped accepting.
    ///
    /// Every response from now on closes its connection, so that connections busy when
    /// draining began end with their request.
    public private(set) var isDraining = false

    /// Closes every connection, busy or not (the end of `shutdown_timeout`); their
    /// exchanges end unfinished, and say so to their handlers.
    public func closeAllConnections() {
        for connection in connections.values { connection.close() }
    }

    /// Closes connections that wait for a request; busy ones close when their exchange ends.
    public func closeIdleConnections() {
        for connection in connections.values where connection.state == .head {
            if connection.input.isEmpty { connection.close() }
        }
    }

    func accepted(fd: Int32, clientAddress: String, tlsContext: TLSContext?) {
        var session: TLSSession?
        if let tlsContext {
            session = TLSSession(context: tlsContext, fd: fd)
            if session == nil {
                Glibc.close(fd)
                return
            }
        }
        let connection = HTTPConnection(
            fd: fd, session: session, clientAddress: clientAddress, server: self)
        do {
            try loop.register(fd, events: EventLoop.readable, handler: connection)
        } catch {
            Glibc.close(fd)
            return
        }
        _ = tglinux_set_socket_option(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        connections[ObjectIdentifier(connection)] = connection
        if connections.count >= limits.maximumConnections { setAccepting(false) }
    }

    /// Notes that `connection` has output to write at the end of this turn of the loop.
    func needsFlush(_ connection: HTTPConnection) {
        pendingOutput.append(connection)
    }

    /// Writes every connection's queued output.
    ///
    /// A write can wake a paused upstream that
    /// queues more at once, so this goes round until nothing is queued; past a few rounds the
    /// rest waits for an immediate timer, so that other sockets get their turn.
    private func flushPendingOutput() {
        for _ in 0..<8 {
            guard !pendingOutput.isEmpty else { return }
            let connections = pendingOutput
            pendingOutput.removeAll(keepingCapacity: true)
            for connection in connections { connection.flushPending() }
        }
        if !pendingOutput.isEmpty {
            loop.schedule(at: EventLoop.now()) { [weak self] in self?.flushPendingOutput() }
        }
    }

    func connectionClosed(_ connection: HTTPConnection) {
        connections[ObjectIdentifier(connection)] = nil
        if !isAccepting && connections.count < limits.maximumConnections { setAccepting(true) }
    }

    private func setAccepting(_ accepting: Bool) {
        isAccepting = accepting
        for listener in listeners {
            loop.modify(listener.fd, events: accepting ? EventLoop.readable : 0)
        }
    }

    /// Checks every connection's deadline once a second.
    private func scheduleSweep() {
        sweepTimer = loop.schedule(at: EventLoop.now() + 1000) { [weak self] in
            guard let self else { return }
            let now = EventLoop.now()
            for connection in Array(connections.values) { connection.checkDeadline(now) }
            scheduleSweep()
        }
    }
}
