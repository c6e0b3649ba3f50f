import CCurl
import Glibc
import HTTP1

/// What to send upstream.
public struct UpstreamRequest: Sendable {
    /// The method, sent as given.
    public var method: String
    /// The full URL: scheme, authority, path and query.
    public var url: String
    /// Header fields to send, `Host` included when it must differ from the URL's.
    public var headers: [HeaderField]
    /// The body: nil for none, `.some(nil)` for a body of unknown length (sent chunked).
    public var bodyLength: UInt64??
    /// Time allowed until the first response byte, in milliseconds.
    public var firstByteTimeout: Int64
    /// Longest silence of the upstream once its response has begun, in milliseconds.
    public var idleTimeout: Int64
    /// Trust for an `https` upstream; nil for the system store.
    public var caFile: String?
    /// Longest the whole transfer may take, in milliseconds; nil for no limit.
    public var totalTimeout: Int64?

    /// A request with the given parts.
    public init(
        method: String, url: String, headers: [HeaderField], bodyLength: UInt64??,
        firstByteTimeout: Int64, idleTimeout: Int64 = 300_000, caFile: String? = nil,
        totalTimeout: Int64? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.bodyLength = bodyLength
        self.firstByteTimeout = firstByteTimeout
        self.idleTimeout = idleTimeout
        self.caFile = caFile
        self.totalTimeout = totalTimeout
    }
}

/// Hears a transfer's progress, on the event loop's thread.
public protocol UpstreamTransferDelegate: AnyObject {
    /// Fills `buffer` with request body bytes.
    func transferNeedsBody(into buffer: UnsafeMutableRawBufferPointer) -> BodyRead
    /// The final response head (interim 1xx heads are not reported).
    func transferReceivedHead(status: Int, headers: [HeaderField])
    /// Response body bytes; return false to refuse them for now (they come again after
    /// `resumeResponse`).
    func transferReceivedBody(_ bytes: UnsafeRawBufferPointer) -> Bool
    /// The transfer ended: nil after a complete response, else why it failed.
    func transferFinished(_ failure: UpstreamFailure?)
}

/// Why a transfer failed.
public enum UpstreamFailure: Error, Equatable, Sendable {
    /// No connection could be made, or the upstream broke the exchange.
    case unreachable(String)
    /// No response byte within the first-byte timeout.
    case timedOut
    /// The request body broke or the caller cancelled.
    case aborted
}

/// One request to an upstream through one libcurl easy handle.
public final class UpstreamTransfer {
    let easy: UnsafeMutableRawPointer
    unowned let client: UpstreamClient
    /// Held strongly until the transfer ends, when it is released.
    var delegate: UpstreamTransferDelegate?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var status = 0
    private var headers: [HeaderField] = []
    private var hasReportedHead = false
    private var isDone = false
    private var timedOut = false
    private var firstByteTimer: TimerID?
    private let firstByteTimeout: Int64
    private let idleTimeout: Int64
    private var idleTimer: TimerID?
    private var lastActivity: Int64 = 0
    private var isPausedForClient = false

    init?(request: UpstreamRequest, client: UpstreamClient, delegate: UpstreamTransferDelegate) {
        guard let easy = client.takeEasyHandle() else { return nil }
        self.easy = easy
        self.client = client
        self.delegate = delegate
        self.firstByteTimeout = request.firstByteTimeout
        self.idleTimeout = request.idleTimeout
        configure(request)
    }

    deinit {
        // The handle left the multi handle when the transfer ended (`remove`), or never
        // joined it; a transfer that is still in it is cleaned up, not reused.
        if client.transfers[easy] == nil {
            client.recycle(easy)
        } else {
            curl_easy_cleanup(easy)
        }
        curl_slist_free_all(headerList)
    }

    private func configure(_ request: UpstreamRequest) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        tgcurl_easy_setopt_string(easy, CURLOPT_URL, request.url)
        tgcurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        tgcurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        // Environment proxy variables are never used for upstreams (contract, route table).
        tgcurl_easy_setopt_string(easy, CURLOPT_PROXY, "")
        tgcurl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        tgcurl_easy_setopt_long(easy, CURLOPT_HTTP_CONTENT_DECODING, 0)
        tgcurl_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, 128 * 1024)
        tgcurl_easy_setopt_long(easy, CURLOPT_UPLOAD_BUFFERSIZE, 128 * 1024)
        tgcurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(request.firstByteTimeout))
        if let caFile = request.caFile { tgcurl_easy_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        if let totalTimeout = request.totalTimeout {
            tgcurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(totalTimeout))
        }
        tgcurl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, me)
        tgcurl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, transferHeaderCallback)
        tgcurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        tgcurl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, transferWriteCallback)
        tgcurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me)

        var fields = request.headers.map { "\($0.name): \($0.value)" }
        // libcurl would add its own `Expect: 100-continue` and wait a second for it; the
        // client's own Expect is answered by tokengate before the body is read.
        fields.append("Expect:")
        if !request.headers.contains(where: { $0.hasName("accept") }) { fields.append("Accept:") }

        if request.method == "HEAD" {
            tgcurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        } else if request.method != "GET" {
            tgcurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if case .some(let length) = request.bodyLength {
            tgcurl_easy_setopt_long(easy, CURLOPT_UPLOAD, 1)
            tgcurl_easy_setopt_data_callback(easy, CURLOPT_READFUNCTION, transferReadCallback)
            tgcurl_easy_setopt_pointer(easy, CURLOPT_READDATA, me)
            if let length, let offset = curl_off_t(exactly: length) {
                tgcurl_easy_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, offset)
            } else {
                fields.append("Transfer-Encoding: chunked")
            }
        } else if ["POST", "PUT", "PATCH"].contains(request.method) {
            fields.append("Content-Length: 0")
        }
        for field in fields { headerList = curl_slist_append(headerList, field) }
        tgcurl_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
    }

    func armFirstByteTimer() {
        firstByteTimer = client.loop.schedule(at: EventLoop.now() + firstByteTimeout) {
            [weak self] in
            guard let self, !hasReportedHead, !isDone else { return }
            timedOut = true
            end(.timedOut)
        }
    }

    /// Lets the request body flow again after `transferNeedsBody` answered `.pending`.
    public func resumeBody() {
        guard !isDone else { return }
        curl_easy_pause(easy, CURLPAUSE_CONT)
    }

    /// Lets the response flow again after `transferReceivedBody` returned false.
    public func resumeResponse() {
        guard !isDone else { return }
        isPausedForClient = false
        lastActivity = EventLoop.now()
        curl_easy_pause(easy, CURLPAUSE_CONT)
    }

    /// Stops the transfer; the delegate hears nothing more.
    public func cancel() {
        guard !isDone else { return }
        delegate = nil
        end(.aborted)
    }

    /// Called by the client when libcurl reports the transfer done.
    func finished(_ result: CURLcode) {
        guard !isDone else { return }
        if result == CURLE_OK && hasReportedHead {
            end(nil)
        } else if result == CURLE_OPERATION_TIMEDOUT && !hasReportedHead {
            end(.timedOut)
        } else if result == CURLE_ABORTED_BY_CALLBACK || result == CURLE_READ_ERROR {
            end(.aborted)
        } else {
            end(.unreachable(String(cString: curl_easy_strerror(result))))
        }
    }

    /// Ends the transfer once.
    ///
    /// The easy handle leaves the multi handle on the next turn of
    /// the loop, never from inside one of libcurl's own callbacks.
    private func end(_ failure: UpstreamFailure?) {
        isDone = true
        if let firstByteTimer { client.loop.cancel(firstByteTimer) }
        if let idleTimer { client.loop.cancel(idleTimer) }
        let delegate = self.delegate
        self.delegate = nil
        client.loop.schedule(at: 0) { [self] in client.remove(self) }
        delegate?.transferFinished(failure)
    }

    fileprivate func header(_ line: UnsafeRawBufferPointer) -> Int {
        guard !isDone else { return 0 }
        let bytes = line.bindMemory(to: UInt8.self)
        if bytes.starts(with: Self.statusLinePrefix) {
            status = Self.statusCode(bytes)
            headers = []
        } else if Self.trimmed(bytes, from: 0).isEmpty {
            if status >= 200 && !hasReportedHead {
                hasReportedHead = true
                if let firstByteTimer { client.loop.cancel(firstByteTimer) }
                lastActivity = EventLoop.now()
                armIdleTimer(at: lastActivity + idleTimeout)
                delegate?.transferReceivedHead(status: status, headers: headers)
            }
        } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(
                decoding: UnsafeBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self)
            let value = String(decoding: Self.trimmed(bytes, from: colon + 1), as: UTF8.self)
            headers.append(HeaderField(name: name, value: value))
        }
        return line.count
    }

    private static let statusLinePrefix = Array("HTTP/".utf8)

    /// The status code of a status line (`HTTP/1.1 200 OK`): the three digits after the
    /// first space, or 0.
    private static func statusCode(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), space + 3 < line.count
        else { return 0 }
        var code = 0
        for index in space + 1...space + 3 {
            let digit = line[index]
            guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else { return 0 }
            code = code * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return code
    }

    /// The bytes of `line` from `start`, without spaces, tabs, CR and LF at either end.
    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>, from start: Int)
        -> UnsafeBufferPointer<UInt8>
    {
        func isBlank(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
        }
        var lower = start
        var upper = line.count
        while lower < upper && isBlank(line[lower]) { lower += 1 }
        while upper > lower && isBlank(line[upper - 1]) { upper -= 1 }
        return UnsafeBufferPointer(rebasing: line[lower..<upper])
    }

    fileprivate func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard !isDone, let delegate else { return 0 }
        lastActivity = EventLoop.now()
        guard delegate.transferReceivedBody(bytes) else {
            isPausedForClient = true
            return Int(CURL_WRITEFUNC_PAUSE)
        }
        return bytes.count
    }

    /// `upstream_idle_timeout`: silence while the client is slow is not the upstream's.
    private func armIdleTimer(at deadline: Int64) {
        idleTimer = client.loop.schedule(at: deadline) { [weak self] in
            guard let self, !isDone else { return }
            let quietSince = isPausedForClient ? EventLoop.now() : lastActivity
            if EventLoop.now() - quietSince >= idleTimeout {
                end(.unreachable("upstream silent past upstream_idle_timeout"))
            } else {
                armIdleTimer(at: quietSince + idleTimeout)
            }
        }
    }

    fileprivate func read(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !isDone, let delegate else { return Int(CURL_READFUNC_ABORT) }
        switch delegate.transferNeedsBody(into: buffer) {
        case .bytes(let count): return count
        case .pending: return Int(CURL_READFUNC_PAUSE)
        case .end: return 0
        case .failed: return Int(CURL_READFUNC_ABORT)
        }
    }
}

private func transfer(_ user: UnsafeMutableRawPointer?) -> UpstreamTransfer? {
    user.map { Unmanaged<UpstreamTransfer>.fromOpaque($0).takeUnretainedValue() }
}

private let transferHeaderCallback: tgcurl_data_callback = { buffer, size, count, user in
    guard let transfer = transfer(user) else { return 0 }
    return transfer.header(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let transferWriteCallback: tgcurl_data_callback = { buffer, size, count, user in
    guard let transfer = transfer(user) else { return 0 }
    return transfer.write(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let transferReadCallback: tgcurl_data_callback = { buffer, size, count, user in
    guard let transfer = transfer(user) else { return Int(CURL_READFUNC_ABORT) }
    return transfer.read(UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}
