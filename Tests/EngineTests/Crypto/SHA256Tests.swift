import Engine
import Testing

@Suite struct SHA256Tests {
    func hex(_ text: String) -> String { Hex.encode(SHA256.hash(Array(text.utf8))) }

    @Test func fipsVectors() {
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(String(repeating: "a", count: 1_000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func rfc4231Vectors() {
        let case1 = HMACSHA256.mac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(Hex.encode(case1) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let case2 = HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(case2) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let longKey = HMACSHA256.mac(
            key: [UInt8](repeating: 0xaa, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(Hex.encode(longKey) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func piecesHashAsTheWhole() {
        let text = Array(String(repeating: "the quick brown fox ", count: 50).utf8)
        var hash = SHA256()
        for piece in stride(from: 0, to: text.count, by: 7) { hash.update(text[piece..<min(piece + 7, text.count)]) }
        withUnsafeBytes(of: UInt64(42).littleEndian) { hash.update($0) }
        var whole = text
        withUnsafeBytes(of: UInt64(42).littleEndian) { whole += $0 }
        #expect(hash.finalize() == SHA256.hash(whole))
    }

    @Test func anEmptyKeySignsLikeRFC2104() {
        // HMAC with an empty key is the key padded with zeros (Python's hmac.new(b"", b"abc", sha256)).
        #expect(
            Hex.encode(HMACSHA256.mac(key: [], message: Array("abc".utf8)))
                == "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351")
    }

    @Test func hexIsLowerCaseTwoDigitsPerByte() {
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.encode([UInt8]()) == "")
    }
}
