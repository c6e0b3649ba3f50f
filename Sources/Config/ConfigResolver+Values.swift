extension ConfigResolver {
    /// The value `parse` reads from the word, or nil after reporting why it cannot.
    func value<Value>(
        _ word: ConfigWord, _ parse: (String) throws(ValueError) -> Value
    ) -> Value? {
        do {
            return try parse(word.text)
        } catch {
            report(error.message, at: word)
            return nil
        }
    }

    /// A duration; zero only where `allowsZero` says it means something.
    func duration(_ word: ConfigWord, allowsZero: Bool = false) -> Duration? {
        guard let duration = value(word, ConfigValues.duration) else { return nil }
        guard allowsZero || duration > .zero else {
            report("a duration of 0 is not allowed here", at: word)
            return nil
        }
        return duration
    }

    /// A size in bytes, 1 or more.
    func size(_ word: ConfigWord) -> Int? {
        guard let size = value(word, ConfigValues.size) else { return nil }
        guard size > 0 else {
            report("a size of 0 is not allowed here", at: word)
            return nil
        }
        return size
    }

    /// `on` as true, `off` as false.
    func onOff(_ word: ConfigWord) -> Bool? {
        value(word, ConfigValues.onOff)
    }

    /// One of the cases of `Keyword`, written as its raw value.
    func keyword<Keyword: RawRepresentable & CaseIterable>(_ word: ConfigWord) -> Keyword?
    where Keyword.RawValue == String {
        if let keyword = Keyword(rawValue: word.text) {
            return keyword
        }
        let choices = Keyword.allCases.map(\.rawValue).joined(separator: ", ")
        report("expected one of \(choices), not \"\(word.text)\"", at: word)
        return nil
    }

    /// A path, relative ones taken from the configuration file's directory.
    func path(_ word: ConfigWord, for directive: String) -> String? {
        guard !word.text.isEmpty else {
            report("\(directive) needs a path, not an empty word", at: word)
            return nil
        }
        guard !word.text.hasPrefix("/"), let baseDirectory else { return word.text }
        return baseDirectory + "/" + word.text
    }

    /// A path to a file tokengate reads; when files are checked, one that cannot be opened
    /// for reading is reported at the word.
    func filePath(_ word: ConfigWord, for directive: String) -> String? {
        guard let path = path(word, for: directive) else { return nil }
        if checksFiles, let problem = FileAccess.problem(reading: path) {
            report("cannot read \(directive) \(path): \(problem)", at: word)
        }
        return path
    }

    /// A URL tokengate fetches from: plain `http` only to this machine, since keys fetched
    /// in the clear from elsewhere could be swapped on the way.
    func fetchURL(_ word: ConfigWord, for directive: String) -> HTTPURL? {
        guard let url = value(word, HTTPURL.parse) else { return nil }
        guard url.scheme == .https || url.isLoopback else {
            report(
                "\(directive) must use https: plain http is allowed only to loopback addresses",
                at: word)
            return nil
        }
        return url
    }

    /// The name of an `issuer` or `route` block: letters, digits, `-`, `_` and `.`, so that
    /// it reads well in logs and on the command line.
    func blockName(_ word: ConfigWord, kind: String) -> String? {
        let isName = word.text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "-_.".unicodeScalars.contains(scalar))
        }
        guard !word.text.isEmpty, isName else {
            report(
                "\"\(word.text)\" is not a valid \(kind) name: use letters, digits, -, _ and .",
                at: word)
            return nil
        }
        return word.text
    }
}
