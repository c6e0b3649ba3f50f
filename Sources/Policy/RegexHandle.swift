#if canImport(Glibc)
    import Glibc
#endif

/// A POSIX extended regular expression compiled by glibc's `regcomp`, freed in `deinit`.
///
/// Shared by every event loop: glibc's `regexec` takes the pattern's own lock, so
/// concurrent searches are safe (they wait for each other, on inputs of at most 1 KiB).
final class RegexHandle: @unchecked Sendable {
    /// The longest input `matches` searches, in UTF-8 bytes.
    static let inputLimit = 1024

    /// The pattern as written.
    let pattern: String
    private let compiled: UnsafeMutablePointer<regex_t>

    /// Compiles `pattern` with `REG_EXTENDED | REG_NOSUB`; the error names what `regcomp`
    /// reported, or the back-reference, at `offset` (the pattern literal's).
    init(_ pattern: String, at offset: Int) throws(ExpressionError) {
        // glibc accepts \1 to \9 even in extended syntax; back-references make a search
        // exponential, and POSIX leaves them undefined in EREs, so they are refused.
        if Self.holdsBackReference(pattern) {
            throw ExpressionError("regular expression uses a back-reference", at: offset)
        }
        guard !pattern.utf8.contains(0) else {
            throw ExpressionError("regular expression holds a NUL character", at: offset)
        }
        let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        let status = regcomp(compiled, pattern, REG_EXTENDED | REG_NOSUB)
        guard status == 0 else {
            let message = Self.message(for: status, compiled)
            compiled.deallocate()
            throw ExpressionError("regular expression does not compile: \(message)", at: offset)
        }
        self.pattern = pattern
        self.compiled = compiled
    }

    deinit {
        regfree(compiled)
        compiled.deallocate()
    }

    /// Whether the pattern matches somewhere in `input` (which holds no NUL); nil when
    /// `regexec` fails for another reason than finding no match.
    func search(_ input: String) -> Bool? {
        let status = regexec(compiled, input, 0, nil, 0)
        if status == 0 { return true }
        if status == Int32(_REG_NOMATCH.rawValue) { return false }
        return nil
    }

    /// Whether an ERE holds a back-reference (`\1` to `\9`) outside a bracket expression,
    /// inside which a backslash is an ordinary character.
    static func holdsBackReference(_ pattern: String) -> Bool {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        while index < scalars.count {
            switch scalars[index] {
            case "\\":
                if index + 1 < scalars.count, ("1"..."9").contains(scalars[index + 1]) {
                    return true
                }
                index += 2
            case "[":
                index = endOfBracket(scalars, from: index)
            default:
                index += 1
            }
        }
        return false
    }

    /// The index just past the bracket expression that opens at `start` (POSIX.1-2017
    /// §9.3.5): a `]` first in the list is literal, and `[:`, `[.`, `[=` run to their own
    /// closing pair.
    private static func endOfBracket(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start + 1
        if index < scalars.count, scalars[index] == "^" { index += 1 }
        if index < scalars.count, scalars[index] == "]" { index += 1 }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "]" { return index + 1 }
            if scalar == "[", index + 1 < scalars.count,
                [":", ".", "="].contains(scalars[index + 1])
            {
                let closer = scalars[index + 1]
                index += 2
                while index + 1 < scalars.count,
                    !(scalars[index] == closer && scalars[index + 1] == "]")
                {
                    index += 1
                }
                index += 2
            } else {
                index += 1
            }
        }
        return index
    }

    private static func message(for status: Int32, _ compiled: UnsafeMutablePointer<regex_t>)
        -> String
    {
        var buffer = [CChar](repeating: 0, count: 256)
        regerror(status, compiled, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
