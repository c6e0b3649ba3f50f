import Foundation
import Testing

/// The access log through the built daemon: one line per request with exactly the
/// contract's keys, the decision and its reason without claim values, `iss` and `sub`
/// escaped so that no claim can forge a line, and never a credential (DESIGN.md,
/// "Operating it").
@Suite struct AccessLogTests {
    /// An authenticated route that admits one repository, a Basic route, an `auth off`
    /// route, and `extra` top-level directives.
    static func proxy(_ extra: String = "") throws -> AuthenticatedProxy {
        try AuthenticatedProxy { context in
            let echo = context.upstreams["echo"]!
            return ConfigurationText.listen + extra + context.issuerBlock()
                + ConfigurationText.authenticatedRoute(
                    "api", path: "/api", to: echo, [#"allow claims.repository == "acme/alerts""#])
                + ConfigurationText.authenticatedRoute(
                    "registry", path: "/v2/", to: echo, ["token_from basic", "allow true"])
                + ConfigurationText.route("open", path: "/open", to: echo)
        }
    }

    /// The access lines the daemon has written to standard error so far.
    static func lines(_ proxy: AuthenticatedProxy) throws -> [[String: String]] {
        try AccessLogReader.logfmtLines(in: proxy.daemon.log)
    }

    /// The line of the request sent with `X-Request-Id: id`.
    static func line(_ proxy: AuthenticatedProxy, id: String) throws -> [String: String] {
        try AccessLogReader.waitForLine({ try lines(proxy) }, where: { $0["request_id"] == id })
    }

    @Test func logsEachDecisionWithItsReason() throws {
        let proxy = try Self.proxy()
        defer { proxy.stop() }
        let good = try proxy.token(#""repository":"acme/alerts","sub":"repo:acme/alerts""#)
        let other = try proxy.token(#""repository":"acme/other","sub":"repo:acme/other""#)
        let stranger = try proxy.token(#""repository":"acme/alerts""#, iss: "https://other.test")
        let requests: [(id: String, target: String, fields: [(String, String)], status: Int)] = [
            ("allowed", "/api/./x?q=1", [("Authorization", "Bearer " + good)], 200),
            ("denied", "/api/x", [("Authorization", "Bearer " + other)], 403),
            ("anonymous", "/api/x", [], 401),
            ("stranger", "/api/x", [("Authorization", "Bearer " + stranger)], 401),
            ("open", "/open/y", [], 200),
            ("lost", "/nowhere", [], 404),
        ]
        for request in requests {
            let response = try proxy.daemon.get(
                request.target, fields: request.fields + [("X-Request-Id", request.id)])
            #expect(response.status == request.status, "\(request.id)")
        }

        let allowed = try Self.line(proxy, id: "allowed")
        #expect(allowed["route"] == "api" && allowed["method"] == "GET")
        #expect(allowed["path"] == "/api/x", "the normalised path, without the query")
        #expect(allowed["status"] == "200" && allowed["decision"] == "allow")
        #expect(allowed["reason"] == "allow #1" && allowed["issuer"] == "local")
        #expect(allowed["iss"] == AuthenticatedProxy.issuer)
        #expect(allowed["sub"] == "repo:acme/alerts" && allowed["client"] == "127.0.0.1")
        #expect(Int(allowed["bytes_out"] ?? "") ?? 0 > 0 && allowed["bytes_in"] == "0")
        #expect(Double(allowed["upstream_ms"] ?? "") != nil)
        #expect(Double(allowed["duration_ms"] ?? "") != nil)
        #expect(allowed["time"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
        #expect(try proxy.upstream().records().first?.value(of: "X-Request-Id") == "allowed")

        let denied = try Self.line(proxy, id: "denied")
        #expect(denied["status"] == "403" && denied["decision"] == "deny")
        #expect(denied["reason"] == "allow #1: claims.repository", "no claim value")
        #expect(denied["sub"] == "repo:acme/other" && denied["upstream_ms"] == "")

        let anonymous = try Self.line(proxy, id: "anonymous")
        #expect(anonymous["decision"] == "unauthenticated")
        #expect(anonymous["reason"] == "no credential" && anonymous["iss"] == "")

        let stranger401 = try Self.line(proxy, id: "stranger")
        #expect(
            stranger401["decision"] == "unauthenticated" && stranger401["reason"] == "wrong iss")
        #expect(stranger401["iss"] == "https://other.test", "the log names an unknown issuer")
        #expect(stranger401["sub"] == "" && stranger401["issuer"] == "")

        let open = try Self.line(proxy, id: "open")
        #expect(open["decision"] == "allow" && open["reason"] == "auth off")
        let lost = try Self.line(proxy, id: "lost")
        #expect(lost["status"] == "404" && lost["decision"] == "error" && lost["route"] == "")
        #expect(lost["reason"] == "no route")

        for token in [good, other, stranger] {
            #expect(!proxy.daemon.log.contains(token.split(separator: ".")[2]))
        }
    }

    @Test func neverLogsABasicPasswordOrTheAuthorizationField() throws {
        let proxy = try Self.proxy()
        defer { proxy.stop() }
        let token = try proxy.token()
        let basic = Data("ci:\(token)".utf8).base64EncodedString()
        let response = try proxy.daemon.get(
            "/v2/", fields: [("Authorization", "Basic " + basic), ("X-Request-Id", "push")])
        #expect(response.status == 200)
        let line = try Self.line(proxy, id: "push")
        #expect(line["decision"] == "allow")
        let log = proxy.daemon.log
        #expect(!log.contains(basic) && !log.contains(token.split(separator: ".")[2]))
        #expect(!log.contains("ci:"))
    }

    @Test func escapesClaimValuesSoThatNoneForgesALine() throws {
        let proxy = try Self.proxy()
        defer { proxy.stop() }
        let forged = "x\" decision=allow\nfake=1 \\ \u{7}\u{2028}é"
        let token = try proxy.token(
            #""repository":"acme/alerts","sub":\#(TokenClaims.quoted(forged))"#)
        let response = try proxy.daemon.get(
            "/api/x", fields: [("Authorization", "Bearer " + token), ("X-Request-Id", "forged")])
        #expect(response.status == 200)
        let line = try Self.line(proxy, id: "forged")
        #expect(line["sub"] == forged, "read back whole, not split into fields")
        let written = proxy.daemon.log.split(separator: "\n").filter { $0.contains("forged") }
        #expect(written.count == 1, "one line, the newline escaped")
        #expect(!proxy.daemon.log.contains("\nfake=1"))
    }

    /// Characters that some readers take for line breaks (U+2028, U+2029, NEL) and bidi
    /// overrides that reorder what a terminal shows are escaped in both formats; a value is
    /// cut by scalars, so a character of a thousand combining marks cannot bloat a line.
    @Test(arguments: ["logfmt", "json"])
    func escapesUnicodeLineBreaksAndCutsByScalars(format: String) throws {
        let directory = try TemporaryDirectory(prefix: "unicode")
        let path = directory.path("access.log")
        let proxy = try Self.proxy("access_log \(path)\nlog_format \(format)\n")
        defer { proxy.stop() }
        let sub = "a\u{2028}b\u{2029}c\u{85}d\u{202E}e"
        let token = try proxy.token(
            #""repository":"acme/alerts","sub":\#(TokenClaims.quoted(sub))"#)
        #expect(
            try proxy.daemon.get(
                "/api/x", fields: [("Authorization", "Bearer " + token), ("X-Request-Id", "u1")]
            ).status == 200)
        let stranger = try proxy.token(
            iss: "https://x.test/" + String(repeating: "\u{301}", count: 3000))
        #expect(
            try proxy.daemon.get(
                "/api/x",
                fields: [("Authorization", "Bearer " + stranger), ("X-Request-Id", "u2")]
            ).status == 401)
        #expect(
            ReloadTests.eventually {
                let text = directory.read("access.log")
                return text.contains("u1") && text.contains("u2")
            })
        let text = directory.read("access.log")
        let lines = text.split(separator: "\n")
        #expect(text.split(whereSeparator: \.isNewline).count == lines.count, "no hidden breaks")
        for scalar in ["\u{2028}", "\u{2029}", "\u{85}", "\u{202E}"] {
            #expect(!text.contains(scalar), "\(scalar.unicodeScalars.first!.value) raw")
        }
        let long = lines.first { $0.contains("u2") } ?? ""
        #expect(long.utf8.count < 2500, "a \(long.utf8.count)-byte line")
    }

    @Test func logsARequestRefusedBeforeItHasARoute() throws {
        let proxy = try Self.proxy()
        defer { proxy.stop() }
        let reply = try proxy.daemon.exchange(
            "POST /open/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(reply.status == 400)
        let line = try AccessLogReader.waitForLine(
            { try Self.lines(proxy) }, where: { $0["status"] == "400" })
        #expect(line["decision"] == "error" && line["route"] == "" && line["reason"] != "")
        #expect(line["client"] == "127.0.0.1")
        #expect(try proxy.daemon.get("/open/after").status == 200, "and it keeps serving")
    }

    @Test func writesJSONLinesToAFileAndNothingToStandardError() throws {
        let directory = try TemporaryDirectory(prefix: "access")
        let path = directory.path("access.log")
        let proxy = try Self.proxy("access_log \(path)\nlog_format json\n")
        defer { proxy.stop() }
        let token = try proxy.token(#""repository":"acme/alerts","sub":"a\u0001b""#)
        #expect(
            try proxy.daemon.get(
                "/api/x", fields: [("Authorization", "Bearer " + token), ("X-Request-Id", "j1")]
            ).status == 200)
        let object = try AccessLogReader.waitForLine(
            {
                try directory.read("access.log").split(separator: "\n").map { line in
                    let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
                    guard let object = value as? [String: Any] else {
                        throw HarnessError("not an object: \(line)")
                    }
                    #expect(Set(object.keys) == Set(AccessLogReader.keys))
                    #expect(object["status"] is NSNumber && object["duration_ms"] is NSNumber)
                    return object.mapValues { "\($0)" }
                }
            }, where: { $0["request_id"] == "j1" })
        #expect(object["decision"] == "allow" && object["sub"] == "a\u{1}b")
        #expect(object["status"] == "200")
        #expect(try AccessLogReader.logfmtLines(in: proxy.daemon.log).isEmpty)
    }

    @Test func writesNothingWhenOff() throws {
        let proxy = try Self.proxy("access_log off\n")
        defer { proxy.stop() }
        #expect(try proxy.daemon.get("/open/x", fields: [("X-Request-Id", "quiet")]).status == 200)
        usleep(200_000)
        #expect(!proxy.daemon.log.contains("quiet"))
    }
}
