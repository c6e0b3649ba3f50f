import CCurl
import Glibc
import HTTP1

/// One libcurl multi handle driven by one event loop: its sockets are watched by the loop's
/// epoll set and its timer is one of the loop's timers, so no transfer needs a thread.
public final class UpstreamClient {
    /// The loop that drives this client.
    public let loop: EventLoop
    let multi: UnsafeMutableRawPointer
    private var sockets: [curl_socket_t: CurlSocket] = [:]
    private var timer: TimerID?
    var transfers: [UnsafeMutableRawPointer: UpstreamTransfer] = [:]
    /// Easy handles of finished transfers, reset, for the next ones: making one costs a
    /// large zeroed allocation and its setup on every request.
    private var idleEasyHandles: [UnsafeMutableRawPointer] = []
    private static let idleEasyHandleLimit = 64

    /// A client on `loop`; `curl_global_init` must have run once before.
    public init?(loop: EventLoop) {
        guard let multi = curl_multi_init() else { return nil }
        self.loop = loop
        self.multi = multi
        let me = Unmanaged.passUnretained(self).toOpaque()
        tgcurl_multi_set_socket_callback(multi, curlSocketCallback)
        tgcurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, me)
        tgcurl_multi_set_timer_callback(multi, curlTimerCallback)
        tgcurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, me)
        tgcurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 256)
    }

    deinit {
        for easy in idleEasyHandles { curl_easy_cleanup(easy) }
        curl_multi_cleanup(multi)
    }

    /// Transfers under way.
    public var activeTransfers: Int { transfers.count }

    /// Starts a transfer; its delegate hears of its head, body and end on the loop's thread.
    public func start(_ request: UpstreamRequest, delegate: UpstreamTransferDelegate)
        -> UpstreamTransfer?
    {
        guard let transfer = UpstreamTransfer(request: request, client: self, delegate: delegate)
        else { return nil }
        transfers[transfer.easy] = transfer
        curl_multi_add_handle(multi, transfer.easy)
        transfer.armFirstByteTimer()
        return transfer
    }

    /// Lets libcurl act on `fd` (or on its timeout), then collects finished transfers.
    func act(on fd: curl_socket_t, events: Int32) {
        var running: Int32 = 0
        curl_multi_socket_action(multi, fd, events, &running)
        collectFinished()
    }

    private func collectFinished() {
        var waiting: Int32 = 0
        while let message = curl_multi_info_read(multi, &waiting) {
            var easy: UnsafeMutableRawPointer?
            var result = CURLE_OK
            guard tgcurl_message_done(message, &easy, &result) == 1, let easy,
                let transfer = transfers[easy]
            else { continue }
            transfer.finished(result)
        }
    }

    /// An easy handle for a new transfer: a reset one kept from an earlier transfer, or a new
    /// one.
    func takeEasyHandle() -> UnsafeMutableRawPointer? {
        idleEasyHandles.popLast() ?? curl_easy_init()
    }

    /// Takes back the easy handle of a transfer that has ended and left the multi handle:
    /// every option goes back to libcurl's default, ready for `takeEasyHandle`.
    func recycle(_ easy: UnsafeMutableRawPointer) {
        guard idleEasyHandles.count < Self.idleEasyHandleLimit else {
            return curl_easy_cleanup(easy)
        }
        curl_easy_reset(easy)
        idleEasyHandles.append(easy)
    }

    /// Detaches a transfer from the multi handle and forgets it.
    func remove(_ transfer: UpstreamTransfer) {
        guard transfers.removeValue(forKey: transfer.easy) != nil else { return }
        curl_multi_remove_handle(multi, transfer.easy)
    }

    fileprivate func watch(_ fd: curl_socket_t, what: Int32) {
        var events: UInt32 = 0
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { events |= EventLoop.readable }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { events |= EventLoop.writable }
        if what == CURL_POLL_REMOVE {
            loop.unregister(fd)
            sockets[fd] = nil
        } else if sockets[fd] != nil {
            loop.modify(fd, events: events)
        } else {
            let socket = CurlSocket(fd: fd, client: self)
            sockets[fd] = socket
            try? loop.register(fd, events: events, handler: socket)
        }
    }

    fileprivate func setTimer(milliseconds: Int) {
        if let timer { loop.cancel(timer) }
        timer = nil
        guard milliseconds >= 0 else { return }
        timer = loop.schedule(at: EventLoop.now() + Int64(milliseconds)) { [weak self] in
            guard let self else { return }
            self.timer = nil
            act(on: CURL_SOCKET_TIMEOUT, events: 0)
        }
    }
}

/// A socket libcurl asked the loop to watch.
private final class CurlSocket: EventHandler {
    let fd: curl_socket_t
    unowned let client: UpstreamClient

    init(fd: curl_socket_t, client: UpstreamClient) {
        self.fd = fd
        self.client = client
    }

    func handleEvents(_ events: UInt32) {
        var flags: Int32 = 0
        if events & EventLoop.readable != 0 { flags |= CURL_CSELECT_IN }
        if events & EventLoop.writable != 0 { flags |= CURL_CSELECT_OUT }
        if events & EventLoop.hangUp != 0 { flags |= CURL_CSELECT_ERR | CURL_CSELECT_IN }
        client.act(on: fd, events: flags)
    }
}

private let curlSocketCallback: tgcurl_socket_callback = { _, fd, what, user, _ in
    guard let user else { return 0 }
    Unmanaged<UpstreamClient>.fromOpaque(user).takeUnretainedValue().watch(fd, what: what)
    return 0
}

private let curlTimerCallback: tgcurl_timer_callback = { _, milliseconds, user in
    guard let user else { return 0 }
    Unmanaged<UpstreamClient>.fromOpaque(user).takeUnretainedValue()
        .setTimer(milliseconds: milliseconds)
    return 0
}
