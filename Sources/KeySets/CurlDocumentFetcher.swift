import Foundation
import HTTP1
import Upstream

/// Fetches key documents through libcurl on a thread of its own, so that no event loop that
/// serves requests ever waits on an issuer.
public final class CurlDocumentFetcher: KeyDocumentFetcher, @unchecked Sendable {
    private let loop: EventLoop
    private var client: UpstreamClient?

    /// Starts the fetcher's thread.
    public init() throws {
        let loop = try EventLoop()
        self.loop = loop
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            client = UpstreamClient(loop: loop)
            ready.signal()
            loop.run()
        }
        thread.start()
        ready.wait()
    }

    /// The fetcher's loop, for timers that drive refreshes.
    public var eventLoop: EventLoop { loop }

    /// Fetches `url` on the fetcher's thread (10 s at most, 1 MiB at most).
    public func fetch(
        _ url: String, caFile: String?,
        completion: @escaping @Sendable (Result<FetchedDocument, KeyFetchError>) -> Void
    ) {
        if let refusal = Self.refusal(of: url) { return completion(.failure(refusal)) }
        loop.execute { [self] in
            guard let client else {
                return completion(.failure(KeyFetchError("libcurl is unavailable")))
            }
            let collector = DocumentCollector(completion: completion)
            let request = UpstreamRequest(
                method: "GET", url: url,
                headers: [HeaderField(name: "Accept", value: "application/json")],
                bodyLength: .none, firstByteTimeout: 10_000, idleTimeout: 10_000,
                caFile: caFile, totalTimeout: 10_000)
            collector.transfer = client.start(request, delegate: collector)
            if collector.transfer == nil {
                completion(.failure(KeyFetchError("cannot start a transfer to \(url)")))
            }
        }
    }

    /// Plain `http` is refused except to loopback addresses (contract).
    static func refusal(of url: String) -> KeyFetchError? {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return nil }
        guard lowered.hasPrefix("http://") else {
            return KeyFetchError("\(url) is not an http or https URL")
        }
        var authority = lowered.dropFirst(7).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        // The host is what follows the user information, as libcurl reads it.
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        let host =
            authority.hasPrefix("[")
            ? String(authority.prefix { $0 != "]" }.dropFirst())
            : String(authority.prefix { $0 != ":" })
        return isLoopback(host) ? nil : KeyFetchError("plain http to \(host) is refused: use https")
    }

    /// `localhost`, `::1`, or an IPv4 address in 127.0.0.0/8 written as four decimal octets.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
            octets.allSatisfy({ $0.count <= 3 && UInt8($0) != nil })
        else { return false }
        return octets[0] == "127"
    }
}

/// Gathers one response body, up to the size limit.
private final class DocumentCollector: UpstreamTransferDelegate {
    let completion: @Sendable (Result<FetchedDocument, KeyFetchError>) -> Void
    var status = 0
    var maxAge: Double?
    var body: [UInt8] = []
    var isTooLarge = false
    var transfer: UpstreamTransfer?

    init(completion: @escaping @Sendable (Result<FetchedDocument, KeyFetchError>) -> Void) {
        self.completion = completion
    }

    func transferNeedsBody(into buffer: UnsafeMutableRawBufferPointer) -> BodyRead { .end }

    func transferReceivedHead(status: Int, headers: [HeaderField]) {
        self.status = status
        maxAge = CacheLifetime.maxAge(headers)
    }

    func transferReceivedBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !isTooLarge else { return true }
        if body.count + bytes.count > KeyDocumentLimits.maximumLength {
            // Answer now and stop the download: the rest is never read.
            isTooLarge = true
            completion(.failure(KeyFetchError("the document is larger than 1 MiB")))
            transfer?.cancel()
            return true
        }
        body.append(contentsOf: bytes)
        return true
    }

    func transferFinished(_ failure: UpstreamFailure?) {
        guard !isTooLarge else { return }
        switch failure {
        case nil: break
        case .unreachable(let why):
            return completion(.failure(KeyFetchError("fetch failed: \(why)")))
        case .timedOut:
            return completion(.failure(KeyFetchError("fetch failed: no answer within 10 s")))
        case .aborted:
            return completion(.failure(KeyFetchError("fetch failed: aborted")))
        }
        guard status == 200 else {
            return completion(.failure(KeyFetchError("the source answered \(status)")))
        }
        completion(.success(FetchedDocument(body: body, maxAge: maxAge)))
    }
}
