import Foundation
import HTTP1

/// An event loop running on a thread of its own until the test stops it, so that a
/// registry's once-a-second checks really happen.
final class RunningLoop: Sendable {
    /// The loop.
    let loop: EventLoop

    /// Starts a fresh loop on a new thread.
    init() throws {
        let loop = try EventLoop()
        self.loop = loop
        Thread { loop.run() }.start()
    }

    deinit {
        stop()
    }

    /// Makes the loop's thread return.
    func stop() {
        let loop = loop
        loop.execute { loop.stop() }
    }
}
