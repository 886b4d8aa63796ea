import Foundation
import Products
import ReferenceFixtures
import Testing

/// SPICEClock (kernels parsed in Swift) against imap_processing 1.0.40's met_to_ttj2000ns (CSPICE
/// through spiceypy), bit for bit in int64 nanoseconds, for every SHCOARSE of the SWAPI and MAG L0.
@Suite struct ClockSPICETests {
    static func clock(_ imap: URL) throws -> SPICEClock {
        try SPICEClock(leapSecondKernel: imap.appendingPathComponent("spice/naif0012.tls").path,
                       clockKernel: imap.appendingPathComponent("spice/imap_sclk_0000.tsc").path)
    }

    @Test func kernelsReadAsCSPICEPoolsThem() throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let clock = try Self.clock(imap)
        #expect(clock.sclk.spacecraft == -43)
        #expect(clock.sclk.timeSystem == .tdt)
        #expect(clock.sclk.moduli == [4_294_967_296, 50_000])
        #expect(clock.sclk.ticksPerSecond == 50_000)
        #expect(clock.tickDuration == 2e-5)
        #expect(clock.sclk.coefficients.count == 1)
        // The bits spiceypy.gdpool returns for the @01-JAN-2010-00:01:06.184000 epoch and the LSK.
        #expect(clock.sclk.coefficients[0].parallelTime.bitPattern == 0x41B2_CF4F_022F_1AA0)
        #expect(clock.k.bitPattern == 0x3F5B_25F6_33CE_63A6)
        #expect(clock.m1.bitPattern == 0x3E8A_B8EA_9905_EAEC)
        #expect(clock.sclk.maximumTicks == 214_748_364_799_999)
        #expect(clock.leapSeconds.entries.count == 28)
        #expect(clock.contains(met: 0) && !clock.contains(met: -1))
    }

    @Test func equalsIMAPProcessingForEverySHCOARSE() throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let clock = try Self.clock(imap)
        let files = ["swapi/imap_swapi_l0_raw_20240924_v001.pkts", "mag/mag_l0_test_data.pkts", "mag/mag_l1_test_data.pkts"]
            .map { imap.appendingPathComponent($0).path }
        let out = try Fixtures.imapReference(["clock"] + files)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let perFile = try #require(object["files"] as? [[String: Any]])
        #expect(perFile.count == 3)
        var compared = 0
        for (path, entry) in zip(files, perFile) {
            let mets = try #require(entry["shcoarse"] as? [Int])
            let epochs = try #require(entry["ttj2000ns"] as? [String]).compactMap { Int64($0) }
            // SHCOARSE read here, independently: the 4 bytes after each packet's primary header.
            let ours = try Self.shcoarse(path)
            #expect(ours == mets.map(UInt32.init), "\(path)")
            #expect(epochs.count == mets.count)
            for (met, expected) in zip(ours, epochs) {
                #expect(clock.tt2000(met: Double(met)) == expected, "MET \(met) in \(path)")
                compared += 1
            }
        }
        #expect(compared == 463 + 36 + 6)

        // Fractional and far METs (to 2^32 s): the whole floating-point path.
        let synthetic = try #require(object["synthetic"] as? [String: Any])
        let mets = try #require(synthetic["met"] as? [String]).compactMap(Double.init)
        let epochs = try #require(synthetic["ttj2000ns"] as? [String]).compactMap { Int64($0) }
        #expect(mets.count == epochs.count && mets.count > 500)
        for (met, expected) in zip(mets, epochs) {
            #expect(clock.tt2000(met: met) == expected, "MET \(met)")
        }
    }

    /// A made-up clock with three coefficient records of different rates, two partitions, 256 ticks
    /// per second, and both parallel time systems: SPICEClock against CSPICE (spiceypy's sct2e and
    /// unitim, the conversion met_to_ttj2000ns makes) on the same kernel text.
    @Test(arguments: [2, 1])
    func generalKernelEqualsCSPICE(_ timeSystem: Int) throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let kernel = """
        \\begindata
        SCLK_KERNEL_ID           = ( @2020-01-01T00:00:00 )
        SCLK_DATA_TYPE_99        = ( 1 )
        SCLK01_TIME_SYSTEM_99    = ( \(timeSystem) )
        SCLK01_N_FIELDS_99       = ( 2 )
        SCLK01_MODULI_99         = ( 4294967296 256 )
        SCLK01_OFFSETS_99        = ( 0 0 )
        SCLK01_OUTPUT_DELIM_99   = ( 1 )
        SCLK_PARTITION_START_99  = ( 0.0 1.0E11 )
        SCLK_PARTITION_END_99    = ( 1.0E11 1.0995116277759D+12 )
        SCLK01_COEFFICIENTS_99   = (
           0            @01-JAN-2015-00:01:08.184   1.000001
           25600000000  @2018-03-01T12:00:00.5      0.999998
           51200000000  @2021-06-30/23:59:59.25     1.0000003 )
        \\begintext

        """
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sclk = dir.appendingPathComponent("test99.tsc")
        try kernel.write(to: sclk, atomically: true, encoding: .utf8)
        let lsk = imap.appendingPathComponent("spice/naif0012.tls").path
        let clock = try SPICEClock(leapSecondKernel: lsk, clockKernel: sclk.path)
        #expect(clock.sclk.spacecraft == -99 && clock.sclk.coefficients.count == 3 && clock.tickDuration == 1.0 / 256)
        var mets: [Double] = [0, 1.5, 99_999_999.99609375, 100_000_000, 99_999_999.5, 100_000_000.001, 200_000_000.123, 3e8, 4e9, -5, 4.3e9]
        for k in 0..<200 { mets.append(Double(k) * 21_474_836.47 + Double(k % 7) / 7) }
        let out = try Fixtures.imapReference(["clock-kernel", "--lsk", lsk, "--sclk", sclk.path, "--id", "-99",
                                              "--ticks-per-second", "256", "--mets", mets.map { "\($0)" }.joined(separator: ",")])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let expected = try #require(object["ttj2000ns"] as? [String])
        #expect(expected.count == mets.count)
        var compared = 0
        for (met, e) in zip(mets, expected) {
            if e.hasPrefix("error") {
                #expect(!clock.contains(met: met), "CSPICE refuses MET \(met): \(e)")
            } else {
                #expect(clock.contains(met: met))
                #expect(clock.tt2000(met: met) == Int64(e)!, "MET \(met)")
                compared += 1
            }
        }
        #expect(compared >= mets.count - 2)
    }

    static func shcoarse(_ path: String) throws -> [UInt32] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var out: [UInt32] = []
        var offset = 0
        let bytes = [UInt8](data)
        while offset + 10 <= bytes.count {
            let length = Int(bytes[offset + 4]) << 8 | Int(bytes[offset + 5])
            out.append(UInt32(bytes[offset + 6]) << 24 | UInt32(bytes[offset + 7]) << 16 | UInt32(bytes[offset + 8]) << 8 | UInt32(bytes[offset + 9]))
            offset += 7 + length
        }
        #expect(offset == bytes.count)
        return out
    }
}
