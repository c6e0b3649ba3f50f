import Glibc
import HTTP1
import Policy
import Upstream

/// The request pipeline of one event loop: normalise the path, choose the route, and
/// forward through the loop's upstream client.
public final class ProxyHandler: HTTPRequestHandler {
    let routes: RouteTable<ProxyRoute>
    let upstream: UpstreamClient
    let gate: AuthGate?
    let accessLog: AccessLogWriter?
    let metrics: RequestMetrics
    private var requestIDs = RequestIDGenerator()

    /// A pipeline over `routes` that forwards through `upstream`, checking tokens at `gate`,
    /// counting each request in `metrics` and writing its line to `accessLog`.
    init(
        routes: RouteTable<ProxyRoute>, upstream: UpstreamClient, gate: AuthGate?,
        accessLog: AccessLogWriter?, metrics: RequestMetrics
    ) {
        self.routes = routes
        self.upstream = upstream
        self.gate = gate
        self.accessLog = accessLog
        self.metrics = metrics
    }

    /// Routes one request and forwards it, or answers it with the error it has earned.
    public func handleRequest(_ exchange: HTTPExchange) {
        let head = exchange.head
        let entry = AccessLogEntry(
            client: exchange.clientAddress, method: head.method, path: head.path)
        entry.requestID = head.values(of: "x-request-id").first ?? newRequestID()
        // Held strongly: a request still under way when a reload replaces this pipeline
        // is counted and logged by it all the same.
        exchange.onEnd = { [self] outcome in
            if !outcome.isComplete && entry.decision == .allow && outcome.status != 101 {
                entry.decide(.error, "connection closed before the response ended")
            }
            record(entry, outcome)
        }
        let path: String
        do {
            path = try PathNormalizer.normalize(head.path)
        } catch {
            entry.decide(.error, error.reason)
            return ErrorResponse.send(exchange, status: error.status, route: nil, close: true)
        }
        entry.path = path
        let route: ProxyRoute
        switch routes.choose(host: head.host, path: path, method: head.method) {
        case .notFound:
            entry.decide(.error, "no route")
            return ErrorResponse.send(exchange, status: 404, route: nil)
        case .methodNotAllowed(let route, let allow):
            entry.route = route.name
            entry.decide(.error, "method not allowed")
            let fields = [HeaderField(name: "Allow", value: allow.joined(separator: ", "))]
            return ErrorResponse.send(exchange, status: 405, route: route, headers: fields)
        case .route(let chosen):
            route = chosen
        }
        entry.route = route.name
        guard let access = route.access else {
            entry.decide(.allow, "auth off")
            return forward(exchange, route: route, path: path, setHeaders: [], entry: entry)
        }
        authorize(exchange, route: route, access: access, path: path, entry: entry) {
            [self] fields in
            forward(exchange, route: route, path: path, setHeaders: fields, entry: entry)
        }
    }

    /// Logs a request that the HTTP layer refused before it became an exchange.
    public func requestRefused(_ error: RequestError, clientAddress: String) {
        let entry = AccessLogEntry(client: clientAddress, method: "", path: "")
        entry.decide(.error, error.reason)
        record(
            entry, ExchangeOutcome(status: error.status, bytesIn: 0, bytesOut: 0, isComplete: true))
    }

    /// Counts a request that has ended and writes its access line.
    private func record(_ entry: AccessLogEntry, _ outcome: ExchangeOutcome) {
        let endedAt = AccessLogEntry.now()
        metrics.record(entry, outcome, endedAt: endedAt)
        accessLog?.write(entry, outcome, endedAt: endedAt)
    }

    /// Sends an allowed request on: through a tunnel when it asks to upgrade, else through
    /// libcurl; `setHeaders` replace the client's fields of those names.
    private func forward(
        _ exchange: HTTPExchange, route: ProxyRoute, path: String, setHeaders: [HeaderField],
        entry: AccessLogEntry
    ) {
        let head = exchange.head
        if head.isUpgrade && Self.upgradesToWebSocket(head) {
            return startUpgrade(
                exchange, route: route, path: path, setHeaders: setHeaders, entry: entry)
        }
        if let maximum = route.maximumBodyLength, case .contentLength(let length) = head.framing,
            length > maximum
        {
            entry.decide(.error, "body longer than max_body")
            return ErrorResponse.send(exchange, status: 413, route: route, close: true)
        }
        exchange.maximumBodyLength = route.maximumBodyLength
        let proxy = ProxyExchange(exchange: exchange, route: route, entry: entry)
        proxy.start(
            upstreamRequest(
                exchange, route: route, path: path, setHeaders: setHeaders,
                requestID: entry.requestID),
            on: upstream)
    }

    /// The request as the upstream receives it: hop-by-hop fields dropped, framing left to
    /// libcurl, `X-Forwarded-*` set, and the client's `X-Request-Id` passed on or
    /// `requestID` added.
    func upstreamRequest(
        _ exchange: HTTPExchange, route: ProxyRoute, path: String, setHeaders: [HeaderField],
        requestID: String
    ) -> UpstreamRequest {
        let head = exchange.head
        let bodyLength: UInt64??
        switch head.framing {
        case .none: bodyLength = .none
        case .contentLength(let length): bodyLength = .some(length)
        case .chunked: bodyLength = .some(nil)
        }
        return UpstreamRequest(
            method: head.method, url: route.upstreamOrigins[0] + target(head, route, path),
            headers: forwardedFields(
                exchange, route: route, setHeaders: setHeaders, requestID: requestID),
            bodyLength: bodyLength,
            firstByteTimeout: route.upstreamTimeout, idleTimeout: route.upstreamIdleTimeout,
            caFile: route.upstreamCAFile)
    }

    /// The path and query the upstream receives.
    private func target(_ head: RequestHead, _ route: ProxyRoute, _ path: String) -> String {
        route.upstreamPath(for: path) + (head.query.map { "?" + $0 } ?? "")
    }

    /// The client's fields as forwarded: hop-by-hop ones and framing left out, `Host` only
    /// with `preserve_host`, `X-Forwarded-*` set, the client's `X-Request-Id` passed on or
    /// `requestID` added.
    func forwardedFields(
        _ exchange: HTTPExchange, route: ProxyRoute, setHeaders: [HeaderField],
        requestID: String
    ) -> [HeaderField] {
        let head = exchange.head
        let hopByHop = HopByHop(head.headers)
        var fields: [HeaderField] = []
        var forwardedFor: [String] = []
        var hasRequestID = false
        for field in head.headers {
            if hopByHop.contains(field) || field.hasName("content-length")
                || field.hasName("expect") || field.hasName("x-forwarded-proto")
                || field.hasName("x-forwarded-host")
            {
                continue
            }
            // The credential stays here unless the route forwards it; `auth off` routes leave
            // the client's Authorization alone.
            if field.hasName("authorization"), let access = route.access, !access.forwardsToken {
                continue
            }
            if route.removeHeaders.contains(where: { field.hasName($0) })
                || setHeaders.contains(where: { field.hasName($0.name) })
            {
                continue
            }
            if field.hasName("host") {
                if route.preserveHost { fields.append(field) }
                continue
            }
            if field.hasName("x-forwarded-for") {
                forwardedFor.append(field.value)
                continue
            }
            if field.hasName("x-request-id") { hasRequestID = true }
            fields.append(field)
        }
        forwardedFor.append(exchange.clientAddress)
        fields.append(
            HeaderField(name: "X-Forwarded-For", value: forwardedFor.joined(separator: ", ")))
        fields.append(
            HeaderField(name: "X-Forwarded-Proto", value: exchange.isSecure ? "https" : "http"))
        if let host = head.values(of: "host").first ?? head.host {
            fields.append(HeaderField(name: "X-Forwarded-Host", value: host))
        }
        fields.append(contentsOf: setHeaders)
        if !hasRequestID {
            fields.append(HeaderField(name: "X-Request-Id", value: requestID))
        }
        return fields
    }

    /// Sends an upgrade request (WebSocket) through a tunnel of its own.
    private func startUpgrade(
        _ exchange: HTTPExchange, route: ProxyRoute, path: String, setHeaders: [HeaderField],
        entry: AccessLogEntry
    ) {
        let head = exchange.head
        guard head.framing == .none else {
            entry.decide(.error, "upgrade request with a body")
            return ErrorResponse.send(exchange, status: 400, route: route, close: true)
        }
        guard route.upstreamScheme == "http" else {
            entry.decide(.error, "upgrade to an https upstream")
            return ErrorResponse.send(exchange, status: 502, route: route, close: true)
        }
        var lines = ["\(head.method) \(target(head, route, path)) HTTP/1.1"]
        if !route.preserveHost {
            let host = route.upstreamOrigins.last?.split(separator: "/").last ?? ""
            lines.append("Host: \(host)")
        }
        let fields = forwardedFields(
            exchange, route: route, setHeaders: setHeaders, requestID: entry.requestID)
        for field in fields {
            lines.append("\(field.name): \(field.value)")
        }
        lines.append("Connection: Upgrade")
        lines.append("Upgrade: " + head.values(of: "upgrade").joined(separator: ", "))
        let bytes = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        UpgradeExchange(exchange: exchange, route: route, entry: entry).start(
            head: bytes, on: upstream.loop)
    }

    /// Whether the request asks for WebSocket, the one upgrade tokengate tunnels; any other
    /// goes on as a plain request, its hop-by-hop `Upgrade` left out.
    static func upgradesToWebSocket(_ head: RequestHead) -> Bool {
        head.values(of: "upgrade").contains { value in
            value.split(separator: ",").contains {
                $0.trimmingCharacters(in: " \t").lowercased() == "websocket"
            }
        }
    }

    /// A request id: 32 hex digits from this loop's generator, seeded once from the system;
    /// ids need to be unique, not secret, so no system call is spent per request.
    func newRequestID() -> String {
        let high = requestIDs.next()
        let low = requestIDs.next()
        return Self.padded(String(high, radix: 16)) + Self.padded(String(low, radix: 16))
    }

    private static func padded(_ hex: String) -> String {
        String(repeating: "0", count: 16 - hex.count) + hex
    }
}
