import Dataset
import Testing
@testable import Products

private typealias F = AlgorithmFixture

/// Steps that work on time: expanding samples, averages and spectrograms on day-aligned bins,
/// histograms, joins on epoch, daily statistics over several days.
@Suite struct AlgorithmTimeTests {
    static let s: Int64 = 1_000_000_000
    static let start = F.dayStart

    static func tt(_ seconds: Int64) -> Int64 { start + seconds * s }

    @Test func expandSamplesGivesOneRecordPerSample() throws {
        let t0 = Self.tt(100), t1 = Self.tt(101)
        let input = try F.dataset([
            ("epoch", try Column.tt2000([t0, t1])),
            ("VECTORS", try Column(blobs: [[1, 2], [3, 4]], width: 2)),
            ("vectors", try Column((0..<12).map { Int32($0) }, shape: [2, 3])),
            ("RANGE", try Column([UInt8(1), 2])),
            ("STATUS", try Column([UInt16(7), 8, 9, 10, 11, 12, 13, 14], shape: [4])),
            ("labels", try Column(strings: ["x", "y", "z"], width: 1, shape: [3], recordVarying: false)),
        ])
        let out = try F.run("expand_samples", F.map(1, [("variables", F.strings(["vectors"])), ("cadence", F.d(0.25)),
                                                        ("sample_index", F.s("sample"))]), on: input)
        #expect(out.variables.map(\.name) == ["epoch", "sample", "vectors", "RANGE", "labels"])
        #expect(try out["epoch"]!.column.values(as: Int64.self) == [t0, t0 + 250_000_000, t1, t1 + 250_000_000])
        let v = try #require(out["vectors"]).column
        #expect(v.shape == [3] && v.records == 4)
        #expect(try v.values(as: Int32.self) == (0..<12).map { Int32($0) })
        #expect(try out["RANGE"]!.column.values(as: UInt8.self) == [1, 1, 2, 2])
        #expect(try out["sample"]!.column.values(as: Int32.self) == [0, 1, 0, 1])
        let dropped = try F.run("expand_samples", F.map(1, [("variables", F.strings(["vectors"])), ("cadence", F.d(0.25)), ("others", F.s("drop"))]), on: input)
        #expect(dropped.variables.map(\.name) == ["epoch", "vectors", "labels"])

        let badOthers = #expect(throws: ConfigurationError.self) {
            try F.step("expand_samples", F.map(1, [("variables", F.strings(["v"])), ("cadence", F.d(1)), ("others", F.s("keep", 4))]))
        }
        #expect(badOthers?.location == F.at(4))
        let mismatch = #expect(throws: ProductError.self) {
            try F.run("expand_samples", F.map(1, [("variables", F.strings(["vectors", "STATUS"])), ("cadence", F.d(1))]), on: input)
        }
        #expect(mismatch?.message.contains("'STATUS'") == true)
    }

    /// Burst-rate packets (closer together than N * cadence) spread their samples over the spacing to
    /// the next packet; a gap, a nominal spacing and the last packet keep the configured cadence.
    @Test func expandSamplesSpreadsBurstPacketsOverTheirSpacing() throws {
        // Packets at 100 s, 100.1 s (burst: 0.1 s apart), 100.4 s, then a gap to 110 s, then 111 s.
        let t = [Self.tt(100), Self.tt(100) + 100_000_000, Self.tt(100) + 400_000_000, Self.tt(110), Self.tt(111)]
        let input = try F.dataset([
            ("epoch", try Column.tt2000(t)),
            ("v", try Column((0..<20).map { Int16($0) }, shape: [4])),
        ])
        let out = try F.run("expand_samples", F.map(1, [("variables", F.strings(["v"])), ("cadence", F.d(0.25)),
                                                        ("spread_over_spacing", F.b(true))]), on: input)
        let epochs = try out["epoch"]!.column.values(as: Int64.self)
        let q: Int64 = 250_000_000
        #expect(epochs == [
            t[0], t[0] + 25_000_000, t[0] + 50_000_000, t[0] + 75_000_000,   // 0.1 s / 4
            t[1], t[1] + 75_000_000, t[1] + 150_000_000, t[1] + 225_000_000, // 0.3 s / 4
            t[2], t[2] + q, t[2] + 2 * q, t[2] + 3 * q,                      // gap to 110 s: cadence
            t[3], t[3] + q, t[3] + 2 * q, t[3] + 3 * q,                      // exactly 4 * cadence: cadence
            t[4], t[4] + q, t[4] + 2 * q, t[4] + 3 * q,                      // last packet: cadence
        ])
        // Without the option, every packet uses the cadence (samples of bursts overlap the next packet).
        let plain = try F.run("expand_samples", F.map(1, [("variables", F.strings(["v"])), ("cadence", F.d(0.25))]), on: input)
        #expect(try plain["epoch"]!.column.values(as: Int64.self)[1] == t[0] + q)
    }

    @Test func averageOnMinuteBinsAlignedToTheDay() throws {
        let input = try F.dataset([
            ("epoch", try Column.tt2000([Self.tt(-5), Self.tt(10), Self.tt(20), Self.tt(70), Self.tt(200), Self.tt(86_400 + 3)])),
            ("x", try Column([100.0, 1, 3, 5, 7, 100])),
            ("B", try Column([Int32(0), 0, 2, 4, 6, Int32.min, 1, 1, 8, 8, 0, 0], shape: [2])),
            ("mode", try Column(strings: ["a", "b", "c", "d", "e", "f"], width: 1)),
            ("energy", try Column([10.0, 20.0], shape: [2], recordVarying: false)),
        ])
        let out = try F.run("average", F.map(1, [("cadence", F.d(60))]), on: input)
        #expect(out.variables.map(\.name) == ["epoch", "x", "B", "energy", "count"])
        // Bins 0 (10 s, 20 s), 1 (70 s), 3 (200 s); the record before the day and the one after it are left out.
        #expect(try out["epoch"]!.column.values(as: Int64.self) == [Self.tt(30), Self.tt(90), Self.tt(210)])
        #expect(out["epoch"]!.column.elementType == .tt2000)
        #expect(try F.doubles(out, "x") == [2, 5, 7])
        // B[1] of the second record is fill: the first bin's mean of B[1] is over one value.
        #expect(try F.doubles(out, "B") == [4, 4, 1, 1, 8, 8])
        #expect(try out["count"]!.column.values(as: UInt32.self) == [2, 1, 1])
        #expect(try F.doubles(out, "energy") == [10, 20])

        let chosen = try F.run("average", F.map(1, [("cadence", F.d(120)), ("variables", F.strings(["x"])), ("count", F.s("n"))]), on: input)
        #expect(chosen.variables.map(\.name) == ["epoch", "x", "energy", "n"])
        #expect(try F.doubles(chosen, "x") == [3, 7])
        #expect(try chosen["epoch"]!.column.values(as: Int64.self) == [Self.tt(60), Self.tt(180)])

        let cadence = #expect(throws: ConfigurationError.self) { try F.step("average", F.map(1, [("cadence", F.d(-1, 6))])) }
        #expect(cadence?.location == F.at(6))
        let noEpoch = #expect(throws: ProductError.self) {
            try F.run("average", F.map(1, [("cadence", F.d(60)), ("epoch", F.s("time"))]), on: input)
        }
        #expect(noEpoch?.message.contains("'time'") == true)
    }

    @Test func averageOnALeapSecondDayIncludesItsLastSecond() throws {
        // 2016-12-31 has 86401 s; 2016-12-31T23:59:60 is TT2000 536500868184000000 (NASA CDF library).
        let day = MissionDay(year: 2016, month: 12, day: 31)!
        let leap: Int64 = 536_500_868_184_000_000
        let input = try F.dataset([("epoch", try Column.tt2000([leap - Self.s, leap, leap + Self.s])), ("x", try Column([1.0, 2, 3]))])
        let out = try F.run("average", F.map(1, [("cadence", F.d(3600))]), on: input, day: day)
        // 23:59:59 and 23:59:60 are in the last hour of the day; 2017-01-01T00:00:00 is not.
        #expect(try F.doubles(out, "x") == [1.5])
        #expect(try out["count"]!.column.values(as: UInt32.self) == [2])
    }

    @Test func spectrogramAveragesOneVariableAndKeepsItsSupport() throws {
        let input = try F.dataset([
            ("epoch", try Column.tt2000([Self.tt(0), Self.tt(4), Self.tt(64)])),
            ("rates", try Column([1.0, 10, 3, 30, 5, 50], shape: [2])),
            ("energies", try Column([10.0, 20_000], shape: [2], recordVarying: false)),
            ("SWEEP", try Column([UInt16(1), 2, 3])),
        ])
        let out = try F.run("spectrogram", F.map(1, [("variable", F.s("rates")), ("support", F.s("energies")), ("cadence", F.d(60))]), on: input)
        #expect(out.variables.map(\.name) == ["epoch", "rates", "energies", "count"])
        #expect(try F.doubles(out, "rates") == [2, 20, 5, 50])
        #expect(try F.doubles(out, "energies") == [10, 20_000])
        #expect(try out["epoch"]!.column.values(as: Int64.self) == [Self.tt(30), Self.tt(90)])
        let support = #expect(throws: ProductError.self) {
            try F.run("spectrogram", F.map(1, [("variable", F.s("rates")), ("support", F.s("SWEEP")), ("cadence", F.d(60))]), on: input)
        }
        #expect(support?.message.contains("'SWEEP'") == true)

        // A support variable that varies by record is averaged with the data.
        let varying = try F.dataset([
            ("epoch", try Column.tt2000([Self.tt(0), Self.tt(4)])),
            ("rates", try Column([1.0, 10, 3, 30], shape: [2])),
            ("energy", try Column([Float(10), 20, 12, 22], shape: [2])),
        ])
        let averaged = try F.run("spectrogram", F.map(1, [("variable", F.s("rates")), ("support", F.s("energy")), ("cadence", F.d(60))]), on: varying)
        #expect(try F.doubles(averaged, "energy") == [11, 21])
        #expect(try averaged["count"]!.column.values(as: UInt32.self) == [2])
    }

    @Test func histogramCountsValuesPerInterval() throws {
        let input = try F.dataset([
            ("epoch", try Column.tt2000([Self.tt(1), Self.tt(2), Self.tt(3), Self.tt(4), Self.tt(5), Self.tt(6), Self.tt(130)])),
            ("T", try Column([0.5, 1.5, 1.5, 3.0, 9, -1e31, 2.9])),
        ])
        let out = try F.run("histogram", F.map(1, [("variable", F.s("T")), ("edges", F.numbers([0, 1, 2, 3])), ("cadence", F.d(60))]), on: input)
        #expect(out.variables.map(\.name) == ["epoch", "T_histogram", "T_histogram_centers"])
        // 3.0 is the last edge: counted in the last bin; 9 and fill are not counted.
        #expect(try out["T_histogram"]!.column.values(as: UInt32.self) == [1, 2, 1, 0, 0, 1])
        #expect(try F.doubles(out, "T_histogram_centers") == [0.5, 1.5, 2.5])
        #expect(try out["epoch"]!.column.values(as: Int64.self) == [Self.tt(30), Self.tt(150)])
        let edges = #expect(throws: ConfigurationError.self) {
            try F.step("histogram", F.map(1, [("variable", F.s("T")), ("edges", F.numbers([0, 2, 1], 3)), ("cadence", F.d(60))]))
        }
        #expect(edges?.location == F.at(3))
    }

    @Test func joinNearestWithinToleranceAndExact() throws {
        let left = try F.dataset([("epoch", try Column.tt2000([Self.tt(0), Self.tt(10), Self.tt(20), Self.tt(30)])), ("B", try Column([1.0, 2, 3, 4]))])
        // The other input is out of time order on purpose.
        let right = try F.dataset([
            ("epoch", try Column.tt2000([Self.tt(21), Self.tt(9), Self.tt(50)])),
            ("rate", try Column([2.0, 1, 3])),
            ("counts", try Column([UInt32(20), 21, 10, 11, 30, 31], shape: [2])),
            ("energies", try Column([5.0, 6], shape: [2], recordVarying: false)),
        ])
        let out = try F.run("join", F.map(1, [("input", F.s("spec")), ("tolerance", F.d(2)), ("prefix", F.s("spec_"))]), on: left, inputs: ["spec": right])
        #expect(out.variables.map(\.name) == ["epoch", "B", "spec_rate", "spec_counts", "spec_energies"])
        #expect(try F.doubles(out, "spec_rate") == [-1e31, 1, 2, -1e31])
        #expect(try out["spec_counts"]!.column.values(as: UInt32.self) == [.max, .max, 10, 11, 20, 21, .max, .max])
        #expect(try F.doubles(out, "spec_energies") == [5, 6])
        #expect(try out["epoch"]!.column.values(as: Int64.self) == [Self.tt(0), Self.tt(10), Self.tt(20), Self.tt(30)])

        let wide = try F.run("join", F.map(1, [("input", F.s("spec")), ("tolerance", F.d(10)), ("variables", F.strings(["rate"]))]), on: left, inputs: ["spec": right])
        #expect(wide.variables.map(\.name) == ["epoch", "B", "rate"])
        #expect(try F.doubles(wide, "rate") == [1, 1, 2, 2])

        let exactLeft = try F.dataset([("epoch", try Column.tt2000([Self.tt(9), Self.tt(10), Self.tt(50)]))])
        let exact = try F.run("join", F.map(1, [("input", F.s("spec")), ("mode", F.s("exact")), ("variables", F.strings(["rate"]))]), on: exactLeft, inputs: ["spec": right])
        #expect(try F.doubles(exact, "rate") == [1, -1e31, 3])

        let absent = #expect(throws: ProductError.self) {
            try F.run("join", F.map(1, [("input", F.s("mag"))]), on: left, inputs: ["spec": right])
        }
        #expect(absent?.message.contains("'mag'") == true)
        let clash = #expect(throws: ProductError.self) {
            try F.run("join", F.map(1, [("input", F.s("spec")), ("variables", F.strings(["rate"]))]), on: wide, inputs: ["spec": right])
        }
        #expect(clash?.message.contains("'rate'") == true)
        let missing = #expect(throws: ProductError.self) {
            try F.run("join", F.map(1, [("input", F.s("spec")), ("variables", F.strings(["flux"]))]), on: left, inputs: ["spec": right])
        }
        #expect(missing?.message.contains("'flux'") == true)
        let tolerance = #expect(throws: ConfigurationError.self) {
            try F.step("join", F.map(1, [("input", F.s("spec")), ("mode", F.s("exact")), ("tolerance", F.d(1, 8))]))
        }
        #expect(tolerance?.location == F.at(8))
    }

    @Test func dailyStatisticsOverSeveralDays() throws {
        let day = F.dayStart, previous = F.dayStart - 86_400 * Self.s
        let today = try F.dataset([("epoch", try Column.tt2000([day + 3600 * Self.s, day + 7200 * Self.s])), ("T", try Column([1.0, 3])),
                                   ("V", try Column([UInt16(10), 20]))])
        let yesterday = try F.dataset([("epoch", try Column.tt2000([previous, previous + 60 * Self.s, previous + 86_399 * Self.s])),
                                       ("T", try Column([5.0, 7, 9])), ("V", try Column([UInt16(1), 2, 6]))])
        let out = try F.run("daily_statistics", F.map(1, [("variables", F.strings(["T", "V"])), ("inputs", F.strings(["hk[-1]", "hk[-2]"]))]),
                            on: today, inputs: ["hk[-1]": yesterday])
        #expect(out.variables.map(\.name) == ["epoch", "T_mean", "T_min", "T_max", "V_mean", "V_min", "V_max", "count"])
        #expect(try out["epoch"]!.column.values(as: Int64.self) == [previous + 43_200 * Self.s, day + 43_200 * Self.s])
        #expect(try F.doubles(out, "T_mean") == [7, 2])
        #expect(try F.doubles(out, "T_min") == [5, 1])
        #expect(try F.doubles(out, "T_max") == [9, 3])
        #expect(try F.doubles(out, "V_mean") == [3, 15])
        #expect(try out["count"]!.column.values(as: UInt32.self) == [3, 2])
        let missing = #expect(throws: ProductError.self) {
            try F.run("daily_statistics", F.map(1, [("variables", F.strings(["T", "P"]))]), on: today)
        }
        #expect(missing?.message.contains("'P'") == true)
    }
}
