import Dataset
import Foundation
import Testing
@testable import Products

/// A linear test clock: TT2000 = 1e12 ns + MET seconds (so expected epochs are easy to write).
struct AlgorithmTestClock: MissionClock {
    static let base: Int64 = 1_000_000_000_000
    func tt2000(met: Double) -> Int64 {
        let seconds = met.rounded(.down)
        return Self.base + Int64(seconds) * 1_000_000_000 + Int64(((met - seconds) * 1e9).rounded())
    }
}

/// Builds recipe parameters with file and line, runs steps from `AlgorithmLibrary.standard`, and
/// writes table files into a fresh temporary mission directory.
enum AlgorithmFixture {
    static let file = "mission.yaml"
    /// 2025-01-01T00:00:00 UTC in TT2000 (FIELD-NOTES §3, from the NASA CDF library).
    static let day = MissionDay(year: 2025, month: 1, day: 1)!
    static let dayStart: Int64 = 788_961_669_184_000_000

    static func at(_ line: Int) -> ConfigLocation { ConfigLocation(file: file, line: line) }
    static func s(_ v: String, _ line: Int = 0) -> ConfigValue { ConfigValue(.string(v), at: at(line)) }
    static func i(_ v: Int, _ line: Int = 0) -> ConfigValue { ConfigValue(.int(v), at: at(line)) }
    static func d(_ v: Double, _ line: Int = 0) -> ConfigValue { ConfigValue(.double(v), at: at(line)) }
    static func b(_ v: Bool, _ line: Int = 0) -> ConfigValue { ConfigValue(.bool(v), at: at(line)) }
    static func list(_ v: [ConfigValue], _ line: Int = 0) -> ConfigValue { ConfigValue(.list(v), at: at(line)) }
    static func strings(_ v: [String], _ line: Int = 0) -> ConfigValue { list(v.map { s($0, line) }, line) }
    static func numbers(_ v: [Double], _ line: Int = 0) -> ConfigValue { list(v.map { d($0, line) }, line) }
    static func map(_ line: Int, _ entries: [(String, ConfigValue)]) -> ConfigValue {
        ConfigValue(.map(entries.map { (key: $0.0, value: $0.1) }), at: at(line))
    }

    static func step(_ name: String, _ parameters: ConfigValue, missionDirectory: String = "/nonexistent") throws -> any ProductAlgorithm {
        let factory = try #require(AlgorithmLibrary.standard.factory(named: name))
        return try factory(parameters, missionDirectory)
    }

    static func context(inputs: [String: Dataset] = [:], day: MissionDay = day) -> AlgorithmContext {
        AlgorithmContext(product: "demo_l1b_test", day: day, clock: AlgorithmTestClock(), inputs: inputs, missionDirectory: "/nonexistent")
    }

    static func run(_ name: String, _ parameters: ConfigValue, on input: Dataset, inputs: [String: Dataset] = [:],
                    missionDirectory: String = "/nonexistent", day: MissionDay = day) throws -> Dataset {
        try step(name, parameters, missionDirectory: missionDirectory).apply(input, context: context(inputs: inputs, day: day))
    }

    static func dataset(_ variables: [(String, Column)]) throws -> Dataset {
        var ds = Dataset(attributes: ["Project": .string("test")])
        for (n, c) in variables { try ds.add(n, c) }
        return ds
    }

    /// A new empty folder under the system's temporary directory.
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "downlink-algorithms-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func doubles(_ ds: Dataset, _ name: String) throws -> [Double] {
        try #require(ds[name]).column.values(as: Double.self)
    }

    /// Packs values MSB-first through a string of '0'/'1' characters (independent of the step's
    /// word-wise reader), zero-padding the end to whole bytes.
    static func pack(_ values: [Int64], bits: Int, leadingBits: Int = 0, totalBytes: Int? = nil) -> [UInt8] {
        var text = String(repeating: "0", count: leadingBits)
        for v in values {
            let pattern = UInt64(bitPattern: v) & (bits == 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1)
            let binary = String(pattern, radix: 2)
            text += String(repeating: "0", count: bits - binary.count) + binary
        }
        let bytes = totalBytes ?? (text.count + 7) / 8
        text += String(repeating: "0", count: bytes * 8 - text.count)
        let chars = Array(text)
        return (0..<bytes).map { UInt8(String(chars[($0 * 8)..<($0 * 8 + 8)]), radix: 2)! }
    }
}

private typealias F = AlgorithmFixture

@Suite struct AlgorithmTests {
    @Test func standardLibraryHasEveryDocumentedStep() {
        let expected = ["average", "daily_statistics", "decompress", "divide", "epoch", "expand_samples", "histogram",
                        "join", "magnitude", "polynomial", "rename", "scale_by_index", "select", "spectrogram",
                        "unpack", "xtce_calibrate"]
        #expect(AlgorithmLibrary.standard.names == expected)
        // Every registered step has a row in the README table the recipe writers read.
        let readme = (try? String(contentsOfFile: #filePath.replacingOccurrences(
            of: "Tests/ProductsTests/AlgorithmTests.swift", with: "Sources/Products/Algorithms/README.md"), encoding: .utf8)) ?? ""
        for name in expected { #expect(readme.contains("| `\(name)` |"), "README lacks \(name)") }
    }

    // MARK: epoch

    @Test func epochFromCoarseAndFineThroughTheClock() throws {
        let input = try F.dataset([
            ("SHCOARSE", try Column([UInt32(100), 101, 4_000_000_000])),
            ("SHFINE", try Column([UInt16(0), 32768, 16384])),
        ])
        let out = try F.run("epoch", F.map(1, [("coarse", F.s("SHCOARSE")), ("fine", F.s("SHFINE")), ("fine_scale", F.i(65536))]), on: input)
        #expect(out.variables.map(\.name) == ["epoch", "SHCOARSE", "SHFINE"])
        let epoch = try #require(out["epoch"])
        #expect(epoch.column.elementType == .tt2000)
        #expect(try epoch.column.values(as: Int64.self) == [
            1_000_000_000_000 + 100_000_000_000, 1_000_000_000_000 + 101_500_000_000, 1_000_000_000_000 + 4_000_000_000_250_000_000 as Int64,
        ])
        // Coarse only, own name.
        let coarse = try F.run("epoch", F.map(1, [("coarse", F.s("SHCOARSE")), ("name", F.s("t"))]), on: input)
        #expect(try coarse["t"]!.column.values(as: Int64.self)[1] == 1_000_000_000_000 + 101_000_000_000)
    }

    @Test func epochParameterAndDataErrors() throws {
        let missing = #expect(throws: ConfigurationError.self) { try F.step("epoch", F.map(4, [("fine", F.s("SHFINE", 5))])) }
        #expect(missing?.location == F.at(4))
        #expect(missing?.message.contains("coarse") == true)
        let unknown = #expect(throws: ConfigurationError.self) {
            try F.step("epoch", F.map(4, [("coarse", F.s("C", 5)), ("fien", F.s("F", 6))]))
        }
        #expect(unknown?.location == F.at(6))
        #expect(unknown?.message.contains("unknown parameter 'fien'") == true)
        let wrongType = #expect(throws: ConfigurationError.self) {
            try F.step("epoch", F.map(4, [("coarse", F.s("C", 5)), ("fine_scale", F.s("lots", 7))]))
        }
        #expect(wrongType?.location == F.at(7))
        #expect(wrongType?.description == "mission.yaml:7: parameter 'fine_scale' of step 'epoch' must be a number")

        let input = try F.dataset([("SHCOARSE", try Column([UInt32(1)]))])
        let data = #expect(throws: ProductError.self) {
            try F.run("epoch", F.map(1, [("coarse", F.s("SHCOARSE")), ("fine", F.s("SHFINE"))]), on: input)
        }
        #expect(data?.product == "demo_l1b_test")
        #expect(data?.message.contains("'SHFINE'") == true)
    }

    // MARK: unpack

    @Test func unpacksTwentyBitSignedValuesAtKnownBitPositions() throws {
        // 0x12345 then -2 (0xFFFFE) in 20 bits each: 0001 0010 0011 0100 0101 | 1111 1111 1111 1111 1110.
        let blob: [UInt8] = [0x12, 0x34, 0x5F, 0xFF, 0xFE]
        let input = try F.dataset([("VECTORS", try Column(blobs: [blob, [0x80, 0, 0x07, 0xFF, 0xFF]], width: 5))])
        let signed = try F.run("unpack", F.map(1, [("field", F.s("VECTORS")), ("bits", F.i(20)), ("signed", F.b(true)),
                                                   ("shape", F.list([F.i(2)])), ("name", F.s("vectors"))]), on: input)
        let v = try #require(signed["vectors"])
        #expect(v.column.elementType == .int32)
        #expect(v.column.shape == [2])
        // Second record: 1000 0000 0000 0000 0000 = -524288, 0111 1111 1111 1111 1111 = 524287.
        #expect(try v.column.values(as: Int32.self) == [74565, -2, -524288, 524287])
        #expect(signed.variables.map(\.name) == ["VECTORS", "vectors"])
        let unsigned = try F.run("unpack", F.map(1, [("field", F.s("VECTORS")), ("bits", F.i(20)), ("shape", F.list([F.i(2)]))]), on: input)
        #expect(unsigned.variables.map(\.name) == ["VECTORS"])
        #expect(try unsigned["VECTORS"]!.column.values(as: Int32.self) == [74565, 1_048_574, 524_288, 524_287])
        // 3-bit fields after a 2-bit offset: 10|101 110 0|11 000 000 -> 5, 6, 3, 0.
        let small = try F.dataset([("B", try Column(blobs: [[0b1010_1110, 0b0110_0000]], width: 2))])
        let three = try F.run("unpack", F.map(1, [("field", F.s("B")), ("bits", F.i(3)), ("offset_bits", F.i(2)), ("shape", F.list([F.i(4)]))]), on: small)
        #expect(try three["B"]!.column.values(as: Int32.self) == [5, 6, 3, 0])
    }

    @Test(arguments: [1, 7, 12, 20, 31, 32, 33, 48, 57, 58, 63, 64])
    func unpackMatchesAnIndependentPackerForEveryWidth(bits: Int) throws {
        var generator = SystemRandomNumberGenerator()
        for signed in [false, true] {
            let perRecord = 16 * 3
            let records = 5
            var expected: [Int64] = []
            var blobs: [[UInt8]] = []
            let width = (perRecord * bits + 7) / 8
            for _ in 0..<records {
                let values: [Int64] = (0..<perRecord).map { _ in
                    let pattern = bits == 64 ? generator.next() : generator.next() & ((UInt64(1) << UInt64(bits)) - 1)
                    if signed && bits < 64 && pattern >> UInt64(bits - 1) == 1 { return Int64(bitPattern: pattern) &- (Int64(1) &<< Int64(bits)) }
                    return Int64(bitPattern: pattern)
                }
                expected += values
                blobs.append(F.pack(values, bits: bits, totalBytes: width))
            }
            let input = try F.dataset([("F", try Column(blobs: blobs, width: width))])
            let out = try F.run("unpack", F.map(1, [("field", F.s("F")), ("bits", F.i(bits)), ("signed", F.b(signed)),
                                                    ("shape", F.list([F.i(16), F.i(3)]))]), on: input)
            let column = try #require(out["F"]).column
            #expect(column.shape == [16, 3])
            if bits < 32 || (bits == 32 && signed) {
                #expect(column.elementType == .int32)
                #expect(try column.values(as: Int32.self).map(Int64.init) == expected)
            } else {
                #expect(column.elementType == .int64)
                #expect(try column.values(as: Int64.self) == expected)
            }
        }
    }

    @Test func unpackErrors() throws {
        let bits = #expect(throws: ConfigurationError.self) {
            try F.step("unpack", F.map(2, [("field", F.s("V")), ("bits", F.i(65, 3)), ("shape", F.list([F.i(2)]))]))
        }
        #expect(bits?.location == F.at(3))
        let shape = #expect(throws: ConfigurationError.self) { try F.step("unpack", F.map(2, [("field", F.s("V")), ("bits", F.i(8))])) }
        #expect(shape?.location == F.at(2))
        let input = try F.dataset([("V", try Column(blobs: [[1, 2]], width: 2)), ("N", try Column([Int32(1)]))])
        let tooShort = #expect(throws: ProductError.self) {
            try F.run("unpack", F.map(1, [("field", F.s("V")), ("bits", F.i(12)), ("shape", F.list([F.i(2)]))]), on: input)
        }
        #expect(tooShort?.message.contains("'V'") == true)
        let notBinary = #expect(throws: ProductError.self) {
            try F.run("unpack", F.map(1, [("field", F.s("N")), ("bits", F.i(12)), ("shape", F.list([F.i(1)]))]), on: input)
        }
        #expect(notBinary?.message.contains("'N'") == true)
    }

    // MARK: polynomial, divide, magnitude, select, rename

    @Test func polynomialOfAnyShape() throws {
        let input = try F.dataset([("X", try Column([Int16(-2), 0, 3, 10], shape: [2]))])
        let out = try F.run("polynomial", F.map(1, [("variable", F.s("X")), ("coefficients", F.numbers([1, 2, 0.5])), ("name", F.s("Y"))]), on: input)
        // 1 + 2x + x^2/2
        #expect(try F.doubles(out, "Y") == [-1, 1, 11.5, 71])
        #expect(out["Y"]!.column.shape == [2])
        let coefficients = #expect(throws: ConfigurationError.self) {
            try F.step("polynomial", F.map(1, [("variable", F.s("X")), ("coefficients", F.list([F.d(1), F.s("two", 9)], 8))]))
        }
        #expect(coefficients?.location == F.at(9))
    }

    @Test func divideByAPerRecordScaledDivisor() throws {
        let input = try F.dataset([
            ("COUNTS", try Column([UInt32(10), 20, 30, 4, 6, 9, 1, 2, 3], shape: [3])),
            ("ACCUM_MS", try Column([UInt16(100), 0, 250])),
        ])
        let out = try F.run("divide", F.map(1, [("variable", F.s("COUNTS")), ("by", F.s("ACCUM_MS")), ("scale", F.d(0.001)), ("name", F.s("RATES"))]), on: input)
        let rates = try F.doubles(out, "RATES")
        let expected: [Double] = [100, 200, 300, -1e31, -1e31, -1e31, 4, 8, 12]
        for (a, e) in zip(rates, expected) { #expect(Swift.abs(a - e) <= 1e-9 * Swift.abs(e)) }
        let missing = #expect(throws: ProductError.self) {
            try F.run("divide", F.map(1, [("variable", F.s("COUNTS")), ("by", F.s("ACCUM"))]), on: input)
        }
        #expect(missing?.message.contains("'ACCUM'") == true)
    }

    @Test func magnitudeOfVectorsWithFill() throws {
        let input = try F.dataset([("B", try Column([3.0, 4, 12, 1, -2, 2, -1e31, 1, 1], shape: [3]))])
        let out = try F.run("magnitude", F.map(1, [("variable", F.s("B"))]), on: input)
        #expect(try F.doubles(out, "B_magnitude") == [13, 3, -1e31])
        #expect(out["B_magnitude"]!.column.shape == [])
        let scalar = try F.dataset([("T", try Column([1.0]))])
        let e = #expect(throws: ProductError.self) { try F.run("magnitude", F.map(1, [("variable", F.s("T"))]), on: scalar) }
        #expect(e?.message.contains("'T'") == true)
    }

    @Test func selectAndRename() throws {
        let input = try F.dataset([("a", try Column([1.0])), ("b", try Column([Int32(2)])), ("c", try Column([UInt8(3)]))])
        let kept = try F.run("select", F.map(1, [("keep", F.strings(["c", "a"]))]), on: input)
        #expect(kept.variables.map(\.name) == ["a", "c"])
        #expect(kept.attributes == input.attributes)
        let dropped = try F.run("select", F.map(1, [("drop", F.strings(["a"]))]), on: input)
        #expect(dropped.variables.map(\.name) == ["b", "c"])
        let both = #expect(throws: ConfigurationError.self) {
            try F.step("select", F.map(3, [("keep", F.strings(["a"])), ("drop", F.strings(["b"]))]))
        }
        #expect(both?.location == F.at(3))
        let absent = #expect(throws: ProductError.self) { try F.run("select", F.map(1, [("keep", F.strings(["zz"]))]), on: input) }
        #expect(absent?.message.contains("'zz'") == true)

        let renamed = try F.run("rename", F.map(1, [("b", F.s("B_nT")), ("a", F.s("alpha"))]), on: input)
        #expect(renamed.variables.map(\.name) == ["alpha", "B_nT", "c"])
        #expect(try renamed["B_nT"]!.column.values(as: Int32.self) == [2])
        let taken = #expect(throws: ProductError.self) { try F.run("rename", F.map(1, [("a", F.s("c"))]), on: input) }
        #expect(taken?.message.contains("'c'") == true)
        let notString = #expect(throws: ConfigurationError.self) { try F.step("rename", F.map(1, [("a", F.i(3, 12))])) }
        #expect(notString?.location == F.at(12))
    }
}
