import Testing
@testable import CDF

/// Expected values computed with cdflib 1.3.16 (`cdfepoch.parse`, `compute_epoch`).
@Suite struct TT2000Tests {
    let conv = TT2000Converter()

    @Test func knownInstantsMatchCdflib() throws {
        #expect(try conv.tt2000(.init(2025, 1, 1)) == 788_961_669_184_000_000)
        #expect(try conv.tt2000(.init(2000, 1, 1, 11, 58, 55, nanosecond: 816_000_000)) == 0)
        #expect(try conv.tt2000(.init(2016, 12, 31, 23, 59, 60, nanosecond: 500_000_000)) == 536_500_868_684_000_000)
        #expect(try conv.tt2000(.init(2017, 1, 1)) == 536_500_869_184_000_000)
        #expect(try conv.tt2000(.init(1972, 1, 1)) == -883_655_957_816_000_000)
        #expect(try conv.tt2000(.init(2023, 10, 25, 12, 34, 56, nanosecond: 789_123_456)) == 751_509_365_973_123_456)
        #expect(TT2000Converter.epoch(.init(2025, 3, 14, 1, 59, 26, nanosecond: 535_000_000)) == 63_909_136_766_535.0)
        #expect(TT2000Converter.epoch16(.init(2025, 3, 14, 1, 59, 26)) == (63_909_136_766, 0))
    }

    @Test func leapSecondAndRoundTrips() throws {
        #expect("\(try conv.utc(536_500_868_684_000_000))" == "2016-12-31T23:59:60.500000000")
        #expect("\(try conv.utc(536_500_869_184_000_000))" == "2017-01-01T00:00:00.000000000")
        #expect("\(try conv.utc(536_500_868_183_999_999))" == "2016-12-31T23:59:59.999999999")
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let t = Int64(bitPattern: rng.next() % 1_800_000_000_000_000_000) - 800_000_000_000_000_000
            let u = try conv.utc(t)
            #expect(try conv.tt2000(u) == t, "\(u)")
        }
        #expect(throws: CDFError.self) { try conv.tt2000(.init(2016, 12, 30, 23, 59, 60)) }
        #expect(throws: CDFError.self) { try conv.tt2000(.init(1969, 7, 20, 20, 17, 40)) }
        #expect(TT2000Converter.utc(epoch: 63_909_136_766_535.0) == .init(2025, 3, 14, 1, 59, 26, nanosecond: 535_000_000))
    }

    @Test func naifKernelParsesToTheBuiltinTable() throws {
        let path = Validators.repoRoot + "/../shared/reference/imap/spice/naif0012.tls"
        let fallback = "/work/shared/reference/imap/spice/naif0012.tls"
        let table = try LeapSecondTable(naifKernelAt: (try? String(contentsOfFile: path, encoding: .utf8)) != nil ? path : fallback)
        #expect(table == LeapSecondTable.builtin)
        #expect(table.entries.count == 28)
        #expect(table.lastUpdated == 20170101)
        #expect(table.entries.last == .init(year: 2017, month: 1, day: 1, taiMinusUTC: 37))
    }

    @Test func updatedKernelMovesLastUpdatedAndConversions() throws {
        // A hypothetical future leap second, as a newer LSK would list it.
        let text = """
        \\begindata
        DELTET/DELTA_AT = ( 10, @1972-JAN-1  11, @1972-JUL-1 12, @1973-JAN-1 13, @1974-JAN-1 14, @1975-JAN-1
                            15, @1976-JAN-1 16, @1977-JAN-1 17, @1978-JAN-1 18, @1979-JAN-1 19, @1980-JAN-1
                            20, @1981-JUL-1 21, @1982-JUL-1 22, @1983-JUL-1 23, @1985-JUL-1 24, @1988-JAN-1
                            25, @1990-JAN-1 26, @1991-JAN-1 27, @1992-JUL-1 28, @1993-JUL-1 29, @1994-JUL-1
                            30, @1996-JAN-1 31, @1997-JUL-1 32, @1999-JAN-1 33, @2006-JAN-1 34, @2009-JAN-1
                            35, @2012-JUL-1 36, @2015-JUL-1 37, @2017-JAN-1
                            38, @2030-JUL-1 )
        \\begintext
        """
        let table = try LeapSecondTable(naifKernel: text)
        #expect(table.lastUpdated == 20300701)
        let c = TT2000Converter(table: table)
        #expect(try c.tt2000(.init(2030, 7, 1)) - (try conv.tt2000(.init(2030, 7, 1))) == 1_000_000_000)
        #expect(try c.tt2000(.init(2025, 1, 1)) == 788_961_669_184_000_000)
        #expect(throws: CDFError.self) { try LeapSecondTable(naifKernel: "\\begindata\nDELTET/DELTA_AT = ( 10, @1972-FOO-1 )\n") }
        #expect(throws: CDFError.self) { try LeapSecondTable(naifKernel: "no data here") }
    }
}
