/// Cuts configuration text into lines of words, keeping the place of every word.
///
/// Words are bare or double-quoted (`\"` and `\\` are the escapes inside quotes; any other
/// backslash stays as written). `#` starts a comment only at the start of a word. A `${...}`
/// inside a word is one unit, its brackets and both kinds of quotes balanced, so that it may
/// hold blanks and quotes; `$$` is kept as written for the template reader to decode. After
/// a bare `allow`, the raw rest of the line is one expression word, whose own quotes (`'`
/// and `"`) hide `#`, and which continues on the next line while a `(` or `[` is open.
struct ConfigReader {
    private let fileName: String
    private let lines: [[Unicode.Scalar]]
    /// The problems found so far.
    private(set) var diagnostics: [ConfigurationDiagnostic] = []

    /// Prepares to read `text`, whose diagnostics will name `fileName`.
    init(text: String, fileName: String) {
        var lines: [[Unicode.Scalar]] = [[]]
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                lines.append([])
            } else {
                lines[lines.count - 1].append(scalar)
            }
        }
        self.lines = lines.map { $0.last == "\r" ? Array($0.dropLast()) : $0 }
        self.fileName = fileName
    }

    /// The lines that hold words, each as its words, in file order.
    mutating func read() -> [[ConfigWord]] {
        var result: [[ConfigWord]] = []
        var index = 0
        while index < lines.count {
            let (words, next) = readLine(at: index)
            if !words.isEmpty {
                result.append(words)
            }
            index = next
        }
        return result
    }

    /// The words of the line at `index`, and the index of the first line it did not use.
    private mutating func readLine(at index: Int) -> ([ConfigWord], Int) {
        let line = lines[index]
        var words: [ConfigWord] = []
        var column = 0
        while true {
            column = Self.skipBlanks(line, from: column)
            guard column < line.count, line[column] != "#" else { break }
            if words.count == 1, words[0].isBare("allow") {
                let (expression, next) = readExpression(startLine: index, column: column)
                return (words + [expression], next)
            }
            let word: ConfigWord
            if line[column] == "\"" {
                (word, column) = quotedWord(line, lineIndex: index, start: column)
            } else {
                (word, column) = bareWord(line, lineIndex: index, start: column)
            }
            words.append(word)
        }
        return (words, index + 1)
    }

    private mutating func bareWord(
        _ line: [Unicode.Scalar], lineIndex: Int, start: Int
    ) -> (ConfigWord, Int) {
        var text = TextBuilder()
        var isDamaged = false
        var index = start
        while index < line.count, !Self.isBlank(line[index]) {
            if line[index] == "$", index + 1 < line.count, Self.isOne(of: "${", line[index + 1]) {
                let isWhole: Bool
                (index, isWhole) = dollar(line, lineIndex: lineIndex, at: index, into: &text)
                isDamaged = isDamaged || !isWhole
                continue
            }
            if line[index] == "\"", !isDamaged {
                report("a double quote may only start a word", lineIndex, index)
                isDamaged = true
            }
            text.append(line[index], line: lineIndex + 1, column: index + 1)
            index += 1
        }
        let word = text.word(kind: .bare, at: location(lineIndex, start), isDamaged: isDamaged)
        return (word, index)
    }

    private mutating func quotedWord(
        _ line: [Unicode.Scalar], lineIndex: Int, start: Int
    ) -> (ConfigWord, Int) {
        var text = TextBuilder()
        var isDamaged = false
        var isClosed = false
        var index = start + 1
        while index < line.count {
            let scalar = line[index]
            if scalar == "\\", index + 1 < line.count, Self.isOne(of: "\"\\", line[index + 1]) {
                text.append(line[index + 1], line: lineIndex + 1, column: index + 1)
                index += 2
            } else if scalar == "$", index + 1 < line.count, Self.isOne(of: "${", line[index + 1]) {
                let isWhole: Bool
                (index, isWhole) = dollar(line, lineIndex: lineIndex, at: index, into: &text)
                isDamaged = isDamaged || !isWhole
            } else if scalar == "\"" {
                isClosed = true
                index += 1
                break
            } else {
                text.append(scalar, line: lineIndex + 1, column: index + 1)
                index += 1
            }
        }
        if !isClosed, !isDamaged {
            report("unterminated quoted word: the closing \" is missing", lineIndex, start)
            isDamaged = true
        } else if index < line.count, !Self.isBlank(line[index]) {
            report("a blank must follow the closing quote", lineIndex, index)
            isDamaged = true
            while index < line.count, !Self.isBlank(line[index]) {
                index += 1
            }
        }
        let word = text.word(kind: .quoted, at: location(lineIndex, start), isDamaged: isDamaged)
        return (word, index)
    }

    /// Copies `$$` or a whole `${...}` starting at `start` into `text`; returns the index
    /// after it, and false when it is not closed on this line (after reporting so).
    private mutating func dollar(
        _ line: [Unicode.Scalar], lineIndex: Int, at start: Int, into text: inout TextBuilder
    ) -> (Int, Bool) {
        text.append(line[start], line: lineIndex + 1, column: start + 1)
        text.append(line[start + 1], line: lineIndex + 1, column: start + 2)
        if line[start + 1] == "$" {
            return (start + 2, true)
        }
        var closers: [Unicode.Scalar] = ["}"]
        var index = start + 2
        while index < line.count {
            let scalar = line[index]
            text.append(scalar, line: lineIndex + 1, column: index + 1)
            index += 1
            if scalar == "\"" || scalar == "'" {
                guard let end = Self.closingQuote(line, from: index, quote: scalar) else {
                    report("unterminated quote inside ${...}", lineIndex, index - 1)
                    return (line.count, false)
                }
                for inner in index...end {
                    text.append(line[inner], line: lineIndex + 1, column: inner + 1)
                }
                index = end + 1
            } else if let closer = Self.closer(of: scalar) {
                closers.append(closer)
            } else if Self.isOne(of: ")]}", scalar) {
                guard closers.last == scalar else {
                    report("\"\(scalar)\" closes no open bracket in ${...}", lineIndex, index - 1)
                    return (line.count, false)
                }
                closers.removeLast()
                if closers.isEmpty {
                    return (index, true)
                }
            }
        }
        report("unterminated ${...}: the closing } is missing", lineIndex, start)
        return (line.count, false)
    }

    /// An opening bracket of an expression, 0-based, with the bracket that closes it.
    private typealias OpenBracket = (closer: Unicode.Scalar, line: Int, column: Int)

    /// Reads an `allow` expression that starts at `column` of the line at `startLine`.
    private mutating func readExpression(startLine: Int, column: Int) -> (ConfigWord, Int) {
        var text = TextBuilder()
        var open: [OpenBracket] = []
        var isDamaged = false
        var lineIndex = startLine
        var index = column
        while true {
            let lineStart = text.count
            let (quoteStart, stop) = scanExpression(lineIndex, from: index, into: &text, &open)
            text.trimTrailingBlanks(downTo: lineStart)
            let end: (line: Int, column: Int) =
                text.count > lineStart ? text.end : (lineIndex + 1, stop + 1)

            if let start = quoteStart {
                report("unterminated quote in expression", lineIndex, start)
                isDamaged = true
                break
            }
            guard let innermost = open.last else { break }
            let next = lineIndex + 1
            if next == lines.count || Self.isLoneClosingBrace(lines[next]) {
                let opener = innermost.closer == ")" ? "(" : "["
                let message =
                    "expression ends while \"\(opener)\" from line \(innermost.line + 1) column "
                    + "\(innermost.column + 1) is still open"
                report(message, end.line - 1, end.column - 1)
                isDamaged = true
                break
            }
            text.append("\n", line: end.line, column: end.column)
            lineIndex = next
            index = 0
        }
        let start = location(startLine, column)
        let word = text.word(kind: .expression, at: start, isDamaged: isDamaged)
        return (word, lineIndex + 1)
    }

    /// Copies one line of an expression from `start` into `text` until its end or a
    /// comment, tracking open brackets; returns where an unclosed quote starts, if one
    /// does, and where the copy stopped.
    private func scanExpression(
        _ lineIndex: Int, from start: Int, into text: inout TextBuilder, _ open: inout [OpenBracket]
    ) -> (quoteStart: Int?, stop: Int) {
        let line = lines[lineIndex]
        var quoteStart: Int?
        var index = start
        while index < line.count {
            let scalar = line[index]
            if let quote = quoteStart {
                let isEscape = scalar == "\\" && index + 1 < line.count
                let count = isEscape ? 2 : 1
                for offset in 0..<count {
                    text.append(
                        line[index + offset], line: lineIndex + 1, column: index + offset + 1)
                }
                if !isEscape, scalar == line[quote] {
                    quoteStart = nil
                }
                index += count
                continue
            }
            if scalar == "#", index == 0 || Self.isBlank(line[index - 1]) {
                break
            }
            if scalar == "\"" || scalar == "'" {
                quoteStart = index
            } else if scalar == "(" || scalar == "[" {
                open.append((scalar == "(" ? ")" : "]", lineIndex, index))
            } else if scalar == ")" || scalar == "]", !open.isEmpty {
                open.removeLast()
            }
            text.append(scalar, line: lineIndex + 1, column: index + 1)
            index += 1
        }
        return (quoteStart, index)
    }

    private mutating func report(_ message: String, _ lineIndex: Int, _ index: Int) {
        diagnostics.append(
            ConfigurationDiagnostic(location: location(lineIndex, index), message: message))
    }

    private func location(_ lineIndex: Int, _ index: Int) -> SourceLocation {
        SourceLocation(file: fileName, line: lineIndex + 1, column: index + 1)
    }

    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }

    private static func isOne(of set: String, _ scalar: Unicode.Scalar) -> Bool {
        set.unicodeScalars.contains(scalar)
    }

    private static func skipBlanks(_ line: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index < line.count, isBlank(line[index]) {
            index += 1
        }
        return index
    }

    /// The closing bracket for an opening one, or nil.
    private static func closer(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "(": ")"
        case "[": "]"
        case "{": "}"
        default: nil
        }
    }

    /// The index of the quote that closes one opened just before `start`, skipping
    /// backslash escapes; nil when the line ends first.
    private static func closingQuote(
        _ line: [Unicode.Scalar], from start: Int, quote: Unicode.Scalar
    ) -> Int? {
        var index = start
        while index < line.count {
            if line[index] == "\\" {
                index += 2
            } else if line[index] == quote {
                return index
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Whether a line holds only `}` (and perhaps a comment): an open expression never
    /// continues onto it, so a forgotten `)` does not swallow the rest of the file.
    private static func isLoneClosingBrace(_ line: [Unicode.Scalar]) -> Bool {
        let start = skipBlanks(line, from: 0)
        guard start < line.count, line[start] == "}" else { return false }
        let after = skipBlanks(line, from: start + 1)
        return after == line.count || line[after] == "#"
    }
}

/// The text of a word being read, with the place of each of its Unicode scalars.
private struct TextBuilder {
    private var scalars = String.UnicodeScalarView()
    private var positions: [SourceText.Position] = []

    var count: Int { positions.count }

    /// The place one past the last scalar, as a line and column.
    var end: (line: Int, column: Int) {
        let last = positions[positions.count - 1]
        return (last.line, last.column + 1)
    }

    mutating func append(_ scalar: Unicode.Scalar, line: Int, column: Int) {
        scalars.append(scalar)
        positions.append(SourceText.Position(line: line, column: column))
    }

    /// Drops blanks from the end, but none of the first `count` scalars.
    mutating func trimTrailingBlanks(downTo count: Int) {
        while positions.count > count, let last = scalars.last, last == " " || last == "\t" {
            scalars.removeLast()
            positions.removeLast()
        }
    }

    func word(kind: ConfigWord.Kind, at location: SourceLocation, isDamaged: Bool) -> ConfigWord {
        let endPosition =
            positions.last.map { SourceText.Position(line: $0.line, column: $0.column + 1) }
            ?? SourceText.Position(line: location.line, column: location.column + 1)
        let source = SourceText(
            text: String(scalars), location: location, positions: positions + [endPosition])
        return ConfigWord(source: source, kind: kind, isDamaged: isDamaged)
    }
}
