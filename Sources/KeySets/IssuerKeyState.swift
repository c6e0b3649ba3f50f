import JOSE

/// What an issuer's key set is doing and what it should do next: a pure value driven by the
/// fetcher with the time as a parameter, so that the refresh rules are tested without a
/// clock or a network.
public struct IssuerKeyState: Sendable {
    /// What an unknown `kid` leads to.
    public enum KidMissAction: Equatable, Sendable {
        /// Start a refresh now, and wait for it.
        case startRefresh
        /// A fetch is under way: wait for it.
        case waitForFetch
        /// A refresh ran less than `kid_miss_interval` ago: refuse at once.
        case refuse
    }

    /// The issuer block's name.
    public let issuerName: String
    /// The rules.
    public let policy: KeyRefreshPolicy
    /// The latest set, however old.
    public private(set) var snapshot: KeySetSnapshot?
    /// Whether a fetch is under way.
    public private(set) var isFetching = false
    /// Why the last fetch failed, if it did.
    public private(set) var lastError: String?
    /// When the last fetch failed.
    public private(set) var lastErrorAt: Double?
    /// Whether a first fetch has finished, with keys or not (`/readyz`).
    public private(set) var hasFinishedFirstFetch = false
    /// Fetches that succeeded and failed (metrics).
    public private(set) var fetchCounts = (succeeded: 0, failed: 0)
    private var nextFetchAt: Double = 0
    private var consecutiveFailures = 0
    private var lastKidMissRefreshAt: Double?

    /// The state before anything was fetched.
    public init(issuerName: String, policy: KeyRefreshPolicy) {
        self.issuerName = issuerName
        self.policy = policy
    }

    /// The set requests may be checked against at `now`: nil when none ever loaded or the
    /// last one is older than its lifetime plus `max_stale` (503 then).
    public func usableSnapshot(at now: Double) -> KeySetSnapshot? {
        guard let snapshot else { return nil }
        guard let expiresAt = snapshot.expiresAt else { return snapshot }
        return now < expiresAt + policy.maxStale ? snapshot : nil
    }

    /// Forgets a fetch under way, whose answer will not come here (the state was carried
    /// over to a new registry by a reload).
    public mutating func abandonFetch() {
        isFetching = false
    }

    /// Whether a scheduled fetch is due at `now` (never while one is under way).
    public func isFetchDue(at now: Double) -> Bool {
        !isFetching && now >= nextFetchAt
    }

    /// When the next scheduled fetch is due.
    public var nextFetchDue: Double { nextFetchAt }

    /// Decides what a token with an unknown `kid` does at `now`.
    public mutating func kidMissed(at now: Double) -> KidMissAction {
        if isFetching { return .waitForFetch }
        if let last = lastKidMissRefreshAt, now - last < policy.kidMissInterval { return .refuse }
        lastKidMissRefreshAt = now
        return .startRefresh
    }

    /// Notes that a fetch began.
    public mutating func fetchStarted() {
        isFetching = true
    }

    /// Publishes a fetched set; `maxAge` is what the source advertised, if anything.
    public mutating func fetchSucceeded(_ keys: KeySetSnapshotParts, at now: Double)
        -> KeySetSnapshot
    {
        let lifetime = policy.lifetime(advertised: keys.maxAge)
        let snapshot = KeySetSnapshot(
            issuerName: issuerName, keySet: keys.keySet, version: (self.snapshot?.version ?? 0) + 1,
            loadedAt: now, expiresAt: keys.fromFile ? nil : now + lifetime)
        self.snapshot = snapshot
        isFetching = false
        hasFinishedFirstFetch = true
        lastError = nil
        consecutiveFailures = 0
        fetchCounts.succeeded += 1
        nextFetchAt =
            keys.fromFile ? .infinity : now + lifetime - policy.leadTime(lifetime: lifetime)
        return snapshot
    }

    /// Notes a failed fetch; the next try comes after a pause that grows up to a minute.
    public mutating func fetchFailed(_ error: String, at now: Double) {
        isFetching = false
        hasFinishedFirstFetch = true
        lastError = error
        lastErrorAt = now
        fetchCounts.failed += 1
        consecutiveFailures += 1
        nextFetchAt = now + min(60, max(1, Double(consecutiveFailures)))
    }
}

/// What a fetch produced, before it becomes a snapshot.
public struct KeySetSnapshotParts: Sendable {
    /// The keys.
    public let keySet: JOSE.KeySet
    /// The source's advertised lifetime (`Cache-Control: max-age` or `Expires`), in seconds.
    public let maxAge: Double?
    /// Whether the set came from a `jwks_file`.
    public let fromFile: Bool

    /// The parts of a fetch's result.
    public init(keySet: JOSE.KeySet, maxAge: Double?, fromFile: Bool) {
        self.keySet = keySet
        self.maxAge = maxAge
        self.fromFile = fromFile
    }
}
