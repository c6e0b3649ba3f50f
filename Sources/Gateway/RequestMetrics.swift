import HTTP1

/// The counters of one event loop, touched only on its thread: requests by route, status
/// and decision, and latency histograms by route.
final class RequestMetrics {
    /// What `tokengate_requests_total` counts by.
    struct RequestKey: Hashable, Sendable {
        let route: String
        let status: Int
        let decision: String
    }

    private(set) var requests: [RequestKey: Int] = [:]
    private(set) var durations: [String: LatencyHistogram] = [:]
    private(set) var upstreamDurations: [String: LatencyHistogram] = [:]

    /// Counts one request that ended with `outcome` at `endedAt` (monotonic nanoseconds).
    func record(_ entry: AccessLogEntry, _ outcome: ExchangeOutcome, endedAt: UInt64) {
        let key = RequestKey(
            route: entry.route, status: outcome.status, decision: entry.decision.rawValue)
        requests[key, default: 0] += 1
        durations[entry.route, default: LatencyHistogram()].observe(
            Self.seconds(from: entry.startedAt, to: endedAt))
        if entry.upstreamAnsweredAt > 0 {
            upstreamDurations[entry.route, default: LatencyHistogram()].observe(
                Self.seconds(from: entry.upstreamStartedAt, to: entry.upstreamAnsweredAt))
        }
    }

    /// The counters as a value, with the loop's cache and connection figures.
    func snapshot(cacheHits: Int, cacheMisses: Int, openConnections: Int) -> MetricsSnapshot {
        MetricsSnapshot(
            requests: requests, durations: durations, upstreamDurations: upstreamDurations,
            cacheHits: cacheHits, cacheMisses: cacheMisses, openConnections: openConnections)
    }

    private static func seconds(from start: UInt64, to end: UInt64) -> Double {
        end > start ? Double(end - start) / 1e9 : 0
    }
}

/// Every loop's counters added up, with the figures only a loop can read, for `/metrics`.
struct MetricsSnapshot: Sendable {
    var requests: [RequestMetrics.RequestKey: Int] = [:]
    var durations: [String: LatencyHistogram] = [:]
    var upstreamDurations: [String: LatencyHistogram] = [:]
    var cacheHits = 0
    var cacheMisses = 0
    var openConnections = 0

    /// Adds the counters of another loop.
    mutating func merge(_ other: MetricsSnapshot) {
        requests.merge(other.requests, uniquingKeysWith: +)
        durations.merge(other.durations, uniquingKeysWith: Self.sum)
        upstreamDurations.merge(other.upstreamDurations, uniquingKeysWith: Self.sum)
        cacheHits += other.cacheHits
        cacheMisses += other.cacheMisses
        openConnections += other.openConnections
    }

    private static func sum(_ first: LatencyHistogram, _ second: LatencyHistogram)
        -> LatencyHistogram
    {
        var total = first
        total.merge(second)
        return total
    }
}
