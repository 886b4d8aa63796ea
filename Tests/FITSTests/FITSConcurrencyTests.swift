import Dataset
import Foundation
import Testing
import WriterTestSupport
import FITS

/// cfitsio is reentrant with one file per task: products written concurrently are byte-identical to
/// the same product written alone.
struct FITSConcurrencyTests {
    @Test func concurrentWritesMatchASerialWrite() async throws {
        let dir = try makeTemporaryDirectory("fits-concurrent")
        let ds = try SampleDatasets.everyType(records: 3000)
        var options = FITSWriteOptions()
        options.checksum = false          // CHECKSUM comments carry the time of writing
        options.rowsPerBlock = 100
        let writer = FITSWriter(options: options)
        func writeBlocking(_ path: String) throws { try writer.write(ds, to: path) }
        try writeBlocking(dir + "/serial.fits")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<4 {
                group.addTask { try await writer.write(ds, to: dir + "/concurrent-\(i).fits") }
            }
            try await group.waitForAll()
        }
        let serial = try Data(contentsOf: URL(fileURLWithPath: dir + "/serial.fits"))
        #expect(serial.count % 2880 == 0 && serial.count > 3000 * 94)
        for i in 0..<4 {
            let other = try Data(contentsOf: URL(fileURLWithPath: dir + "/concurrent-\(i).fits"))
            #expect(other == serial, "concurrent-\(i).fits differs from serial.fits")
        }
    }
}
