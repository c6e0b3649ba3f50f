/// Identifies a scheduled timer, for cancelling it.
public struct TimerID: Hashable, Sendable {
    let value: UInt64
}

/// Timers of one event loop: a binary min-heap of deadlines.
///
/// Cancelled timers are dropped
/// when they reach the top, and the heap is rebuilt without them once they outnumber the
/// live ones: libcurl re-arms its timer many times per request, and a first-byte timer that
/// is cancelled would otherwise stay in the heap until its deadline, a minute later.
struct TimerQueue {
    private var heap: [(deadline: Int64, id: UInt64)] = []
    private var actions: [UInt64: () -> Void] = [:]
    private var nextID: UInt64 = 1

    mutating func schedule(at deadline: Int64, _ action: @escaping () -> Void) -> TimerID {
        let id = nextID
        nextID += 1
        actions[id] = action
        heap.append((deadline, id))
        siftUp(heap.count - 1)
        return TimerID(value: id)
    }

    mutating func cancel(_ timer: TimerID) {
        guard actions.removeValue(forKey: timer.value) != nil else { return }
        if heap.count > 64 && heap.count > 2 * actions.count { rebuild() }
    }

    /// The heap of live timers only.
    private mutating func rebuild() {
        heap.removeAll { actions[$0.id] == nil }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    /// Entries in the heap, live or not yet dropped (for tests).
    var storedCount: Int { heap.count }

    /// The epoll timeout until the earliest live timer: -1 when there is none.
    mutating func millisecondsUntilNext(from now: Int64) -> Int32 {
        dropCancelled()
        guard let first = heap.first else { return -1 }
        return Int32(clamping: max(0, first.deadline - now))
    }

    /// Removes and returns the action of one timer due at `now`, or nil when none is due.
    ///
    /// The loop runs it outside any access to the queue, since it may schedule timers.
    mutating func popDue(upTo now: Int64) -> (() -> Void)? {
        while let first = heap.first, first.deadline <= now {
            popFirst()
            if let action = actions.removeValue(forKey: first.id) { return action }
        }
        return nil
    }

    private mutating func dropCancelled() {
        while let first = heap.first, actions[first.id] == nil { popFirst() }
    }

    private mutating func popFirst() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline {
                smallest = left
            }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline {
                smallest = right
            }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
