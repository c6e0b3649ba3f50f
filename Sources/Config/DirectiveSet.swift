/// The directives of one block that passed the table's checks, looked up by name.
struct DirectiveSet {
    private var directives: [String: [ConfigDirective]] = [:]
    private var written: Set<String> = []

    /// Records a directive that may be used.
    mutating func add(_ directive: ConfigDirective) {
        directives[directive.name.text, default: []].append(directive)
        written.insert(directive.name.text)
    }

    /// Records that a directive was written, although it was reported and is not used:
    /// "missing" is then not reported as well.
    mutating func markWritten(_ name: String) {
        written.insert(name)
    }

    /// Every usable directive of this name, in file order.
    func all(_ name: String) -> [ConfigDirective] {
        directives[name] ?? []
    }

    /// The usable directive of this name (one that may not repeat), if any.
    func first(_ name: String) -> ConfigDirective? {
        directives[name]?.first
    }

    /// Whether the block wrote this directive at all, usable or not.
    func wrote(_ name: String) -> Bool {
        written.contains(name)
    }
}
