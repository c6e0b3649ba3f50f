/// Builds the syntax tree from the reader's lines: a line ending in a bare `{` opens a block,
/// a line holding only a bare `}` closes it.
struct ConfigParser {
    /// A block whose `}` has not been read yet.
    private struct OpenBlock {
        let name: ConfigWord?
        let arguments: [ConfigWord]
        let brace: ConfigWord
        var children: [ConfigDirective] = []
    }

    /// The problems found so far.
    private(set) var diagnostics: [ConfigurationDiagnostic] = []

    /// The top-level directives of `lines`; every block left open at the end is reported
    /// and closed there, so that its contents are still checked.
    mutating func parse(_ lines: [[ConfigWord]]) -> [ConfigDirective] {
        var root: [ConfigDirective] = []
        var stack: [OpenBlock] = []
        for words in lines {
            if words.count == 1, words[0].isBare("}") {
                if let block = stack.popLast() {
                    add(close(block), to: &stack, root: &root)
                } else {
                    report("unexpected \"}\": no block is open", at: words[0])
                }
                continue
            }
            if let brace = words.dropLast().first(where: { $0.isBare("{") }) {
                report("\"{\" must end its line", at: brace)
                continue
            }
            if let brace = words.first(where: { $0.isBare("}") }) {
                report("\"}\" must stand alone on its line", at: brace)
                continue
            }
            guard let brace = words.last, brace.isBare("{") else {
                let directive = ConfigDirective(
                    name: words[0], arguments: Array(words.dropFirst()), block: nil)
                add(directive, to: &stack, root: &root)
                continue
            }
            if words.count == 1 {
                report("a block needs a directive name before \"{\"", at: brace)
            }
            let arguments = words.count > 2 ? Array(words[1..<(words.count - 1)]) : []
            stack.append(
                OpenBlock(
                    name: words.count > 1 ? words[0] : nil,
                    arguments: arguments, brace: brace))
        }
        while let block = stack.popLast() {
            report("this \"{\" is never closed", at: block.brace)
            add(close(block), to: &stack, root: &root)
        }
        return root
    }

    private func close(_ block: OpenBlock) -> ConfigDirective? {
        block.name.map {
            ConfigDirective(name: $0, arguments: block.arguments, block: block.children)
        }
    }

    private func add(
        _ directive: ConfigDirective?, to stack: inout [OpenBlock], root: inout [ConfigDirective]
    ) {
        guard let directive else { return }
        if stack.isEmpty {
            root.append(directive)
        } else {
            stack[stack.count - 1].children.append(directive)
        }
    }

    private mutating func report(_ message: String, at word: ConfigWord) {
        diagnostics.append(ConfigurationDiagnostic(location: word.location, message: message))
    }
}
