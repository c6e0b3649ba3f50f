import HTTP1
import Testing

@testable import KeySets

/// Reading a key source's advertised lifetime from `Cache-Control` and `Expires`.
@Suite struct CacheLifetimeTests {
    struct LifetimeCase: CustomTestStringConvertible, Sendable {
        var name: String
        var headers: [HeaderField]
        var maxAge: Double?
        var testDescription: String { name }
    }

    static func fields(_ pairs: KeyValuePairs<String, String>) -> [HeaderField] {
        pairs.map { HeaderField(name: $0.key, value: $0.value) }
    }

    static let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    @Test(arguments: [
        LifetimeCase(
            name: "max-age", headers: fields(["Cache-Control": "max-age=120"]), maxAge: 120),
        LifetimeCase(
            name: "max-age among others",
            headers: fields(["cache-control": "public, must-revalidate, max-age=300"]),
            maxAge: 300),
        LifetimeCase(
            name: "upper case", headers: fields(["CACHE-CONTROL": "MAX-AGE=45"]), maxAge: 45),
        LifetimeCase(name: "no-store", headers: fields(["Cache-Control": "no-store"]), maxAge: 0),
        LifetimeCase(name: "no-cache", headers: fields(["Cache-Control": "no-cache"]), maxAge: 0),
        LifetimeCase(
            name: "Expires after Date",
            headers: fields(["Date": date, "Expires": "Sun, 06 Nov 1994 08:54:37 GMT"]),
            maxAge: 300),
        LifetimeCase(
            name: "Expires before Date",
            headers: fields(["Date": date, "Expires": "Sun, 06 Nov 1994 08:44:37 GMT"]),
            maxAge: 0),
        LifetimeCase(
            name: "Expires unreadable", headers: fields(["Date": date, "Expires": "0"]), maxAge: 0),
        LifetimeCase(
            name: "max-age wins over Expires",
            headers: fields([
                "Date": date, "Expires": "Sun, 06 Nov 1994 08:54:37 GMT",
                "Cache-Control": "max-age=90",
            ]), maxAge: 90),
        LifetimeCase(
            name: "nothing said", headers: fields(["Content-Type": "text/json"]), maxAge: nil),
        LifetimeCase(
            name: "negative max-age", headers: fields(["Cache-Control": "max-age=-5"]),
            maxAge: nil),
    ])
    func advertisedLifetimeIsRead(_ example: LifetimeCase) {
        #expect(CacheLifetime.maxAge(example.headers) == example.maxAge)
    }

    /// A source controls its headers; a directive that is nothing but `=` must not stop the
    /// daemon.
    @Test func bareEqualsSignInCacheControlIsIgnoredWithoutCrashing() async {
        await #expect(processExitsWith: .success) {
            let headers = [HeaderField(name: "Cache-Control", value: "=, max-age=120")]
            precondition(CacheLifetime.maxAge(headers) == 120)
        }
    }
}
