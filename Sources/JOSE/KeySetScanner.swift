/// Finds the elements of a key set's `keys` array by structure alone, so that one element
/// the strict parser refuses (a number out of range, a lone surrogate, a repeated member
/// name) can be skipped like any other bad key instead of spoiling the whole set.
///
/// It tracks only strings and bracket depth; every element it finds is then parsed
/// strictly on its own.
enum KeySetScanner {
    /// The byte ranges of the `keys` array's elements, or nil when the document is not an
    /// object holding exactly one `keys` array.
    static func keyElements(_ document: [UInt8]) -> [Range<Int>]? {
        var index = skipSpace(document, 0)
        guard index < document.count, document[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var found: [Range<Int>]?
        while true {
            index = skipSpace(document, index)
            guard index < document.count, document[index] == UInt8(ascii: "\"") else {
                return nil
            }
            guard let nameEnd = skipString(document, index) else { return nil }
            let isKeys = document[index..<nameEnd].elementsEqual("\"keys\"".utf8)
            index = skipSpace(document, nameEnd)
            guard index < document.count, document[index] == UInt8(ascii: ":") else {
                return nil
            }
            index = skipSpace(document, index + 1)
            if isKeys {
                guard found == nil, let (elements, end) = arrayElements(document, index) else {
                    return nil
                }
                found = elements
                index = end
            } else {
                guard let end = skipValue(document, index) else { return nil }
                index = end
            }
            index = skipSpace(document, index)
            guard index < document.count else { return nil }
            if document[index] == UInt8(ascii: "}") {
                return skipSpace(document, index + 1) == document.count ? found : nil
            }
            guard document[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func arrayElements(_ bytes: [UInt8], _ start: Int) -> ([Range<Int>], Int)? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "[") else { return nil }
        var elements: [Range<Int>] = []
        var index = skipSpace(bytes, start + 1)
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return ([], index + 1) }
        while true {
            index = skipSpace(bytes, index)
            guard let end = skipValue(bytes, index) else { return nil }
            elements.append(index..<end)
            index = skipSpace(bytes, end)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "]") { return (elements, index + 1) }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    /// The end of the value starting at `start`: a string, a bracketed value (strings inside
    /// honoured), or a bare literal up to the next delimiter.
    private static func skipValue(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return skipString(bytes, start)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = skipString(bytes, index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            let delimiters: [UInt8] = Array(",]} \t\r\n".utf8)
            while index < bytes.count && !delimiters.contains(bytes[index]) { index += 1 }
            return index > start ? index : nil
        }
    }

    /// The index just past the string starting at `start`, escapes skipped.
    private static func skipString(_ bytes: [UInt8], _ start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }
}
