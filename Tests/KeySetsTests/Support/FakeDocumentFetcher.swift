import Foundation

@testable import KeySets

/// A key source held in memory: answers each URL from a table, counts the calls, records the
/// `ca_file` it was given, and can hold its answers until the test releases them.
final class FakeDocumentFetcher: KeyDocumentFetcher, @unchecked Sendable {
    typealias Completion = @Sendable (Result<FetchedDocument, KeyFetchError>) -> Void

    private let lock = NSLock()
    private var answers: [String: Result<FetchedDocument, KeyFetchError>] = [:]
    private var calls: [(url: String, caFile: String?)] = []
    private var isHolding = false
    private var held: [(url: String, completion: Completion)] = []

    /// Answers `url` with `text` from now on.
    func serve(_ url: String, _ text: String, maxAge: Double? = nil) {
        let document = FetchedDocument(body: Array(text.utf8), maxAge: maxAge)
        lock.withLock { answers[url] = .success(document) }
    }

    /// Fails every fetch of `url` from now on.
    func fail(_ url: String, _ reason: String = "connection refused") {
        lock.withLock { answers[url] = .failure(KeyFetchError(reason)) }
    }

    /// Keeps every completion from now on until `release`.
    func hold() {
        lock.withLock { isHolding = true }
    }

    /// Answers every held fetch with what the table says now, and stops holding.
    func release() {
        let released: [(Completion, Result<FetchedDocument, KeyFetchError>)] = lock.withLock {
            isHolding = false
            defer { held.removeAll() }
            return held.map { ($0.completion, answer(for: $0.url)) }
        }
        for (completion, result) in released { completion(result) }
    }

    /// How many fetches of `url` were asked for, held ones included.
    func callCount(_ url: String) -> Int {
        lock.withLock { calls.count { $0.url == url } }
    }

    /// Every fetch asked for, in order.
    var requests: [(url: String, caFile: String?)] {
        lock.withLock { calls }
    }

    /// How many completions are being held.
    var heldCount: Int {
        lock.withLock { held.count }
    }

    func fetch(_ url: String, caFile: String?, completion: @escaping Completion) {
        let result: Result<FetchedDocument, KeyFetchError>? = lock.withLock {
            calls.append((url, caFile))
            if isHolding {
                held.append((url, completion))
                return nil
            }
            return answer(for: url)
        }
        if let result { completion(result) }
    }

    private func answer(for url: String) -> Result<FetchedDocument, KeyFetchError> {
        answers[url] ?? .failure(KeyFetchError("no document at \(url)"))
    }
}
