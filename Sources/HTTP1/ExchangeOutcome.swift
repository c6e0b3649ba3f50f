/// How an exchange ended, for the access log: what the client was told and how much moved.
public struct ExchangeOutcome: Sendable, Equatable {
    /// The status of the response head sent, or 0 when the client went before any was.
    public let status: Int
    /// Request body bytes received from the client (for a tunnel, every byte it sent
    /// through).
    public let bytesIn: UInt64
    /// Response body bytes queued for the client (framing not counted; for a tunnel, every
    /// byte relayed to it).
    public let bytesOut: UInt64
    /// Whether the response went out whole; false when the connection closed first.
    public let isComplete: Bool

    /// An outcome with these figures.
    public init(status: Int, bytesIn: UInt64, bytesOut: UInt64, isComplete: Bool) {
        self.status = status
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.isComplete = isComplete
    }
}
