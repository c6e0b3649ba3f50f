import Foundation

/// `proxy.conf.example` at the top of the repository, made checkable on a machine without
/// `/etc/tokengate`: every `/etc/tokengate/` path points into `Tests/Fixtures/example/`.
struct ExampleConfiguration {
    /// One directive line: its name, and where the name stands (both counted from 1).
    struct Directive: CustomStringConvertible {
        let name: String
        let line: Int
        let column: Int

        var description: String { "\(name) on line \(line)" }
    }

    /// The repository's top directory.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The directory the example's files are taken from instead of `/etc/tokengate`.
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures/example")

    /// The example's text, as shipped.
    let original: String
    /// The text with its `/etc/tokengate/` paths pointing at the fixtures.
    let text: String

    /// Reads the example and points its paths at the fixtures.
    init() throws {
        let file = Self.repository.appendingPathComponent("proxy.conf.example")
        original = try String(contentsOf: file, encoding: .utf8)
        text = original.replacingOccurrences(
            of: "/etc/tokengate/", with: Self.fixtures.path + "/")
    }

    /// The text with every option that is switched off switched on.
    ///
    /// The example's convention: a directive commented out with no blank after its `#`
    /// (`#listen`, `    #allow`) is an option switched off, while a comment for reading
    /// starts with `# ` or is a bare `#`. So that the options are right too, this removes
    /// that `#`.
    var withOptionsSwitchedOn: String {
        lines(of: text).map { line in
            let indent = line.prefix { $0 == " " }
            let rest = line.dropFirst(indent.count)
            guard rest.hasPrefix("#"), let next = rest.dropFirst().first, next != " " else {
                return line
            }
            return String(indent + rest.dropFirst())
        }.joined(separator: "\n")
    }

    /// The directives of `text`: every line that is neither blank, a comment nor a `}`.
    static func directives(in text: String) -> [Directive] {
        var directives: [Directive] = []
        for (index, line) in lines(of: text).enumerated() {
            let indent = line.prefix { $0 == " " }
            let rest = line.dropFirst(indent.count)
            guard let first = rest.first, first != "#", first != "}" else { continue }
            let name = rest.prefix { $0 != " " && $0 != "{" }
            directives.append(
                Directive(name: String(name), line: index + 1, column: indent.count + 1))
        }
        return directives
    }

    /// `text` with the name of `directive` misspelt: its last letter written twice.
    static func misspelling(_ directive: Directive, in text: String) -> String {
        var lines = lines(of: text)
        let line = lines[directive.line - 1]
        let start = line.index(line.startIndex, offsetBy: directive.column - 1)
        let end = line.index(start, offsetBy: directive.name.count)
        lines[directive.line - 1] = line.replacingCharacters(
            in: start..<end, with: directive.name + String(directive.name.suffix(1)))
        return lines.joined(separator: "\n")
    }

    private static func lines(of text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private func lines(of text: String) -> [String] {
        Self.lines(of: text)
    }
}
