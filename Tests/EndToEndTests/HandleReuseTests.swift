import Testing

/// The libcurl handles of finished upstream transfers are reset and reused: nothing of one
/// request (HEAD's no-body, a method, an upload and its length) may leak into the next.
@Suite struct HandleReuseTests {
    @Test func eachRequestReachesTheUpstreamAsSentAfterOthersOfEveryKind() throws {
        let fixture = try ProxyFixture { upstreams in
            ConfigurationText.listen
                + ConfigurationText.route("a", path: "/a", to: upstreams["echo"]!)
        }
        defer { fixture.stop() }
        let daemon = fixture.daemon
        let authority = daemon.authority
        for round in 0..<6 {
            let head = try daemon.exchange(
                RawRequest.text("HEAD", "/a/head\(round)", host: authority), method: "HEAD")
            #expect(head.status == 200 && head.body.isEmpty)
            let put = try daemon.exchange(
                RawRequest.text("PUT", "/a/put\(round)", host: authority, body: "twelve bytes"))
            #expect(put.status == 200)
            let get = try daemon.get("/a/get\(round)")
            #expect(get.status == 200 && !get.body.isEmpty, "a GET after a HEAD has its body")
        }
        let records = try fixture.upstream("echo").records()
        #expect(records.count == 18)
        for record in records {
            switch record.path.prefix(6) {
            case "/a/hea": #expect(record.method == "HEAD" && record.bodyLength == 0)
            case "/a/put": #expect(record.method == "PUT" && record.bodyLength == 12)
            default:
                #expect(record.method == "GET" && record.bodyLength == 0)
                #expect(record.values(of: "content-length").isEmpty, "\(record.headers)")
                #expect(record.values(of: "transfer-encoding").isEmpty, "\(record.headers)")
            }
        }
    }
}
