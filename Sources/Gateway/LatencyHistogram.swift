/// A Prometheus histogram of durations in seconds: cumulative counts per upper bound, their
/// sum and their number.
struct LatencyHistogram: Sendable {
    /// The upper bounds of the buckets, in seconds; `+Inf` is implied.
    static let bounds: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]

    /// Observations at or below each bound (not yet cumulative), and above the last.
    private(set) var counts = [Int](repeating: 0, count: bounds.count + 1)
    /// The sum of every observation.
    private(set) var sum = 0.0
    /// How many observations there were.
    private(set) var count = 0

    /// Records one duration.
    mutating func observe(_ seconds: Double) {
        let index = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
        counts[index] += 1
        sum += seconds
        count += 1
    }

    /// Adds the observations of `other`.
    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        sum += other.sum
        count += other.count
    }

    /// The cumulative count of each bound, then of `+Inf`.
    var cumulativeCounts: [Int] {
        var running = 0
        return counts.map { count in
            running += count
            return running
        }
    }
}
