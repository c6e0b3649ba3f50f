@testable import Config

/// A top level with one listener and one issuer, five lines long: cases that add a route
/// start on line 6.
let baseConfiguration = """
    listen 127.0.0.1:8080
    issuer main {
        issuer https://issuer.example
        audience api
    }

    """

/// Each line's words as the reader cuts them, as texts.
func words(_ text: String) -> [[String]] {
    var reader = ConfigReader(text: text, fileName: "test.conf")
    return reader.read().map { $0.map(\.text) }
}

/// Each line's words as the reader cuts them.
func configWords(_ text: String) -> [[ConfigWord]] {
    var reader = ConfigReader(text: text, fileName: "test.conf")
    return reader.read()
}

/// The diagnostics of reading, parsing and resolving `text`, as `LINE:COLUMN: message`
/// (the file name is always `test.conf`), in order; empty when the text is valid.
func problems(_ text: String) -> [String] {
    switch ProxyConfiguration.parse(text: text, fileName: "test.conf") {
    case .success: []
    case .failure(let errors):
        errors.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }
}

/// The configuration `text` describes; fails the test with the diagnostics otherwise.
func configuration(_ text: String, fileName: String = "test.conf") throws -> ProxyConfiguration {
    try ProxyConfiguration.parse(text: text, fileName: fileName).get()
}

/// A route block with the given body lines, valid on its own when they hold `path`,
/// `upstream` and `allow`.
func route(_ name: String = "r", _ lines: String...) -> String {
    "route \(name) {\n" + lines.map { "    \($0)\n" }.joined() + "}\n"
}

/// The base configuration and a route `r` with `lines` (line 6 is `route r {`, its
/// first line is line 7, indented by four).
func withRoute(_ lines: [String]) -> String {
    baseConfiguration + "route r {\n" + lines.map { "    \($0)\n" }.joined() + "}\n"
}

/// One listener and an issuer `i` with `lines` (line 2 is `issuer i {`, its first line
/// is line 3, indented by four).
func withIssuer(_ lines: [String]) -> String {
    "listen 127.0.0.1:1\nissuer i {\n" + lines.map { "    \($0)\n" }.joined() + "}\n"
}

/// Route lines that make a route valid on their own.
let validRouteLines = ["path /", "upstream http://127.0.0.1", "allow true"]
