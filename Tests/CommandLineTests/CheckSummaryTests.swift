import Testing

/// `tokengate check`'s one line on success counts routes and issuers in plain English.
@Suite struct CheckSummaryTests {
    @Test(arguments: [(1, "1 route, 0 issuers"), (2, "2 routes, 0 issuers")])
    func countsRoutesWithTheRightNoun(routes: Int, summary: String) throws {
        let workspace = try Workspace()
        var text = "listen 127.0.0.1:8080\n"
        for number in 0..<routes {
            text += "route r\(number) {\n path /r\(number)\n upstream http://127.0.0.1:9\n"
            text += " auth off\n}\n"
        }
        let path = try workspace.write(text, to: "proxy.conf")
        let outcome = try Tokengate.run(["check", "--config", path], in: workspace)
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output == "\(path): ok, \(summary)\n")
    }
}
