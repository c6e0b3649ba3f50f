import Foundation
import HTTP1

/// The lifetime a key source advertises (RFC 9111 §5.2.2.1 `max-age`, §5.3 `Expires`).
enum CacheLifetime {
    /// Seconds from `Cache-Control: max-age`, else from `Expires` minus `Date` (or now);
    /// nil when neither says.
    static func maxAge(_ headers: [HeaderField], now: Date = Date()) -> Double? {
        for field in headers where field.hasName("cache-control") {
            for directive in field.value.split(separator: ",") {
                let parts = directive.split(
                    separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let first = parts.first else { continue }
                let name = first.trimmingCharacters(in: .whitespaces).lowercased()
                if name == "no-store" || name == "no-cache" { return 0 }
                if name == "max-age", parts.count == 2,
                    let seconds = Double(parts[1].trimmingCharacters(in: .whitespaces)),
                    seconds >= 0
                {
                    return seconds
                }
            }
        }
        guard let expires = headers.first(where: { $0.hasName("expires") }) else { return nil }
        guard let expiry = httpDate(expires.value) else { return 0 }
        let reference = headers.first { $0.hasName("date") }.flatMap { httpDate($0.value) } ?? now
        return max(0, expiry.timeIntervalSince(reference))
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
