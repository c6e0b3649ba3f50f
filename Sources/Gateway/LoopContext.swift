import Config
import Foundation
import HTTP1
import KeySets
import Upstream

/// What one event loop owns: its server, its libcurl multi handle, and the pipeline of the
/// configuration in force, which a reload replaces on the loop's own thread.
final class LoopContext: @unchecked Sendable {
    let loop: EventLoop
    let server: HTTPServer
    let upstream: UpstreamClient
    private(set) var handler: ProxyHandler
    private(set) var gate: AuthGate?

    init(
        limits: HTTPServerLimits, configuration: GatewayConfiguration, registry: KeySetRegistry?,
        accessLog: (descriptor: Int32, format: LogFormat)?
    ) throws {
        let loop = try EventLoop()
        self.loop = loop
        server = HTTPServer(loop: loop, limits: limits)
        guard let upstream = UpstreamClient(loop: loop) else {
            throw GatewayRuntime.StartError(description: "libcurl multi handle unavailable")
        }
        self.upstream = upstream
        let gate = Self.makeGate(configuration, registry: registry, loop: loop)
        self.gate = gate
        let writer = accessLog.map {
            AccessLogWriter(format: $0.format, descriptor: $0.descriptor, loop: loop)
        }
        handler = ProxyHandler(
            routes: configuration.routes, upstream: upstream, gate: gate, accessLog: writer,
            metrics: RequestMetrics())
        server.handler = handler
    }

    /// A gate over `configuration`'s issuers with the sets of `registry`; nil without
    /// issuers.
    private static func makeGate(
        _ configuration: GatewayConfiguration, registry: KeySetRegistry?, loop: EventLoop,
        cache: VerifiedTokenCache = VerifiedTokenCache()
    ) -> AuthGate? {
        guard !configuration.issuers.isEmpty else { return nil }
        let verifiers = configuration.issuers.map(IssuerVerifier.init)
        let gate = AuthGate(
            issuers: verifiers, registry: registry, loop: loop,
            clock: { Date().timeIntervalSince1970 }, cache: cache)
        // Every set the registry publishes reaches this loop through its own queue, so the
        // gate's snapshots are only ever touched on this thread.
        // A gate a reload dropped is not kept alive by its subscription.
        registry?.subscribe { [weak gate] event in
            guard let gate else { return }
            loop.execute { gate.handle(event) }
        }
        // Sets published before the subscription are taken now; one heard twice is kept
        // once, by its version.
        for verifier in verifiers {
            verifier.snapshot = registry?.snapshot(for: verifier.name)
        }
        return gate
    }

    /// What a reload changes on this loop.
    struct Change {
        let configuration: GatewayConfiguration
        let registry: KeySetRegistry?
        /// Whether the issuers and their key sets are as before: the gate, and with it the
        /// verified tokens, is kept.
        let keepsGate: Bool
        /// The issuer blocks that did not change: a new gate keeps their verified tokens.
        let unchangedIssuers: Set<String>
        let limits: HTTPServerLimits
        /// A new access log, when its place or format changed: nil for no change, `.some(nil)`
        /// for `off`.
        let accessLog: (descriptor: Int32, format: LogFormat)??
        /// The certificate read again for the HTTPS listeners; nil when none serves TLS.
        let tlsContext: TLSContext?
    }

    /// Takes the new configuration; call on the loop's thread.
    ///
    /// Requests under way keep the pipeline and route they started with.
    func apply(_ change: Change) {
        server.limits = change.limits
        if let tlsContext = change.tlsContext { server.replaceTLSContext(with: tlsContext) }
        if !change.keepsGate {
            let cache = gate?.cache ?? VerifiedTokenCache()
            cache.keepOnly(issuers: change.unchangedIssuers)
            gate = Self.makeGate(
                change.configuration, registry: change.registry, loop: loop, cache: cache)
        }
        var writer = handler.accessLog
        if let accessLog = change.accessLog {
            writer?.flush()
            writer = accessLog.map {
                AccessLogWriter(format: $0.format, descriptor: $0.descriptor, loop: loop)
            }
        }
        handler = ProxyHandler(
            routes: change.configuration.routes, upstream: upstream, gate: gate,
            accessLog: writer, metrics: handler.metrics)
        server.handler = handler
    }
}
