import Foundation
import KeySets

/// A registry subscriber that keeps every event it hears.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var heard: [KeySetEvent] = []

    /// Subscribes to `registry`.
    init(_ registry: KeySetRegistry) {
        registry.subscribe { [self] event in
            lock.withLock { heard.append(event) }
        }
    }

    /// The versions of every published snapshot, in order.
    var publishedVersions: [Int] {
        lock.withLock {
            heard.compactMap { event in
                if case .published(let snapshot) = event { return snapshot.version }
                return nil
            }
        }
    }

    /// The reasons of every failed fetch, in order.
    var failures: [String] {
        lock.withLock {
            heard.compactMap { event in
                if case .fetchFailed(_, let reason) = event { return reason }
                return nil
            }
        }
    }

    /// How many events were heard.
    var count: Int {
        lock.withLock { heard.count }
    }
}
