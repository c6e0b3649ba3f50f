import Foundation

/// A clock that moves only when the test moves it, in seconds since the epoch.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double

    /// A clock reading `start`.
    init(start: Double = 1_800_000_000) {
        current = start
    }

    /// The time now.
    var now: Double {
        lock.withLock { current }
    }

    /// Moves the clock on by `seconds`.
    func advance(by seconds: Double) {
        lock.withLock { current += seconds }
    }
}
