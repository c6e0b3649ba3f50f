import JOSE
import Testing

@Suite struct Base64URLTests {
    @Test(arguments: [
        ("", [UInt8]()), ("Zg", Array("f".utf8)), ("Zm8", Array("fo".utf8)),
        ("Zm9v", Array("foo".utf8)), ("-_8", [0xFB, 0xFF]),
    ])
    func decodesCanonicalSegments(text: String, bytes: [UInt8]) {
        #expect(Base64URL.decodeStrict(Array(text.utf8)) == bytes)
        #expect(Base64URL.encode(bytes) == text)
    }

    @Test(arguments: [
        "Zg==", "Zm8=", "+/8", "Zm 9v", "Zm9v\n", "Z", "Zh", "Zm9", "Zm9v=",
    ])
    func refusesNonCanonicalSegments(text: String) {
        #expect(Base64URL.decodeStrict(Array(text.utf8)) == nil)
    }

    @Test func toleratesPaddingInKeyMembers() {
        #expect(Base64URL.decodeLenient("AQAB") == [1, 0, 1])
        #expect(Base64URL.decodeLenient("Zg==") == Array("f".utf8))
        #expect(Base64URL.decodeLenient("Zg=") == nil)
        #expect(Base64URL.decodeLenient("Zm9v====") == nil)
    }
}
