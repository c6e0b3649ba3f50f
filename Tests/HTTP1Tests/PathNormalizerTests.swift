import HTTP1
import Testing

@Suite struct PathNormalizerTests {
    @Test(arguments: [
        (path: "/public/../admin/x", normalised: "/admin/x"),
        (path: "/public/%2e%2e/admin/x", normalised: "/admin/x"),
        (path: "/public//../admin", normalised: "/admin"),
        (path: "//public///x", normalised: "/public/x"),
        (path: "/%70ublic/%7Euser", normalised: "/public/~user"),
        (path: "/loki/api/v1/rules/team%2fns", normalised: "/loki/api/v1/rules/team%2Fns"),
        (path: "/public/a%5Cb", normalised: "/public/a%5Cb"),
        (path: "/", normalised: "/"),
        (path: "/v2/", normalised: "/v2/"),
        (path: "/a/.", normalised: "/a/"),
        (path: "/a/..", normalised: "/"),
        (path: "/a/./b", normalised: "/a/b"),
        (path: "/a/%2E/b", normalised: "/a/b"),
        (path: "/a%2F..%2Fb", normalised: "/a%2F..%2Fb"),
    ])
    func normalisesAsTheContractTableSays(path: String, normalised: String) throws {
        #expect(try PathNormalizer.normalize(path) == normalised)
    }

    @Test(arguments: [
        "/../x", "/a%00b", "/a%zz", "/a%2", "/a%", "a/b", "/a/../../b", "/a b",
        "/a\u{7f}", "/caf\u{e9}",
    ])
    func refusesWithBadRequest(path: String) {
        #expect(throws: RequestError.self) { try PathNormalizer.normalize(path) }
        do {
            _ = try PathNormalizer.normalize(path)
        } catch {
            #expect(error.status == 400)
        }
    }
}
