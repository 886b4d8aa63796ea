import Dataset
import Foundation
import Testing
@testable import CDF

/// The reader on corrupted files: every mutation of a valid file either reads or throws a CDFError,
/// never crashes, hangs or allocates absurdly.
@Suite struct FuzzTests {
    @Test func mutatedFilesThrowOrReadNeverCrash() throws {
        let dir = try makeTemporaryDirectory("fuzz")
        let (ds, opts, _) = try WriterValidationTests.allTypesDataset(records: 5)
        var sources: [[UInt8]] = []
        for (i, comp) in [CDFCompression.none, .gzip(level: 6)].enumerated() {
            var o = opts
            for v in ds.variables { o[v.name, default: CDFVariableOptions()].blockRecords = 2 }
            let p = dir + "/src\(i).cdf"
            try CDFWriter(options: CDFWriteOptions(compression: comp, md5: i == 1, variables: o)).write(ds, to: p)
            sources.append(try [UInt8](Data(contentsOf: URL(fileURLWithPath: p))))
        }
        sources.append(try [UInt8](Data(contentsOf: URL(fileURLWithPath: ReaderTests.magPath))))
        var rng = SplitMix64(seed: 2024)
        var outcomes = (read: 0, threw: 0)
        let path = dir + "/mutant.cdf"
        for trial in 0..<2000 {
            var bytes = sources[trial % sources.count]
            switch rng.next() % 4 {
            case 0:   // flip bytes in the metadata region, where offsets and counts live
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let at = Int(rng.next() % UInt64(min(bytes.count, 4096)))
                    bytes[at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                }
            case 1:   // a large value in a random 8-byte field
                let at = Int(rng.next() % UInt64(bytes.count - 8))
                for k in 0..<8 { bytes[at + k] = k < 4 ? 0x7F : UInt8(truncatingIfNeeded: rng.next()) }
            case 2:   // truncation
                bytes.removeSubrange(Int(rng.next() % UInt64(bytes.count))...)
            default:  // anywhere
                let at = Int(rng.next() % UInt64(bytes.count))
                bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let r = try CDFReader(path: path)
                for v in r.variables { _ = try r.column(v.name) }
                _ = r.describe()
                outcomes.read += 1
            } catch is CDFError {
                outcomes.threw += 1
            } catch {
                Issue.record("trial \(trial): an error that is not a CDFError: \(error)")
            }
        }
        #expect(outcomes.read + outcomes.threw == 2000)
        #expect(outcomes.threw > 100, "mutations are detected: \(outcomes)")
    }
}
