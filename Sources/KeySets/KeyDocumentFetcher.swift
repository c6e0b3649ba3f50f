/// A document fetched for an issuer: a discovery document or a key set.
public struct FetchedDocument: Sendable {
    /// The body, at most `KeyDocumentLimits.maximumLength` bytes.
    public let body: [UInt8]
    /// The lifetime the source advertised (`Cache-Control: max-age`, else `Expires`), in
    /// seconds.
    public let maxAge: Double?

    /// A fetched document.
    public init(body: [UInt8], maxAge: Double?) {
        self.body = body
        self.maxAge = maxAge
    }
}

/// Limits on what key fetching accepts (contract: "Issuer directives").
public enum KeyDocumentLimits {
    /// Discovery and key-set documents larger than this are refused.
    public static let maximumLength = 1 << 20
}

/// Fetches documents for issuers; replaced in tests by one that answers from memory.
public protocol KeyDocumentFetcher: AnyObject, Sendable {
    /// Fetches `url` and calls `completion` once, on any thread, with the document or why
    /// there is none.
    func fetch(
        _ url: String, caFile: String?,
        completion: @escaping @Sendable (Result<FetchedDocument, KeyFetchError>) -> Void)
}

/// Why a fetch gave no document.
public struct KeyFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for the log and `/readyz`.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}
