import CDF
import Dataset
import Foundation
import Products
import ReferenceFixtures
import Testing

/// A day of the test mission made end to end (L0 bytes built by hand -> L1A -> L2 in CDF, FITS and
/// HDF5), values compared with hand computations, files re-read by the independent readers.
@Suite struct ProductEngineTests {
    let day = MissionDay(year: 2025, month: 1, day: 1)!
    let factors = [0.0078125, 0.03125, 0.125, 0.5]

    struct Made {
        var mission: Mission
        var made: [MadeProduct]
        var output: String
        var packets: [TestMission.Packet]
    }

    func makeDay(formats: String = "[cdf, fits, hdf5]", count: Int = 12, versions: [ProductID: Int] = [:]) async throws -> Made {
        let dir = try TestMission.write(TestMission.yaml(formats: formats))
        let mission = try Mission.load(directory: dir, library: TestMission.library)
        let packets = TestMission.packets(day: day, count: count)
        let l0 = dir + "/test_mag_l0_\(day.compact)_v001.pkts"
        try Data(TestMission.bytes(packets)).write(to: URL(fileURLWithPath: l0))
        let output = try Fixtures.temporaryDirectory().path
        let processor = MissionProcessor(mission: mission)
        let made = try await processor.make(Set(mission.products.map(\.id)), day: day, level0: ["mag": [l0]],
                                            upstream: { _, _ in nil }, versions: versions, into: output)
        return Made(mission: mission, made: made, output: output, packets: packets)
    }

    func expectedEpoch(_ p: TestMission.Packet) -> Int64 {
        // 2025-01-01T00:00:00 UTC = 788961669184000000 ns TT2000 (FIELD-NOTES §3); packets are MET
        // seconds after that midnight plus SHFINE / 65536.
        let midnight = Int64(TestMission.met(of: day))
        return 788_961_669_184_000_000 + (Int64(p.coarse) - midnight) * 1_000_000_000 + Int64(p.fine) * 1_000_000_000 / 65536
    }

    @Test func dayMakesEveryProductWithHandComputedValues() async throws {
        let r = try await makeDay()
        #expect(r.made.map(\.id.description) == ["mag_l1a_raw", "mag_l2_scaled"])
        let l2 = try #require(r.made.first { $0.id.level == .l2 })
        #expect(l2.records == 12)
        #expect(l2.version == 1)
        #expect(l2.paths.map { ($0 as NSString).lastPathComponent } == [
            "test_mag_l2_scaled_20250101_v001.cdf", "test_mag_l2_scaled_20250101_v001.fits", "test_mag_l2_scaled_20250101_v001.h5",
        ])
        for path in r.made.flatMap(\.paths) { #expect(FileManager.default.fileExists(atPath: path)) }
        let onDisk = r.made.flatMap(\.paths).reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        #expect(r.made.reduce(0) { $0 + $1.bytes } == onDisk)
        // Nothing else in the folder (no staging left behind).
        let listing = try FileManager.default.contentsOfDirectory(atPath: r.output).sorted()
        #expect(listing == r.made.flatMap(\.paths).map { ($0 as NSString).lastPathComponent }.sorted())

        let dataset = try CDFReader(path: l2.paths[0]).dataset()
        let b = try #require(dataset["B"]).column.values(as: Double.self)
        let epoch = try #require(dataset["epoch"]).column.values(as: Int64.self)
        for (i, p) in r.packets.enumerated() {
            #expect(b[i] == Double(p.bx) * factors[Int(p.range)])
            #expect(epoch[i] == expectedEpoch(p))
        }
        // By hand: packet 5 has BX = -1000 + 1500 = 500 counts at RANGE 1 (0.03125 nT/count) = 15.625 nT.
        #expect(b[5] == 15.625)
        #expect(epoch[5] == 788_961_669_184_000_000 + 50_500_000_000)
        // ISTP metadata from configuration and computed per file.
        #expect(dataset.attributes["Logical_source"] == .string("test_mag_l2_scaled"))
        #expect(dataset.attributes["Logical_file_id"] == .string("test_mag_l2_scaled_20250101_v001"))
        #expect(dataset.attributes["Data_version"] == .string("001"))
        #expect(dataset.attributes["Descriptor"] == .string("MAG>Test magnetometer"))
        #expect(dataset.attributes["Logical_source_description"] == .string("Test L2: BX in nT"))
        #expect(dataset["B"]?.attributes["UNITS"] == .string("nT"))
        #expect(dataset["B"]?.attributes["VALIDMIN"] == .float64([-20000]))
        #expect(dataset["B"]?.attributes["DEPEND_0"] == .string("epoch"))
        #expect(ISTPChecker.check(dataset).isEmpty)
        // L1A keeps the decoded parameters with the epoch first.
        let l1a = try CDFReader(path: r.made[0].paths[0]).dataset()
        #expect(l1a.variables.first?.name == "epoch")
        #expect(try l1a["BX"]?.column.values(as: Int16.self) == r.packets.map(\.bx))
    }

    @Test func versionsNameFilesAndMetadata() async throws {
        let r = try await makeDay(formats: "[cdf]", count: 3, versions: [ProductID("mag_l2_scaled")!: 7])
        #expect(r.made.map(\.version) == [1, 7])
        #expect(r.made[1].paths == [r.output + "/test_mag_l2_scaled_20250101_v007.cdf"])
        let dataset = try CDFReader(path: r.made[1].paths[0]).dataset()
        #expect(dataset.attributes["Data_version"] == .string("007"))
        #expect(dataset.attributes["Logical_file_id"] == .string("test_mag_l2_scaled_20250101_v007"))
    }

    @Test func upstreamProductsAreReadFromTheirCDF() async throws {
        let r = try await makeDay(formats: "[cdf]", count: 5)
        let l1a = r.made[0].paths[0]
        let l2ID = ProductID("mag_l2_scaled")!
        let second = try Fixtures.temporaryDirectory().path
        let made = try await MissionProcessor(mission: r.mission).make(
            [l2ID], day: day, level0: [:], upstream: { id, d in id.description == "mag_l1a_raw" && d == day ? l1a : nil },
            versions: [:], into: second)
        let b = try CDFReader(path: made[0].paths[0]).dataset()["B"]!.column.values(as: Double.self)
        #expect(b == r.packets.map { Double($0.bx) * factors[Int($0.range)] })
        // Without the upstream file the product cannot be made, and nothing is written.
        let third = try Fixtures.temporaryDirectory().path
        await #expect(throws: ProductError.self) {
            try await MissionProcessor(mission: r.mission).make([l2ID], day: day, level0: [:], upstream: { _, _ in nil }, versions: [:], into: third)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: third).isEmpty)
        // A folder the failed call had to create is not left behind either.
        let fourth = third + "/new/folder"
        await #expect(throws: ProductError.self) {
            try await MissionProcessor(mission: r.mission).make([l2ID], day: day, level0: [:], upstream: { _, _ in nil }, versions: [:], into: fourth)
        }
        #expect(!FileManager.default.fileExists(atPath: fourth))
    }

    @Test func timeOrderSortsAndDropsRepeatedRecords() async throws {
        let products = TestMission.defaultProducts.replacingOccurrences(
            of: "      - test_scale:", with: "      - time_order\n      - test_scale:")
        #expect(products.contains("- time_order"))
        let dir = try TestMission.write(TestMission.yaml(products: products))
        let mission = try Mission.load(directory: dir, library: TestMission.library)
        let p = TestMission.packets(day: day, count: 4)
        // Received out of order, with packet 1 twice (a replay).
        let l0 = dir + "/l0.pkts"
        try Data(TestMission.bytes([p[2], p[0], p[1], p[1], p[3]])).write(to: URL(fileURLWithPath: l0))
        let output = try Fixtures.temporaryDirectory().path
        let made = try await MissionProcessor(mission: mission).make(
            Set(mission.products.map(\.id)), day: day, level0: ["mag": [l0]], upstream: { _, _ in nil }, versions: [:], into: output)
        #expect(made.map(\.records) == [5, 4])  // L1A keeps packets as received; L2 is in time order
        let l2 = try CDFReader(path: made[1].paths[0]).dataset()
        #expect(try l2["B"]?.column.values(as: Double.self) == p.map { Double($0.bx) * factors[Int($0.range)] })
        #expect(try l2["epoch"]?.column.values(as: Int64.self) == p.map(expectedEpoch))
        #expect(l2["epoch"]?.attributes["MONOTON"] == .string("INCREASE"))
        let l1a = try CDFReader(path: made[0].paths[0]).dataset()
        #expect(l1a["epoch"]?.attributes["MONOTON"] == nil)
    }

    @Test func filesHoldingOtherAPIDsDecodeEveryPacketOfTheInstrument() async throws {
        // A file with another instrument's packets between this one's (as real IMAP files have):
        // those must not be taken for junk while scanning.
        let dir = try TestMission.write(TestMission.yaml(formats: "[cdf]"))
        let mission = try Mission.load(directory: dir, library: TestMission.library)
        let p = TestMission.packets(day: day, count: 6)
        var bytes: [UInt8] = []
        for (i, packet) in p.enumerated() {
            bytes += TestMission.bytes([packet])
            bytes += TestMission.bytes([TestMission.Packet(coarse: UInt32(i), fine: 0, range: 0, bx: 0)], apid: 1200 + UInt16(i % 2))
        }
        let l0 = dir + "/mixed.pkts"
        try Data(bytes).write(to: URL(fileURLWithPath: l0))
        let output = try Fixtures.temporaryDirectory().path
        let made = try await MissionProcessor(mission: mission).make(
            Set(mission.products.map(\.id)), day: day, level0: ["mag": [l0]], upstream: { _, _ in nil }, versions: [:], into: output)
        #expect(made.map(\.records) == [6, 6])
        let l2 = try CDFReader(path: made[1].paths[0]).dataset()
        #expect(try l2["B"]?.column.values(as: Double.self) == p.map { Double($0.bx) * factors[Int($0.range)] })
    }

    @Test func makeableFollowsTheL0Present() throws {
        let dir = try TestMission.write(TestMission.yaml())
        let processor = MissionProcessor(mission: try Mission.load(directory: dir, library: TestMission.library))
        #expect(processor.makeable(withLevel0Of: ["mag"]).map(\.description) == ["mag_l1a_raw", "mag_l2_scaled"])
        #expect(processor.makeable(withLevel0Of: []).isEmpty)
        #expect(processor.makeable(withLevel0Of: ["mag"], requested: [ProductID("mag_l2_scaled")!]).map(\.description)
                == ["mag_l1a_raw", "mag_l2_scaled"])
    }

    @Test func independentReadersAgree() async throws {
        let r = try await makeDay(count: 8)
        let expectedB = r.packets.map { Double($0.bx) * factors[Int($0.range)] }
        let expectedEpochs = r.packets.map { Int(expectedEpoch($0)) }
        for product in r.made {
            let isL2 = product.id.level >= .l2
            // CDF: the NASA library (spacepy) and cdflib; astralint and spacepy's ISTP checks at L2.
            let cdf = try ProductValidators.run(.cdf, product.paths[0], istp: isL2)
            #expect(cdf.problems.isEmpty, "\(product.paths[0]): \(cdf.problems)")
            for reader in ["nasa", "cdflib"] {
                #expect(cdf.values(reader, "epoch")?.map { Int($0) } == expectedEpochs, "\(reader)")
                if isL2 { #expect(cdf.values(reader, "B") == expectedB, "\(reader)") }
                else { #expect(cdf.values(reader, "BX") == r.packets.map { Double($0.bx) }, "\(reader)") }
            }
            // FITS: fitsverify and astropy (checksums verified).
            let fits = try ProductValidators.run(.fits, product.paths[1])
            #expect(fits.problems.isEmpty, "\(product.paths[1]): \(fits.problems)")
            if isL2 { #expect(fits.values("astropy", "B") == expectedB) }
            // HDF5: h5py.
            let h5 = try ProductValidators.run(.hdf5, product.paths[2])
            #expect(h5.problems.isEmpty)
            if isL2 { #expect(h5.values("h5py", "B") == expectedB) }
            #expect(h5.values("h5py", "epoch")?.map { Int($0) } == expectedEpochs)
        }
    }
}
