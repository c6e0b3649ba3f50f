import Glibc

/// What one read or write on a connection did.
enum TransportResult {
    /// This many bytes (more than zero) were read or written.
    case transferred(Int)
    /// Nothing now: wait for the socket.
    case wouldBlock
    /// The peer closed the connection.
    case closed
    /// The connection broke.
    case failed
}

/// How a connection's bytes reach its socket: as they are, or through TLS.
///
/// The two places where `HTTPConnection` touches the socket go through it, so that
/// framing, streaming, tunnels and timeouts are the same over both.
enum ConnectionTransport {
    /// Plain HTTP: `read` and `write` on the socket.
    case plain(Int32)
    /// HTTPS: the session's records on the socket.
    case tls(TLSSession)

    /// The TLS session, if any.
    var session: TLSSession? {
        if case .tls(let session) = self { return session }
        return nil
    }

    /// Reads what the socket (or the TLS session) has, at most `buffer.count` bytes.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        switch self {
        case .plain(let fd):
            let got = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if got > 0 { return .transferred(got) }
            if got == 0 { return .closed }
            return errno == EAGAIN || errno == EINTR ? .wouldBlock : .failed
        case .tls(let session):
            return session.receive(into: buffer)
        }
    }

    /// Writes as much of `bytes` as the socket takes now.
    func send(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        switch self {
        case .plain(let fd):
            let written = Glibc.write(fd, bytes.baseAddress, bytes.count)
            if written > 0 { return .transferred(written) }
            return written < 0 && (errno == EAGAIN || errno == EINTR) ? .wouldBlock : .failed
        case .tls(let session):
            return session.send(bytes)
        }
    }
}
