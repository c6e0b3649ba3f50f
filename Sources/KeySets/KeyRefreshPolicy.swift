/// When an issuer's keys are fetched again, in seconds (the issuer block's `refresh`,
/// `kid_miss_interval` and `max_stale`).
public struct KeyRefreshPolicy: Sendable, Equatable {
    /// Longest a set is used before it is fetched again (`refresh`, 1h).
    public var refresh: Double
    /// Least time between two refreshes caused by unknown `kid`s (`kid_miss_interval`, 30s).
    public var kidMissInterval: Double
    /// How long a set keeps serving past its age while its source fails (`max_stale`, 24h).
    public var maxStale: Double
    /// Longest one fetch may take (10 s, fixed by the contract).
    public var fetchTimeout: Double

    /// The contract's defaults unless given.
    public init(
        refresh: Double = 3600, kidMissInterval: Double = 30, maxStale: Double = 86400,
        fetchTimeout: Double = 10
    ) {
        self.refresh = refresh
        self.kidMissInterval = kidMissInterval
        self.maxStale = maxStale
        self.fetchTimeout = fetchTimeout
    }

    /// How long a freshly fetched set is used: the source's `max-age` (or `Expires`) within
    /// [min(1m, refresh), refresh], else `refresh`.
    public func lifetime(advertised: Double?) -> Double {
        guard let advertised, advertised.isFinite else { return refresh }
        return min(refresh, max(min(60, refresh), advertised))
    }

    /// How long before a set ages out its next fetch starts, so that no request waits on it:
    /// a tenth of its lifetime, at most a minute.
    public func leadTime(lifetime: Double) -> Double {
        min(60, lifetime / 10)
    }
}
