import Config
import Foundation
import HTTP1
import KeySets
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

    // What follows is changed only by `start` and `reload`, on the thread that calls them;
    // the loops get their parts through their own queues.
    var configuration: ProxyConfiguration
    var compiled: GatewayConfiguration
    var loops: [LoopContext] = []
    let lock = NSLock()
    var registry: KeySetRegistry?
    var fetcher: CurlDocumentFetcher?
    var accessLogDescriptor: Int32?
    var loopCount = 1
    /// The certificate HTTPS listeners serve; nil without a `tls` listener.
    var tlsContext: TLSContext?
    private var isDraining = false
    private var adminServer: HTTPServer?
    private var adminHandler: AdminHandler?

    /// Hears the daemon's warnings that no request carries.
    ///
    /// A key set that could not be fetched or read, with the issuer and the reason. Set it
    /// before `start`.
    public var warn: @Sendable (_ message: String, _ fields: [String: String]) -> Void = { _, _ in }

    /// Passes every failed fetch of `registry` on to `warn`: without it, an issuer whose
    /// keys never load shows only as 503s.
    func reportFailedFetches(of registry: KeySetRegistry) {
        let warn = self.warn
        registry.subscribe { event in
            if case .fetchFailed(let issuer, let reason) = event {
                warn("key set fetch failed", ["issuer": issuer, "error": reason])
            }
        }
    }

    /// A runtime for `configuration`; nothing runs until `start`.
    public init(configuration: ProxyConfiguration) throws(StartError) {
        tlsContext = try Self.loadTLSContext(for: configuration)
        switch GatewayConfiguration.compile(configuration) {
        case .success(let compiled): self.compiled = compiled
        case .failure(let errors): throw StartError(description: errors.description)
        }
        self.configuration = configuration
        switch configuration.accessLog {
        case .off: accessLogDescriptor = nil
        case .standardError: accessLogDescriptor = STDERR_FILENO
        case .standardOutput: accessLogDescriptor = STDOUT_FILENO
        case .file(let path): accessLogDescriptor = try Self.openAccessLog(path)
        }
    }

    /// The `tls` block's certificate and key, read from their files, when a listener uses
    /// TLS; nil otherwise.
    static func loadTLSContext(for configuration: ProxyConfiguration) throws(StartError)
        -> TLSContext?
    {
        guard configuration.listeners.contains(where: { $0.usesTLS }) else { return nil }
        guard let files = configuration.tls else {
            throw StartError(description: "a tls listener needs a \"tls { ... }\" block")
        }
        do {
            return try TLSContext(certificateFile: files.certificateFile, keyFile: files.keyFile)
        } catch {
            throw StartError(description: "tls: \(error.description)")
        }
    }

    /// Opens the access log file for appending, creating it when missing.
    static func openAccessLog(_ path: String) throws(StartError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            let why = String(cString: strerror(errno))
            throw StartError(description: "cannot open access log \(path): \(why)")
        }
        return descriptor
    }

    /// Opens the access log file again (SIGUSR1, after logrotate moved it away).
    ///
    /// Every loop writes what it holds to the old file, then appends to the new one.
    /// Nothing to do for a log on stderr or stdout.
    public func reopenAccessLog() throws(StartError) {
        guard case .file(let path) = configuration.accessLog, let old = accessLogDescriptor
        else { return }
        let descriptor = try Self.openAccessLog(path)
        let contexts = lock.withLock { loops }
        let done = DispatchSemaphore(value: 0)
        for context in contexts {
            context.loop.execute {
                context.handler.accessLog?.replaceDescriptor(with: descriptor)
                done.signal()
            }
        }
        for _ in contexts { done.wait() }
        accessLogDescriptor = descriptor
        close(old)
    }

    /// Starts the key fetcher and `count` event loops, each on its own thread; returns once
    /// all listen, or throws the first loop's failure to bind.
    public func start(loopCount: Int) throws {
        self.loopCount = loopCount
        if !compiled.keySources.isEmpty {
            let fetcher = try CurlDocumentFetcher()
            self.fetcher = fetcher
            let registry = KeySetRegistry(sources: compiled.keySources, fetcher: fetcher)
            reportFailedFetches(of: registry)
            // Started before the loops, so that key sets from files are in place before the
            // first connection is accepted.
            registry.start(on: fetcher.eventLoop)
            self.registry = registry
        }
        let serverLimits = Self.serverLimits(configuration.limits, loopCount: loopCount)
        let listeners = configuration.listeners
        let tlsContext = self.tlsContext
        let ready = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        for _ in 0..<loopCount {
            let thread = Thread { [self] in
                do {
                    let context = try LoopContext(
                        limits: serverLimits, configuration: compiled, registry: registry,
                        accessLog: accessLogDescriptor.map {
                            (descriptor: $0, format: configuration.logFormat)
                        })
                    for listener in listeners {
                        try context.server.listen(
                            address: listener.address.host, port: listener.address.port,
                            tls: listener.usesTLS ? tlsContext : nil)
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
        if let admin = configuration.admin { try startAdmin(admin) }
    }

    /// How long requests in flight may take to finish once draining begins, from the
    /// configuration in force.
    public var shutdownTimeout: Duration { configuration.limits.shutdownTimeout }

    /// Each loop's share of `limits`.
    static func serverLimits(_ limits: LimitsConfiguration, loopCount: Int) -> HTTPServerLimits {
        HTTPServerLimits(
            maximumHeadLength: limits.maxHeaderBytes,
            headerTimeout: GatewayConfiguration.milliseconds(limits.headerTimeout),
            bodyTimeout: GatewayConfiguration.milliseconds(limits.bodyTimeout),
            idleTimeout: GatewayConfiguration.milliseconds(limits.idleTimeout),
            maximumConnections: max(1, limits.maxConnections / loopCount))
    }

    /// Starts the admin listener on a loop and thread of its own.
    private func startAdmin(_ address: ListenAddress) throws {
        let ready = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        let thread = Thread { [self] in
            do {
                let loop = try EventLoop()
                let server = HTTPServer(loop: loop, limits: HTTPServerLimits())
                let handler = AdminHandler(runtime: self)
                server.handler = handler
                try server.listen(address: address.host, port: address.port)
                lock.withLock {
                    adminServer = server
                    adminHandler = handler
                }
                ready.signal()
                loop.run()
            } catch {
                failure.set(error)
                ready.signal()
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
        ready.wait()
        if let error = failure.value { throw error }
    }

    /// Whether the proxy should get traffic (`/readyz`): once every issuer's first key fetch
    /// has finished, with keys or without, and not while draining; the text names the
    /// issuers without usable keys.
    public func readiness() -> (isReady: Bool, text: String) {
        let now = Date().timeIntervalSince1970
        let registry = lock.withLock { self.registry }
        let states = registry?.states(at: now) ?? []
        let waiting = states.filter { !$0.hasFinishedFirstFetch }.map(\.issuerName)
        let keyless = states.filter { $0.usableSnapshot(at: now) == nil }.map(\.issuerName)
        var lines: [String] = []
        let draining = lock.withLock { isDraining }
        if draining { lines.append("draining") }
        if !waiting.isEmpty {
            lines.append("first key fetch not finished: " + waiting.joined(separator: ", "))
        }
        if !keyless.isEmpty {
            lines.append("issuers without keys: " + keyless.joined(separator: ", "))
        }
        let isReady = !draining && waiting.isEmpty
        return (isReady, ([isReady ? "ready" : "not ready"] + lines).joined(separator: "\n") + "\n")
    }

    /// `/metrics`: every loop's counters, read on its own thread, and the issuers' states.
    public func metricsText() -> String {
        let contexts = lock.withLock { loops }
        let box = SnapshotBox()
        let done = DispatchSemaphore(value: 0)
        for context in contexts {
            context.loop.execute {
                box.add(
                    context.handler.metrics.snapshot(
                        cacheHits: context.gate?.cache.hits ?? 0,
                        cacheMisses: context.gate?.cache.misses ?? 0,
                        openConnections: context.server.connectionCount))
                done.signal()
            }
        }
        for _ in contexts { _ = done.wait(timeout: .now() + .seconds(2)) }
        let now = Date().timeIntervalSince1970
        let registry = lock.withLock { self.registry }
        return MetricsText.render(box.total, issuers: registry?.states(at: now) ?? [], now: now)
    }

    /// Stops accepting on every loop and closes idle connections; busy ones finish.
    public func beginDrain() {
        lock.withLock { isDraining = true }
        for context in lock.withLock({ loops }) {
            context.loop.execute {
                context.server.stopAccepting()
                context.server.closeIdleConnections()
            }
        }
    }

    /// Closes every client connection still open, once `shutdown_timeout` has passed: the
    /// requests cut off get their access lines, written before this returns.
    public func closeRemainingConnections() {
        let contexts = lock.withLock { loops }
        let done = DispatchSemaphore(value: 0)
        for context in contexts {
            context.loop.execute {
                context.server.closeAllConnections()
                context.handler.accessLog?.flush()
                done.signal()
            }
        }
        for _ in contexts { _ = done.wait(timeout: .now() + .seconds(2)) }
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

/// The loops' metrics as they arrive from their threads.
final class SnapshotBox: @unchecked Sendable {
    private let lock = NSLock()
    private var sum = MetricsSnapshot()

    /// Adds one loop's counters.
    func add(_ snapshot: MetricsSnapshot) {
        lock.withLock { sum.merge(snapshot) }
    }

    /// What has arrived so far.
    var total: MetricsSnapshot { lock.withLock { sum } }
}
