import COpenSSL

/// One connection's TLS session: the handshake, then records read and written on the
/// connection's non-blocking socket.
///
/// It remembers which readiness its last operation waited for, so that the connection
/// watches the socket for the right event.
final class TLSSession {
    /// How far the handshake is.
    enum HandshakeProgress {
        /// Finished: application data may flow.
        case done
        /// Waiting for the socket.
        case waiting
        /// Failed (a client speaking plain HTTP, no common version or protocol).
        case failed
    }

    private let session: OpaquePointer
    /// Whether the handshake has finished.
    private(set) var isEstablished = false
    /// Whether the last read or handshake step waits for the socket to become writable.
    private(set) var readWaitsForWritable = false
    private var isSound = true

    /// A session on the accepted socket `fd`, or nil when OpenSSL cannot make one.
    init?(context: TLSContext, fd: Int32) {
        guard let session = tgssl_session_new(context.context, fd) else { return nil }
        self.session = session
    }

    deinit {
        SSL_free(session)
    }

    /// Says goodbye (close_notify) when the session is sound; call before the socket closes.
    func close() {
        if isSound && isEstablished { tgssl_session_close(session) }
        isSound = false
    }

    /// Decrypted bytes that OpenSSL holds and the socket will never announce again.
    var hasBufferedInput: Bool { SSL_pending(session) > 0 }

    /// Takes the handshake as far as the socket allows.
    func handshake() -> HandshakeProgress {
        let result = tgssl_session_handshake(session)
        readWaitsForWritable = result == TGSSL_IO_WANT_WRITE.rawValue
        switch result {
        case 1:
            isEstablished = true
            return .done
        case TGSSL_IO_WANT_READ.rawValue, TGSSL_IO_WANT_WRITE.rawValue:
            return .waiting
        default:
            isSound = false
            return .failed
        }
    }

    /// Fills `buffer` with decrypted bytes, record after record, until it is full or the
    /// socket has nothing more.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        var filled = 0
        readWaitsForWritable = false
        while filled < buffer.count {
            let result = tgssl_session_read(
                session, buffer.baseAddress! + filled, buffer.count - filled)
            if result > 0 {
                filled += result
                continue
            }
            readWaitsForWritable = result == Int(TGSSL_IO_WANT_WRITE.rawValue)
            if filled > 0 { return .transferred(filled) }
            return outcome(of: result)
        }
        return .transferred(filled)
    }

    /// Encrypts and writes as much of `bytes` as the socket takes.
    func send(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        let result = tgssl_session_write(session, bytes.baseAddress, bytes.count)
        return result > 0 ? .transferred(result) : outcome(of: result)
    }

    private func outcome(of status: Int) -> TransportResult {
        switch Int32(status) {
        case TGSSL_IO_WANT_READ.rawValue, TGSSL_IO_WANT_WRITE.rawValue:
            return .wouldBlock
        case TGSSL_IO_CLOSED.rawValue:
            return .closed
        default:
            isSound = false
            return .failed
        }
    }
}
