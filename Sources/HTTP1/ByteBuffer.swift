/// A growable byte queue: appended at the back, consumed from the front, compacted when
/// the consumed part outweighs what is left.
public struct ByteBuffer: Sendable {
    private var storage: [UInt8] = []
    private var start = 0

    /// An empty buffer.
    public init() {}

    /// Bytes waiting to be consumed.
    public var count: Int { storage.count - start }

    /// Whether nothing is waiting.
    public var isEmpty: Bool { count == 0 }

    /// Appends bytes at the back.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        storage.append(contentsOf: bytes)
    }

    /// Appends bytes at the back.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        storage.append(contentsOf: bytes)
    }

    /// Drops `n` bytes from the front.
    public mutating func consume(_ n: Int) {
        start += n
        if start == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 1 << 20)
            start = 0
        } else if start > 64 * 1024 && start > storage.count / 2 {
            storage.removeFirst(start)
            start = 0
        }
    }

    /// Calls `body` with the waiting bytes.
    public func withReadableBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R
    {
        try storage.withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[start...]))
        }
    }
}
