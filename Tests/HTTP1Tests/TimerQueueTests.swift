import Testing

@testable import HTTP1

@Suite struct TimerQueueTests {
    @Test func dropsCancelledTimersBeforeTheirDeadline() {
        var queue = TimerQueue()
        var kept: [TimerID] = []
        for round in 0..<10_000 {
            let timer = queue.schedule(at: 60_000 + Int64(round)) {}
            if round % 100 == 0 { kept.append(timer) } else { queue.cancel(timer) }
        }
        #expect(queue.storedCount <= max(64, 2 * kept.count))
    }

    @Test func firesLiveTimersInDeadlineOrderAfterARebuild() {
        var queue = TimerQueue()
        var fired: [Int] = []
        var cancelled: [TimerID] = []
        for index in (0..<200).reversed() {
            let timer = queue.schedule(at: Int64(index)) { fired.append(index) }
            if index % 4 != 0 { cancelled.append(timer) }
        }
        for timer in cancelled { queue.cancel(timer) }
        #expect(queue.storedCount <= 2 * 50)
        while let action = queue.popDue(upTo: 1_000) { action() }
        #expect(fired == Array(stride(from: 0, to: 200, by: 4)))
    }
}
