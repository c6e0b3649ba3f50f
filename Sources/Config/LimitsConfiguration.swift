/// The `limits` block: bounds on connections and on how long each part of an exchange takes.
///
/// Every field has the contract's default.
public struct LimitsConfiguration: Sendable, Hashable {
    /// `max_connections`: open client connections at most; default 10000.
    public let maxConnections: Int
    /// `header_timeout`: the whole request head must arrive within this; default 10s.
    public let headerTimeout: Duration
    /// `body_timeout`: the longest pause between two pieces of a body; default 60s.
    public let bodyTimeout: Duration
    /// `idle_timeout`: how long a keep-alive connection may wait for a request; default 60s.
    public let idleTimeout: Duration
    /// `max_header_bytes`: the largest request head; default 64KiB.
    public let maxHeaderBytes: Int
    /// `shutdown_timeout`: how long requests in flight may drain on SIGTERM; default 30s.
    public let shutdownTimeout: Duration

    /// Creates limits; every argument left out takes its default.
    public init(
        maxConnections: Int = 10000,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(60),
        maxHeaderBytes: Int = 64 * 1024,
        shutdownTimeout: Duration = .seconds(30)
    ) {
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.shutdownTimeout = shutdownTimeout
    }
}
