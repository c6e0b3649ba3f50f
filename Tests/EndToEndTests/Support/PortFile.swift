import Foundation

/// The port a child server writes to a file once it listens (the Python stand-ins do so).
enum PortFile {
    /// Waits up to 10 s for `child` to write its port to `port` in `directory`; stops the
    /// child and throws, naming `what`, if it exits or takes longer.
    static func wait(in directory: TemporaryDirectory, for child: ChildProcess, what: String)
        throws -> Int
    {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let text = directory.read("port").trimmingCharacters(in: .whitespacesAndNewlines)
            if let port = Int(text) { return port }
            guard child.isRunning, ContinuousClock.now < deadline else {
                child.stop()
                throw HarnessError("\(what) did not start: \(child.standardError)")
            }
            usleep(10_000)
        }
    }
}
