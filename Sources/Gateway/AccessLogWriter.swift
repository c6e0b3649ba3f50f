import Config
import Glibc
import HTTP1

/// Where one event loop writes its access lines: a buffer that goes to the log's file
/// descriptor once per turn of the loop, each line whole.
///
/// Every loop has its own writer and buffer; they share the descriptor, and `write(2)` on
/// it keeps each batch of whole lines together.
final class AccessLogWriter {
    private let format: LogFormat
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var clock = LogTimestamp()
    /// A batch larger than this is written at once instead of at the end of the turn.
    private static let flushThreshold = 64 * 1024

    /// A writer to `descriptor` in `format`, flushed at the end of every turn of `loop`.
    init(format: LogFormat, descriptor: Int32, loop: EventLoop) {
        self.format = format
        self.descriptor = descriptor
        loop.addIterationObserver { [weak self] in self?.flush() }
    }

    /// Queues the line of `entry`, which ended with `outcome` at `endedAt` (monotonic
    /// nanoseconds).
    func write(_ entry: AccessLogEntry, _ outcome: ExchangeOutcome, endedAt: UInt64) {
        let line = AccessLogLine.text(
            entry, outcome, time: clock.now(), format: format, endedAt: endedAt)
        buffer.append(contentsOf: line.utf8)
        if buffer.count >= Self.flushThreshold { flush() }
    }

    /// Writes what is queued to the old descriptor, then takes `newDescriptor` for what
    /// follows (SIGUSR1 after a log rotation).
    func replaceDescriptor(with newDescriptor: Int32) {
        flush()
        descriptor = newDescriptor
    }

    /// Writes what is queued; a log that refuses bytes loses them rather than stall the loop
    /// for ever.
    func flush() {
        guard !buffer.isEmpty else { return }
        var written = 0
        buffer.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return }
            while written < bytes.count {
                let result = Glibc.write(descriptor, start + written, bytes.count - written)
                if result > 0 {
                    written += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
