import Dataset

/// Datasets the FITS and HDF5 tests write: every element type with its extreme values, vectors,
/// multi-dimensional records, text and bytes, a non-record-varying support variable, and attributes
/// of every kind. Values are deterministic functions of the record number.
public enum SampleDatasets {
    /// Every numeric type at its limits (and NaN, infinities, -0, subnormals for floats), TT2000 times,
    /// text (scalars and arrays), bytes (scalars and arrays), vectors and matrices per record, plus a
    /// support variable.
    public static func everyType(records n: Int) throws -> Dataset {
        var ds = Dataset(attributes: [
            "Project": .string("Downlink test"),
            "Logical_source": .string("dl_test_l1_every-type"),
            "TEXT": .string(String(repeating: "A long description that needs CONTINUE cards in FITS. ", count: 4)),
            "Data_version": .int32([7]),
            "Big_unsigned": .uint64([UInt64.max]),
            "Pi": .float64([Double.pi]),
            "Third": .float32([1.0 / 3.0]),
            "Edges": .int16([-32768, 0, 32767]),
            "HISTORY": .text(["written by the Downlink tests", "second history line"]),
        ])
        func ints<T: FixedWidthInteger>(_: T.Type) -> [T] {
            (0..<n).map { i in
                switch i % 5 {
                case 0: T.min
                case 1: T.max
                case 2: 0
                case 3: T(truncatingIfNeeded: i &* 2654435761)
                default: T(truncatingIfNeeded: -i)
                }
            }
        }
        let specials32: [Float] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.5]
        let specials64: [Double] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -2.25]
        let t0: Int64 = 788961669184000000   // 2025-01-01T00:00:00 UTC in TT2000
        try ds.add("epoch", .tt2000((0..<n).map { t0 + Int64($0) * 1_000_000_000 }),
                   attributes: ["CATDESC": .string("Time of the record (TT2000)"), "FILLVAL": .tt2000([Int64.min])])
        try ds.add("i8", Column(ints(Int8.self)), attributes: ["UNITS": .string("counts"), "DEPEND_0": .string("epoch")])
        try ds.add("u8", Column(ints(UInt8.self)), attributes: ["FILLVAL": .uint8([255])])
        try ds.add("i16", Column(ints(Int16.self)), attributes: ["FILLVAL": .int16([-32768]), "FORMAT": .string("I6")])
        try ds.add("u16", Column(ints(UInt16.self)))
        try ds.add("i32", Column(ints(Int32.self)), attributes: ["VALIDMIN": .int32([-5]), "VALIDMAX": .int32([5])])
        try ds.add("u32", Column(ints(UInt32.self)))
        try ds.add("i64", Column(ints(Int64.self)))
        try ds.add("u64", Column(ints(UInt64.self)), attributes: ["FILLVAL": .uint64([UInt64.max])])
        try ds.add("f32", Column((0..<n).map { specials32[$0 % specials32.count] * ($0 % 2 == 0 ? 1 : Float($0)) }),
                   attributes: ["UNITS": .string("nT"), "FORMAT": .string("E12.5"), "FILLVAL": .float32([-1e31])])
        try ds.add("f64", Column((0..<n).map { specials64[$0 % specials64.count] + ($0 % 3 == 0 ? 0 : Double($0) / 7) }),
                   attributes: ["long attribute name for a HIERARCH card": .string("yes"),
                                "VAR_NOTES": .string(String(repeating: "Notes long enough for CONTINUE cards. ", count: 5))])
        try ds.add("label", Column(strings: (0..<n).map { "rec \($0 % 1000)" }, width: 12))
        try ds.add("vec3", Column((0..<(n * 3)).map { Float($0) * 0.25 - 7 }, shape: [3]), dimensions: ["component"],
                   attributes: ["UNITS": .string("km/s")])
        try ds.add("matrix", Column((0..<(n * 6)).map { UInt16(truncatingIfNeeded: $0 &* 40503) }, shape: [2, 3]),
                   dimensions: ["row", "column"])
        try ds.add("raw", Column(blobs: (0..<(n * 2)).map { i in (0..<4).map { UInt8(truncatingIfNeeded: i &* 31 &+ $0) } },
                                 width: 4, shape: [2]), dimensions: ["pair"])
        try ds.add("tags", Column(strings: (0..<(n * 2)).map { ["alpha", "b", "", "gamma!"][$0 % 4] }, width: 6, shape: [2]),
                   dimensions: ["tag"])
        try ds.add("crc", Column(blobs: (0..<n).map { i in (0..<4).map { UInt8(truncatingIfNeeded: i >> (8 * $0)) } }, width: 4))
        try ds.add("energy", Column([Float](arrayLiteral: 1, 2.5, 10, 100, 1000), shape: [5], recordVarying: false),
                   dimensions: ["energy_bin"], attributes: ["UNITS": .string("eV")])
        try ds.add("scale_factor", Column([Double(0.125)], recordVarying: false), attributes: ["UNITS": .string("1")])
        return ds
    }

    /// A spectrogram (records x energy bins, uint32), a 3-D map (records x 4 x 3, float64) and a
    /// non-record-varying 2-D map (int16): the products written as image extensions.
    public static func images(records n: Int) throws -> Dataset {
        var ds = Dataset(attributes: ["Project": .string("Downlink images")])
        try ds.add("epoch", .tt2000((0..<n).map { 788961669184000000 + Int64($0) }))
        try ds.add("spectrogram", Column((0..<(n * 8)).map { UInt32($0) &* 2246822519 }, shape: [8]),
                   dimensions: ["energy"], attributes: ["UNITS": .string("counts/s")])
        try ds.add("cube", Column((0..<(n * 12)).map { Double($0).squareRoot() - 3 }, shape: [4, 3]), dimensions: ["y", "x"])
        try ds.add("map", Column((0..<20).map { Int16($0 * 1000 - 9000) }, shape: [4, 5], recordVarying: false),
                   dimensions: ["lat", "lon"])
        try ds.add("signed_bytes", Column((0..<(n * 2)).map { Int8(truncatingIfNeeded: $0 * 37) }, shape: [2]), dimensions: ["two"])
        return ds
    }

    /// Shapes at the edges: one record, a per-record vector of length 0 and a uint64 vector.
    public static func edgeShapes() throws -> Dataset {
        var ds = Dataset(attributes: ["Logical_source": .string("edge")])
        try ds.add("t", .tt2000([42]))
        try ds.add("nothing", Column.make(type: .float32, records: 1, shape: [0]), dimensions: ["none"])
        try ds.add("one", Column([UInt64(7), 8, 9], shape: [3]), dimensions: ["three"])
        return ds
    }
}
