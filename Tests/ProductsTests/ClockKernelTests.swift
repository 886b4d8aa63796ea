import Products
import Testing

/// SPICE text kernel and SCLK parsing: values as the kernel pool holds them, and every malformed
/// kernel rejected with file:line.
@Suite struct ClockKernelTests {
    static let sclk = """
    Comment text, ignored.
    \\begindata
    SCLK_KERNEL_ID           = ( @2009-07-09T12:20:32 )
    SCLK_DATA_TYPE_43        = ( 1 )
    SCLK01_TIME_SYSTEM_43    = ( 2 )
    SCLK01_N_FIELDS_43       = ( 2 )
    SCLK01_MODULI_43         = ( 4294967296 50000 )
    SCLK01_OFFSETS_43        = ( 0 0 )
    SCLK_PARTITION_START_43  = ( 0.0D0 )
    SCLK_PARTITION_END_43    = ( 2.14748364799999D+14 )
    \\begintext
    More comments.
    \\begindata
    SCLK01_COEFFICIENTS_43   = (
          0     @01-JAN-2010-00:01:06.184000     1.00000000000
          50000000  @2010-01-01T00:17:46.184  1.0 )
    NAME_WITH_STRING = 'it''s'
    NAME_WITH_STRING += ( 'more' )
    """

    @Test func readsValuesAndDates() throws {
        let k = try TextKernel(text: Self.sclk, file: "x.tsc")
        #expect(k.variables["NAME_WITH_STRING"]?.values == [.string("it's"), .string("more")])
        #expect(k.variables["SCLK01_COEFFICIENTS_43"]?.line == 14)
        let c = try k.numbers("SCLK01_COEFFICIENTS_43", count: 6)
        // 2010-01-01T00:01:06.184 formal: 3653 days * 86400 + 66.184 - 43200 seconds past J2000.
        #expect(c[1] == 315_576_066.184)
        #expect(c[4] == 315_576_066.184 + 1000)
        #expect(try k.numbers("SCLK_PARTITION_END_43") == [214_748_364_799_999])
        // Before J2000, with a fraction: 1999-12-31T23:59:59.25 is -43200.75 s.
        let before = try TextKernel(text: "\\begindata\nA = @1999-12-31T23:59:59.25\n", file: "y")
        #expect(try before.numbers("A") == [-43_200.75])
        let clock = try SCLKKernel(kernel: k)
        #expect(clock.spacecraft == -43 && clock.coefficients.count == 2 && clock.ticksPerSecond == 50_000)
    }

    static func error(_ text: String, spacecraft: Int? = nil) -> String? {
        do {
            _ = try SCLKKernel(kernel: TextKernel(text: text, file: "bad.tsc"), spacecraft: spacecraft)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func malformedKernelsNameFileAndLine() {
        func replacing(_ a: String, _ b: String) -> String { Self.sclk.replacingOccurrences(of: a, with: b) }
        #expect(Self.error(replacing("( 4294967296 50000 )", "( 4294967296 5x000 )")) == "bad.tsc:7: cannot read the number '5x000' in SCLK01_MODULI_43")
        #expect(Self.error(replacing("( 4294967296 50000 )", "( 4294967296 )")) == "bad.tsc:7: SCLK01_MODULI_43 must hold 2 value(s), found 1")
        #expect(Self.error(replacing("@01-JAN-2010-00:01:06.184000", "@01-FOO-2010")) == "bad.tsc:15: cannot read the date '@01-FOO-2010' in SCLK01_COEFFICIENTS_43")
        #expect(Self.error(replacing("1.0 )", "1.0 7 )"))?.hasPrefix("bad.tsc:14: SCLK01_COEFFICIENTS_43 must hold triples") == true)
        #expect(Self.error(replacing("1.0 )", "0.0 )"))?.hasPrefix("bad.tsc:14: coefficient triple 2 has rate 0.0") == true)
        #expect(Self.error(replacing("( 2 )\nSCLK01_N", "( 3 )\nSCLK01_N")) == "bad.tsc:5: SCLK01_TIME_SYSTEM_43 must be 1 (TDB) or 2 (TDT), found 3.0")
        #expect(Self.error(replacing("SCLK_DATA_TYPE_43        = ( 1 )", "SCLK_DATA_TYPE_43        = ( 2 )")) == "bad.tsc:4: SCLK type 2.0 is not supported (only type 1)")
        #expect(Self.error(replacing("SCLK01_OFFSETS_43        = ( 0 0 )", "")) == "bad.tsc: the kernel does not define SCLK01_OFFSETS_43")
        #expect(Self.error(replacing("= ( 1 )", "( 1 )")) == "bad.tsc:4: expected '=' or '+=' after SCLK_DATA_TYPE_43, found '('")
        #expect(Self.error(replacing("'it''s'", "'it''s")) == "bad.tsc:17: unterminated string")
        #expect(Self.error(replacing("1.0 )", "1.0")) == "bad.tsc:17: cannot read the number 'NAME_WITH_STRING' in SCLK01_COEFFICIENTS_43")
        #expect(Self.error("\\begindata\nA = ( 1 2\n") == "bad.tsc:2: assignment of A is not finished at the end of the file")
        #expect(Self.error(Self.sclk, spacecraft: -99)?.hasPrefix("bad.tsc: no clock for spacecraft -99") == true)
        #expect(Self.error("no data at all") == "bad.tsc: no \\begindata section: not a SPICE text kernel")
    }
}
