/// A command line cut into options, flags and positional words, checked against what a
/// command accepts.
struct CommandLineArguments {
    /// A mistake in the command line: exit status 2.
    struct UsageError: Error {
        let message: String
    }

    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// Parses `words` given the options that take a value and the flags that do not.
    init(_ words: [String], options: Set<String>, flags allowedFlags: Set<String>) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word == "-" || !word.hasPrefix("--") {
                positionals.append(word)
            } else if allowedFlags.contains(word) {
                flags.insert(word)
            } else if options.contains(word) {
                guard index < words.count else {
                    throw UsageError(message: "\(word) needs a value")
                }
                values[word, default: []].append(words[index])
                index += 1
            } else {
                throw UsageError(message: "unknown option \(word)")
            }
        }
    }

    /// The single value of `option`, if given; giving it twice is an error.
    func value(_ option: String) throws -> String? {
        guard let given = values[option] else { return nil }
        guard given.count == 1 else { throw UsageError(message: "\(option) given twice") }
        return given[0]
    }

    /// The value of an option the command cannot do without.
    func required(_ option: String) throws -> String {
        guard let value = try value(option) else {
            throw UsageError(message: "\(option) is required")
        }
        return value
    }

    /// At most one positional word.
    func singlePositional() throws -> String? {
        guard positionals.count <= 1 else {
            throw UsageError(message: "unexpected argument \(positionals[1])")
        }
        return positionals.first
    }
}
