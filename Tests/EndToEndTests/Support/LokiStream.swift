import Foundation

/// One of Loki's streams: its labels and its `[nanoseconds, line]` entries.
struct LokiStream: Decodable, Equatable {
    /// The stream's labels.
    var stream: [String: String]
    /// Its entries, each `[nanoseconds, line]`.
    var values: [[String]]
}

/// The answer of Loki's `query_range` to a log query.
struct QueryRangeReply: Decodable {
    /// What `data` holds.
    struct Result: Decodable {
        /// `streams` for a log query.
        var resultType: String
        /// The streams found.
        var result: [LokiStream]
    }

    /// `success` or `error`.
    var status: String
    /// The result.
    var data: Result
}

/// A message of Loki's tail.
struct TailFrame: Decodable {
    /// The new entries, by stream.
    var streams: [LokiStream]

    /// Reads one text message from `client` and decodes it.
    static func read(from client: StreamingClient) throws -> TailFrame {
        let message = try WebSocketFrame.readMessage(from: client, timeout: .seconds(5))
        guard message.opcode == .text else { throw HarnessError("not a text frame: \(message)") }
        return try JSONDecoder().decode(TailFrame.self, from: Data(message.payload))
    }
}
