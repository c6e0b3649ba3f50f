/// Decodes a chunked body (RFC 9112 §7.1) incrementally and strictly.
///
/// A chunk-size line is
/// 1*HEXDIG followed directly by `;` or CRLF, every line ends in CRLF, and a size too long to
/// be honest is refused. Trailer fields are read and dropped.
public struct ChunkedBodyDecoder: Sendable {
    /// Most hex digits in a chunk size; more is a smuggling attempt, not a real chunk.
    public static let maximumSizeDigits = 16
    /// Most bytes of chunk extensions or trailers accepted.
    public static let maximumMetadataLength = 16 * 1024

    private enum State: Sendable, Equatable {
        case size(digits: Int)
        case sizeLineFeed
        case extensions
        case data(remaining: UInt64)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerLine
        case trailerLineFeed
        case finalLineFeed
        case finished
    }

    private var state = State.size(digits: 0)
    private var size: UInt64 = 0
    private var metadataLength = 0
    /// Bytes of the current trailer field's name, and whether its colon has come.
    private var trailerNameLength = 0
    private var trailerHasColon = false

    /// A decoder at the start of a body.
    public init() {}

    /// Whether the last chunk and the trailers have been read.
    public var isFinished: Bool { state == .finished }

    /// Consumes bytes of `input`, handing each run of body data to `deliver`, and returns
    /// how many bytes were consumed: all of them, or fewer once the body has finished (the
    /// rest belongs to the next request).
    public mutating func decode(
        _ input: UnsafeBufferPointer<UInt8>, deliver: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(RequestError) -> Int {
        var index = 0
        while index < input.count && state != .finished {
            if case .data(let remaining) = state {
                let take = Int(min(remaining, UInt64(input.count - index)))
                deliver(UnsafeBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                state =
                    remaining == UInt64(take)
                    ? .dataCarriageReturn : .data(remaining: remaining - UInt64(take))
                continue
            }
            try step(input[index])
            index += 1
        }
        return index
    }

    private mutating func step(_ byte: UInt8) throws(RequestError) {
        switch state {
        case .size(let digits):
            if let value = hexValue(byte) {
                guard digits < Self.maximumSizeDigits, size >> 60 == 0 else {
                    throw RequestError(400, "chunk size too long")
                }
                size = size << 4 | UInt64(value)
                state = .size(digits: digits + 1)
            } else if digits > 0 && byte == 0x0D {
                state = .sizeLineFeed
            } else if digits > 0 && byte == UInt8(ascii: ";") {
                state = .extensions
            } else {
                throw RequestError(400, "malformed chunk size")
            }
        case .extensions:
            try countMetadata()
            if byte == 0x0D {
                state = .sizeLineFeed
            } else if !(byte == 0x09 || (byte >= 0x20 && byte < 0x7F)) {
                throw RequestError(400, "malformed chunk extension")
            }
        case .sizeLineFeed:
            guard byte == 0x0A else { throw RequestError(400, "bare CR in a chunk size line") }
            if size == 0 {
                state = .trailerLineStart
            } else {
                state = .data(remaining: size)
                size = 0
            }
        case .dataCarriageReturn:
            guard byte == 0x0D else { throw RequestError(400, "chunk data longer than its size") }
            state = .dataLineFeed
        case .dataLineFeed:
            guard byte == 0x0A else { throw RequestError(400, "bare CR after chunk data") }
            state = .size(digits: 0)
        case .trailerLineStart:
            if byte == 0x0D {
                state = .finalLineFeed
            } else if byte == 0x20 || byte == 0x09 {
                throw RequestError(400, "obsolete line folding in a trailer")
            } else {
                try trailerByte(byte)
            }
        case .trailerLine:
            if byte == 0x0D {
                guard trailerHasColon else { throw RequestError(400, "trailer without a colon") }
                state = .trailerLineFeed
            } else {
                try trailerByte(byte)
            }
        case .trailerLineFeed:
            guard byte == 0x0A else { throw RequestError(400, "bare CR in a trailer") }
            state = .trailerLineStart
        case .finalLineFeed:
            guard byte == 0x0A else { throw RequestError(400, "bare CR after the last chunk") }
            state = .finished
        case .data, .finished:
            break
        }
    }

    /// One byte of a trailer field, `name ":" value`, the name a token as a header's is.
    private mutating func trailerByte(_ byte: UInt8) throws(RequestError) {
        try countMetadata()
        guard byte == 0x09 || byte >= 0x20 && byte != 0x7F else {
            throw RequestError(400, "control character in a trailer")
        }
        if state != .trailerLine {
            trailerNameLength = 0
            trailerHasColon = false
        }
        if !trailerHasColon {
            if byte == UInt8(ascii: ":") {
                guard trailerNameLength > 0 else {
                    throw RequestError(400, "trailer field without a name")
                }
                trailerHasColon = true
            } else if isTokenCharacter(byte) {
                trailerNameLength += 1
            } else {
                throw RequestError(400, "malformed trailer field name")
            }
        }
        state = .trailerLine
    }

    private mutating func countMetadata() throws(RequestError) {
        metadataLength += 1
        guard metadataLength <= Self.maximumMetadataLength else {
            throw RequestError(400, "chunk extensions or trailers too long")
        }
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
