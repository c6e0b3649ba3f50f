import Config
import Foundation
import HTTP1
import Policy
import Upstream

/// The running proxy: one event loop per core, each with its own listening sockets
/// (`SO_REUSEPORT`), its own libcurl multi handle and its own copy of the routes, so that
/// serving a request takes no lock.
public final class GatewayRuntime: @unchecked Sendable {
    /// Why the configuration cannot be served by this build.
    public struct StartError: Error, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    private let configuration: ProxyConfiguration
    private var loops: [LoopContext] = []
    private let lock = NSLock()

    /// A runtime for `configuration`; nothing runs until `start`.
    public init(configuration: ProxyConfiguration) throws(StartError) {
        if let route = configuration.routes.first(where: { $0.requiresAuthentication }) {
            throw StartError(
                description: "route \(route.name) requires authentication, which this build "
                    + "does not serve yet; set `auth off` on it")
        }
        if configuration.listeners.contains(where: { $0.usesTLS }) {
            throw StartError(description: "tls listeners are not served by this build yet")
        }
        self.configuration = configuration
    }

    /// The routes as the route table holds them.
    static func routeTable(_ configuration: ProxyConfiguration) -> RouteTable<ProxyRoute> {
        RouteTable(
            configuration.routes.map { route in
                let proxyRoute = ProxyRoute(
                    name: route.name, pathPrefix: route.path,
                    upstreamScheme: route.upstream.scheme.rawValue,
                    upstreamHost: route.upstream.host,
                    upstreamPort: route.upstream.port, upstreamBasePath: route.upstream.path,
                    stripPrefix: route.stripsPrefix, preserveHost: route.preservesHost,
                    maximumBodyLength: route.maxBodyBytes.map { UInt64($0) },
                    upstreamTimeout: milliseconds(route.upstreamTimeout),
                    upstreamIdleTimeout: milliseconds(route.upstreamIdleTimeout),
                    upstreamCAFile: route.upstreamCAFile,
                    responseHeaders: route.responseHeaders.map { ($0.name, $0.value.text) })
                return RouteTable.Entry(
                    hosts: route.hosts.map(\.description), pathPrefix: route.path,
                    methods: route.methods, route: proxyRoute)
            })
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Starts `count` event loops, each on its own thread; returns once all listen, or
    /// throws the first loop's failure to bind.
    public func start(loopCount: Int) throws {
        let limits = configuration.limits
        let serverLimits = HTTPServerLimits(
            maximumHeadLength: limits.maxHeaderBytes,
            headerTimeout: Self.milliseconds(limits.headerTimeout),
            bodyTimeout: Self.milliseconds(limits.bodyTimeout),
            idleTimeout: Self.milliseconds(limits.idleTimeout),
            maximumConnections: max(1, limits.maxConnections / loopCount))
        let routes = Self.routeTable(configuration)
        let listeners = configuration.listeners.map(\.address)
        let ready = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        for _ in 0..<loopCount {
            let thread = Thread { [self] in
                do {
                    let context = try LoopContext(limits: serverLimits, routes: routes)
                    for address in listeners {
                        try context.server.listen(address: address.host, port: address.port)
                    }
                    lock.withLock { loops.append(context) }
                    ready.signal()
                    context.loop.run()
                } catch {
                    failure.set(error)
                    ready.signal()
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in 0..<loopCount { ready.wait() }
        if let error = failure.value { throw error }
    }

    /// Stops accepting on every loop and closes idle connections; busy ones finish.
    public func beginDrain() {
        for context in lock.withLock({ loops }) {
            context.loop.execute {
                context.server.stopAccepting()
                context.server.closeIdleConnections()
            }
        }
    }

    /// Client connections still open, summed over the loops (read on each loop's thread).
    public func openConnections() -> Int {
        let contexts = lock.withLock { loops }
        let counter = FailureBox()
        let done = DispatchSemaphore(value: 0)
        for context in contexts {
            context.loop.execute {
                counter.add(context.server.connectionCount)
                done.signal()
            }
        }
        for _ in contexts { done.wait() }
        return counter.count
    }
}

/// What one event loop owns.
final class LoopContext: @unchecked Sendable {
    let loop: EventLoop
    let server: HTTPServer
    let upstream: UpstreamClient
    let handler: ProxyHandler

    init(limits: HTTPServerLimits, routes: RouteTable<ProxyRoute>) throws {
        loop = try EventLoop()
        server = HTTPServer(loop: loop, limits: limits)
        guard let upstream = UpstreamClient(loop: loop) else {
            throw GatewayRuntime.StartError(description: "libcurl multi handle unavailable")
        }
        self.upstream = upstream
        handler = ProxyHandler(routes: routes, upstream: upstream)
        server.handler = handler
    }
}

/// A first error and a counter shared between threads.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    private var total = 0

    var value: Error? { lock.withLock { error } }
    var count: Int { lock.withLock { total } }

    func set(_ error: Error) {
        lock.withLock { if self.error == nil { self.error = error } }
    }

    func add(_ value: Int) {
        lock.withLock { total += value }
    }
}
