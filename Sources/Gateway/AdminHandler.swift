import HTTP1

/// The admin listener's requests: `/healthz`, `/readyz` and `/metrics`, on a loop of its
/// own so that it answers while the proxy loops are busy or draining.
final class AdminHandler: HTTPRequestHandler {
    private unowned let runtime: GatewayRuntime

    init(runtime: GatewayRuntime) {
        self.runtime = runtime
    }

    func handleRequest(_ exchange: HTTPExchange) {
        let head = exchange.head
        guard head.method == "GET" || head.method == "HEAD" else {
            return answer(exchange, 405, "only GET and HEAD\n", extra: [("Allow", "GET, HEAD")])
        }
        switch head.path {
        case "/healthz":
            answer(exchange, 200, "ok\n")
        case "/readyz":
            let readiness = runtime.readiness()
            answer(exchange, readiness.isReady ? 200 : 503, readiness.text)
        case "/metrics":
            answer(
                exchange, 200, runtime.metricsText(),
                contentType: "text/plain; version=0.0.4; charset=utf-8")
        default:
            answer(exchange, 404, "not found: /healthz, /readyz and /metrics are served here\n")
        }
    }

    private func answer(
        _ exchange: HTTPExchange, _ status: Int, _ text: String,
        contentType: String = "text/plain; charset=utf-8", extra: [(String, String)] = []
    ) {
        let fields =
            [HeaderField(name: "Content-Type", value: contentType)]
            + extra.map { HeaderField(name: $0.0, value: $0.1) }
        let pending = exchange.head.framing != .none
        exchange.respond(
            status: status, headers: fields, body: Array(text.utf8), closeConnection: pending)
    }
}
