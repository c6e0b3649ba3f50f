import Foundation
import HTTP1
import JOSE

/// The demo's upstream, in the same process: it answers every request with a JSON object
/// of what it received (method, target, the header fields, the body's length), so that the
/// demo shows what tokengate passes on and what it keeps back.
final class DemoEchoUpstream: HTTPRequestHandler {
    /// The largest body read; the rest is not counted.
    private static let bodyReadLimit = 1 << 20

    /// Reads the body, then answers with the echo.
    func handleRequest(_ exchange: HTTPExchange) {
        exchange.onBodyAvailable = { [weak self] in self?.readBody(exchange) }
        exchange.startBody()
        readBody(exchange)
    }

    private func readBody(_ exchange: HTTPExchange) {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let read = scratch.withUnsafeMutableBytes { exchange.readBody(into: $0) }
            switch read {
            case .bytes: continue
            case .pending: return
            case .end: return answer(exchange, closing: false)
            case .failed: return answer(exchange, closing: true)
            }
        }
    }

    private func answer(_ exchange: HTTPExchange, closing: Bool) {
        exchange.onBodyAvailable = nil
        let head = exchange.head
        var headers = JSONObject()
        for field in head.headers { headers.set(field.name, .string(field.value)) }
        var echo = JSONObject()
        echo.set("upstream", .string("tokengate demo echo"))
        echo.set("method", .string(head.method))
        echo.set("path", .string(head.path + (head.query.map { "?" + $0 } ?? "")))
        echo.set("headers", .object(headers))
        echo.set("body_bytes", .number(Double(exchange.bodyBytesReceived)))
        exchange.respond(
            status: 200, headers: [HeaderField(name: "Content-Type", value: "application/json")],
            body: Array((JSONValue.object(echo).serialized + "\n").utf8), closeConnection: closing)
    }
}
