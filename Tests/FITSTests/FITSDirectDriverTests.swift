import Foundation
import Testing
import WriterTestSupport

/// The cfitsio direct-I/O driver (CFITSIODirectDriver): a file written through it, rows staged and
/// written direct, headers rewritten after the data (NAXIS2, CHECKSUM), must be byte for byte the
/// file cfitsio writes with direct I/O turned off. In child processes (writer-bench), so that the
/// DOWNLINK_DIRECT_IO setting does not reach other tests.
struct FITSDirectDriverTests {
    /// Writes `records` benchmark records as `kind` with DOWNLINK_DIRECT_IO=`setting`; the file's bytes.
    func write(_ kind: String, records: Int, setting: String, in dir: String) throws -> Data {
        let exe = try #require(WriteFailure.writerBench, "writer-bench not built")
        let path = dir + "/\(kind)-\(setting).fits"
        let r = WriterValidators.run("/usr/bin/env", ["DOWNLINK_DIRECT_IO=\(setting)", exe, String(records), kind, path])
        #expect(r.status == 0, "\(r.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// `file` with every CHECKSUM card blanked, and the comment of every DATASUM card: cfitsio writes
    /// the time into those comments (and the checksum covers them). DATASUM's value and every other
    /// byte stay.
    static func maskingChecksumCards(_ file: Data) -> [UInt8] {
        var bytes = [UInt8](file)
        let checksum = Array("CHECKSUM".utf8), datasum = Array("DATASUM ".utf8)
        for card in stride(from: 0, to: bytes.count - 80, by: 80) {
            let key = Array(bytes[card..<card + 8])
            if key == checksum {
                for i in card..<card + 80 { bytes[i] = 0x20 }
            } else if key == datasum, let slash = bytes[card + 10..<card + 80].firstIndex(of: UInt8(ascii: "/")) {
                for i in slash..<card + 80 { bytes[i] = 0x20 }
            }
        }
        return bytes
    }

    /// 300,000 rows of 60 bytes: 18 MB of rows, several 4 MiB stages, rows packed in 4 MiB blocks
    /// that do not line up with the stages or with 4 KiB blocks (the data unit starts after a
    /// 2880-byte-aligned header).
    @Test(arguments: ["fits", "fits-checksum"]) func directFileEqualsBufferedFile(kind: String) throws {
        let dir = try makeTemporaryDirectory("fits-direct")
        let direct = Self.maskingChecksumCards(try write(kind, records: 300_000, setting: "1", in: dir))
        let buffered = Self.maskingChecksumCards(try write(kind, records: 300_000, setting: "0", in: dir))
        #expect(direct.count == buffered.count && direct.count > 18_000_000)
        let first = zip(direct, buffered).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(first == nil, "the files differ from byte \(first ?? -1)")
    }
}
