import HTTP1
import Upstream

/// Joins one client exchange to one upstream transfer: body bytes flow from the client to
/// libcurl and back, each side pausing the other when it cannot keep up.
final class ProxyExchange: UpstreamTransferDelegate {
    let exchange: HTTPExchange
    let route: ProxyRoute
    let entry: AccessLogEntry
    var transfer: UpstreamTransfer?
    private var isWaitingForClient = false

    init(exchange: HTTPExchange, route: ProxyRoute, entry: AccessLogEntry) {
        self.exchange = exchange
        self.route = route
        self.entry = entry
    }

    /// Starts the transfer and wires the client's events to it.
    func start(_ request: UpstreamRequest, on client: UpstreamClient) {
        exchange.onClose = { [weak self] in self?.transfer?.cancel() }
        exchange.onBodyAvailable = { [weak self] in self?.transfer?.resumeBody() }
        exchange.onWritable = { [weak self] in
            guard let self, isWaitingForClient else { return }
            isWaitingForClient = false
            transfer?.resumeResponse()
        }
        entry.upstreamStartedAt = AccessLogEntry.now()
        transfer = client.start(request, delegate: self)
        guard transfer != nil else {
            entry.decide(.error, "upstream request not started")
            ErrorResponse.send(exchange, status: 502, route: route, close: true)
            return
        }
        exchange.startBody()
    }

    func transferNeedsBody(into buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        let read = exchange.readBody(into: buffer)
        if case .failed(let error) = read, !exchange.hasStartedResponse {
            entry.decide(.error, error.reason)
            ErrorResponse.send(exchange, status: error.status, route: route, close: true)
        }
        return read
    }

    func transferReceivedHead(status: Int, headers: [HeaderField]) {
        entry.upstreamAnsweredAt = AccessLogEntry.now()
        var length: UInt64?
        var forwarded: [HeaderField] = []
        let hopByHop = HopByHop(headers)
        for field in headers {
            if field.hasName("content-length") {
                length = UInt64(field.value)
                continue
            }
            if hopByHop.contains(field) { continue }
            if field.hasName("location") {
                forwarded.append(HeaderField(name: field.name, value: rewriteLocation(field.value)))
                continue
            }
            if route.responseHeaders.contains(where: { field.hasName($0.name) }) { continue }
            forwarded.append(field)
        }
        if headers.contains(where: { $0.hasName("transfer-encoding") }) { length = nil }
        for header in route.responseHeaders {
            forwarded.append(HeaderField(name: header.name, value: header.value))
        }
        exchange.sendHead(status: status, headers: forwarded, length: length)
    }

    func transferReceivedBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard exchange.isWritable else {
            isWaitingForClient = true
            return false
        }
        exchange.sendBody(bytes)
        return true
    }

    func transferFinished(_ failure: UpstreamFailure?) {
        exchange.onClose = nil
        switch failure {
        case nil:
            exchange.finish()
        case _ where exchange.hasStartedResponse:
            entry.decide(.error, "upstream response broken")
            exchange.abort()
        case .timedOut:
            entry.decide(.error, "upstream timed out")
            ErrorResponse.send(exchange, status: 504, route: route)
        case .unreachable, .aborted:
            if entry.decision == .allow { entry.decide(.error, "upstream unreachable") }
            ErrorResponse.send(exchange, status: 502, route: route)
        }
        transfer = nil
    }

    /// A `Location` on the upstream's own origin is moved to the origin the client used;
    /// path and query stay as they are (the registry's upload URLs need them).
    private func rewriteLocation(_ location: String) -> String {
        for origin in route.upstreamOrigins where location.lowercased().hasPrefix(origin) {
            let rest = location.dropFirst(origin.count)
            guard rest.isEmpty || rest.hasPrefix("/") || rest.hasPrefix("?") else { continue }
            let scheme = exchange.isSecure ? "https" : "http"
            let authority = exchange.head.values(of: "host").first ?? exchange.head.host ?? ""
            return "\(scheme)://\(authority)\(rest)"
        }
        return location
    }
}

/// The hop-by-hop fields of a message (RFC 9110 §7.6.1): fixed names plus those its
/// `Connection` field lists.
struct HopByHop {
    private static let fixed = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
    ]
    private let named: [String]

    init(_ headers: [HeaderField]) {
        var named: [String] = []
        for field in headers where field.hasName("connection") {
            for token in field.value.split(separator: ",") {
                named.append(token.trimmingCharacters(in: " \t"))
            }
        }
        self.named = named
    }

    func contains(_ field: HeaderField) -> Bool {
        Self.fixed.contains(where: field.hasName) || named.contains(where: field.hasName)
            || field.hasNamePrefix("proxy-")
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        guard let start = firstIndex(where: { !characters.contains($0) }),
            let end = lastIndex(where: { !characters.contains($0) })
        else { return "" }
        return String(self[start...end])
    }
}
