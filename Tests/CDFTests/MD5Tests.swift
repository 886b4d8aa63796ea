import Testing
@testable import CDF

@Suite struct MD5Tests {
    static func hexDigest(_ s: String) -> String { hex(MD5.digest(Array(s.utf8))) }

    /// The test suite of RFC 1321, appendix A.5.
    @Test func rfc1321Vectors() {
        #expect(Self.hexDigest("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Self.hexDigest("a") == "0cc175b9c0f1b6a831c399e269772661")
        #expect(Self.hexDigest("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Self.hexDigest("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(Self.hexDigest("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b")
        #expect(Self.hexDigest("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == "d174ab98d277d9f5a5611c2c9f419d9f")
        #expect(Self.hexDigest(String(repeating: "1234567890", count: 8)) == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func streamingInPiecesEqualsOneShot() {
        var rng = SplitMix64(seed: 42)
        let data = (0..<10_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let whole = MD5.digest(data)
        for cut in [1, 55, 56, 63, 64, 65, 127, 4096] {
            var m = MD5()
            var i = 0
            while i < data.count { let j = min(i + cut, data.count); m.update(Array(data[i..<j])); i = j }
            #expect(m.finalize() == whole, "pieces of \(cut)")
        }
        // One million 'a' (a classic long vector).
        var m = MD5()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { m.update(chunk) }
        #expect(hex(m.finalize()) == "7707d6ae4e027c70eea2a935c2296f21")
    }
}
