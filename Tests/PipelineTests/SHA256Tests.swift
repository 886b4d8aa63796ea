import Foundation
import Pipeline
import Testing

/// FIPS 180-2 appendix B test vectors, and the length that crosses the padding block boundary
/// compared with sha256sum.
@Test func sha256MatchesTheStandardVectors() throws {
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    let path = NSTemporaryDirectory() + "sha-\(UUID().uuidString)"
    try Data(String(repeating: "a", count: 1_000_000).utf8).write(to: URL(fileURLWithPath: path))
    #expect(try SHA256.file(path) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

@Test func level0NamesGiveInstrumentDayAndVersion() {
    let n = Level0Name(fileName: "demo_mag_l0_20260301_v002.pkts")
    #expect(n?.instrument == "mag" && n?.day.description == "2026-03-01" && n?.version == 2)
    #expect(Level0Name(fileName: "notes.txt") == nil)
    #expect(Level0Name(fileName: "demo_mag_l0_20261301_v001.pkts") == nil)
}
