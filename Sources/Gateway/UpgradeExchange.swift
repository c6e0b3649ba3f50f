import HTTP1
import Upstream

/// Joins a client's upgrade request to an upstream tunnel: after the upstream's `101`, bytes
/// flow both ways untouched until either side closes; any other answer is relayed as an
/// ordinary response.
final class UpgradeExchange: UpstreamTunnelDelegate {
    let exchange: HTTPExchange
    let route: ProxyRoute
    let entry: AccessLogEntry
    var tunnel: UpstreamTunnel?
    private var isTunnelOpen = false
    private var isWaitingForClient = false

    init(exchange: HTTPExchange, route: ProxyRoute, entry: AccessLogEntry) {
        self.exchange = exchange
        self.route = route
        self.entry = entry
    }

    /// Connects upstream and sends the request head.
    func start(head: [UInt8], on loop: EventLoop) {
        exchange.onClose = { [weak self] in self?.tunnel?.close() }
        exchange.onWritable = { [weak self] in
            guard let self, isWaitingForClient else { return }
            isWaitingForClient = false
            tunnel?.resumeReading()
        }
        exchange.onTunnelData = { [weak self] bytes in
            guard let self, let tunnel else { return false }
            return tunnel.send(UnsafeRawBufferPointer(bytes))
        }
        entry.upstreamStartedAt = AccessLogEntry.now()
        tunnel = UpstreamTunnel(
            loop: loop, host: route.upstreamHost, port: route.upstreamPort, head: head,
            firstByteTimeout: route.upstreamTimeout, delegate: self)
        if tunnel == nil {
            entry.decide(.error, "upstream unreachable")
            ErrorResponse.send(exchange, status: 502, route: route, close: true)
        }
        tunnel?.onWritable = { [weak self] in self?.exchange.resumeTunnelInput() }
    }

    func tunnelReceivedHead(status: Int, headers: [HeaderField], length: UInt64?) {
        entry.upstreamAnsweredAt = AccessLogEntry.now()
        if status == 101 {
            let kept = headers.filter { !$0.hasName("connection") }
            exchange.sendHead(status: 101, headers: kept, length: nil)
            isTunnelOpen = true
            exchange.startTunnel()
            return
        }
        let hopByHop = HopByHop(headers)
        let kept = headers.filter {
            !hopByHop.contains($0) && !$0.hasName("content-length")
        }
        exchange.sendHead(status: status, headers: kept, length: length)
    }

    func tunnelReceivedData(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let more = isTunnelOpen ? exchange.sendTunnel(bytes) : exchange.sendBody(bytes)
        if !more { isWaitingForClient = true }
        return more
    }

    func tunnelFinished(_ failure: UpstreamFailure?) {
        exchange.onClose = nil
        tunnel = nil
        switch failure {
        case nil where !isTunnelOpen:
            exchange.finish()
        case _ where exchange.hasStartedResponse:
            exchange.abort()
        case .timedOut:
            entry.decide(.error, "upstream timed out")
            ErrorResponse.send(exchange, status: 504, route: route, close: true)
        default:
            entry.decide(.error, "upstream unreachable")
            ErrorResponse.send(exchange, status: 502, route: route, close: true)
        }
    }
}
