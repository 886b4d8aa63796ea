import Dataset
import Foundation
import Testing
@testable import CDF

/// Bad input is a typed error before anything is created, never a corrupt or partial file.
@Suite struct WriterErrorTests {
    func expectNoFile(_ dir: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no output or temporary file", sourceLocation: sourceLocation)
    }

    @Test func uint64WithoutMappingIsRefused() throws {
        let dir = try makeTemporaryDirectory("err-u64")
        var ds = Dataset()
        try ds.add("big", try Column([UInt64](arrayLiteral: 1, 2, 3)))
        #expect { try CDFWriter().write(ds, to: dir + "/x.cdf") } throws: { e in
            guard case CDFError.unsupportedElementType(let v, .uint64, let hint) = e else { return false }
            return v == "big" && hint.contains("int8Checked") && "\(e)".contains("CDF has no unsigned 64-bit type")
        }
        try expectNoFile(dir)
        // With the mapping, a value above Int64.max is refused, not wrapped.
        var ds2 = Dataset()
        try ds2.add("big", try Column([UInt64](arrayLiteral: 1, UInt64(Int64.max) + 1)))
        let opts = CDFWriteOptions(variables: ["big": CDFVariableOptions(uint64: .int8Checked)])
        #expect { try CDFWriter(options: opts).write(ds2, to: dir + "/x.cdf") } throws: { e in
            guard case CDFError.valueOutOfRange(let v, let i, _) = e else { return false }
            return v == "big" && i == 1
        }
        try expectNoFile(dir)
    }

    @Test func attributeOfTheWrongTypeIsRefused() throws {
        let dir = try makeTemporaryDirectory("err-attr")
        var ds = Dataset()
        try ds.add("x", try Column([Float](arrayLiteral: 1, 2)), attributes: ["FILLVAL": .float64([-1e31])])
        #expect { try CDFWriter().write(ds, to: dir + "/x.cdf") } throws: { e in
            guard case CDFError.attributeTypeMismatch(let v, let a, _, let actual) = e else { return false }
            return v == "x" && a == "FILLVAL" && actual == "float64"
                && "\(e)" == "CDF: attribute FILLVAL of variable 'x' is float64; it must be float32 (the variable's CDF_REAL4)"
        }
        var ds2 = Dataset()
        try ds2.add("x", try Column([Int16](arrayLiteral: 1)), attributes: ["VALIDMAX": .text(["10"])])
        #expect(throws: CDFError.self) { try CDFWriter().write(ds2, to: dir + "/x.cdf") }
        var ds3 = Dataset(attributes: ["Big": .uint64([1])])
        try ds3.add("x", try Column([Int16](arrayLiteral: 1)))
        #expect { try CDFWriter().write(ds3, to: dir + "/x.cdf") } throws: { e in
            guard case CDFError.unmappableAttribute(let a, _) = e else { return false }
            return a == "Big"
        }
        try expectNoFile(dir)
    }

    @Test func emptyNamesAndConflictsAreRefused() throws {
        let dir = try makeTemporaryDirectory("err-names")
        // The Dataset itself refuses an empty variable name.
        var ds = Dataset()
        #expect(throws: DatasetError.emptyName(what: "a variable")) { try ds.add("", try Column([Int8](arrayLiteral: 1))) }
        // Empty attribute names, global or variable.
        var g = Dataset(attributes: ["": .string("x")])
        try g.add("v", try Column([Int8](arrayLiteral: 1)))
        #expect { try CDFWriter().write(g, to: dir + "/x.cdf") } throws: { e in
            guard case CDFError.emptyName = e else { return false }; return true
        }
        // The same name as global and variable attribute.
        var c = Dataset(attributes: ["UNITS": .string("x")])
        try c.add("v", try Column([Int8](arrayLiteral: 1)), attributes: ["UNITS": .string("nT")])
        #expect { try CDFWriter().write(c, to: dir + "/x.cdf") } throws: { e in
            guard case CDFError.attributeScopeConflict("UNITS") = e else { return false }; return true
        }
        // Options for a variable that does not exist, invalid type mappings, bad sparse records.
        var d = Dataset()
        try d.add("v", try Column([Int16](arrayLiteral: 1, 2, 3)))
        #expect(throws: CDFError.self) { try CDFWriter(options: .init(variables: ["w": .init()])).write(d, to: dir + "/x.cdf") }
        #expect { try CDFWriter(options: .init(variables: ["v": .init(dataType: .real4)])).write(d, to: dir + "/x.cdf") } throws: { e in
            guard case CDFError.invalidTypeMapping("v", .int16, .real4) = e else { return false }; return true
        }
        #expect(throws: CDFError.self) {
            try CDFWriter(options: .init(variables: ["v": .init(sparseRecords: .padMissing, recordNumbers: [3, 2, 5])])).write(d, to: dir + "/x.cdf")
        }
        #expect(throws: CDFError.self) {
            try CDFWriter(options: .init(variables: ["v": .init(recordNumbers: [0, 1, 2])])).write(d, to: dir + "/x.cdf")
        }
        #expect(throws: CDFError.self) {
            try CDFWriter(options: .init(variables: ["v": .init(compression: .gzip(level: 12))])).write(d, to: dir + "/x.cdf")
        }
        #expect { try CDFWriter(options: .init(variables: ["v": .init(compression: .gzip(level: 1), blockRecords: 1 << 30)])).write(d, to: dir + "/x.cdf") } throws: { e in
            "\(e)".contains("exceeds 1 GiB")
        }
        var t = Dataset()
        try t.add("t", try Column.tt2000([1, 2]))
        #expect { try CDFWriter(options: .init(variables: ["t": .init(compression: .gzip(level: 6))])).write(t, to: dir + "/x.cdf") } throws: { e in
            "\(e)".contains("never compressed")
        }
        try expectNoFile(dir)
    }

    @Test func unwritableDestinationIsAnIOErrorAndExistingFileSurvives() throws {
        let dir = try makeTemporaryDirectory("err-io")
        var d = Dataset()
        try d.add("v", try Column([Int16](arrayLiteral: 1, 2, 3)))
        #expect { try CDFWriter().write(d, to: dir + "/no/such/folder/x.cdf") } throws: { e in
            guard case CDFError.io(_, _, let errno) = e else { return false }
            return errno == ENOENT
        }
        // A failed rewrite leaves the previous product intact.
        try CDFWriter().write(d, to: dir + "/x.cdf")
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/x.cdf"))
        var bad = d
        try bad.add("w", try Column([UInt64](arrayLiteral: 1)))
        #expect(throws: CDFError.self) { try CDFWriter().write(bad, to: dir + "/x.cdf") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/x.cdf")) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["x.cdf"])
    }

    @Test func globalAttributesWithSeveralEntriesAndEpochsStayUncompressed() throws {
        let dir = try makeTemporaryDirectory("gattr")
        var d = Dataset(attributes: ["TEXT": .text(["line 1", "line 2", "line 3"]), "Version": .int16([1, 2])])
        try d.add("epoch", try Column.tt2000((0..<1000).map { Int64($0) }))
        try d.add("v", try Column((0..<1000).map { Int32($0 % 7) }))
        try CDFWriter(options: .init(compression: .gzip(level: 9))).write(d, to: dir + "/g.cdf")
        let r = try CDFReader(path: dir + "/g.cdf")
        #expect(r.globalAttribute("TEXT")?.entries.map(\.number) == [0, 1, 2])
        #expect(r.globalAttribute("TEXT")?.entries.map(\.entry.value) == [.text(["line 1"]), .text(["line 2"]), .text(["line 3"])])
        #expect(r.globalAttribute("Version")?.entries.first?.entry == CDFAttributeEntry(type: .int2, value: .int16([1, 2])))
        #expect(try r.variable("epoch").compression == nil)
        #expect(try r.variable("v").compression?.method == 5)
        #expect(try r.variable("v").compression?.level == 9)
        #expect(r.leapSecondLastUpdated == 20170101)
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/g.cdf")[.size] as! Int
        #expect(size < 8000 + 4000, "the int32 column (4000 bytes) compressed")
    }
}

@Suite struct LayoutTests {
    /// Offsets past 4 GiB are stored in 8 bytes (CDF 3) and read back unchanged.
    @Test func offsetsBeyondFourGiBUseEightBytes() throws {
        let far = 5_000_000_000
        let blocks = [DataBlock(first: 0, last: 9, columnRecord: 0), DataBlock(first: 10, last: 19, columnRecord: 10)]
        let bytes = CDFRecords.vxr(next: far + 7, blocks: blocks[...], offsets: [far, far + 123][...])
        #expect(bytes.count == CDFLayout.vxrSize(2))
        try bytes.withUnsafeBytes { (raw) throws -> Void in
            // A reader over a pretend file large enough for those offsets is not needed for the
            // header fields themselves: decode them directly.
            var r = BigEndianReader(data: raw, path: "vxr", offset: 0)
            #expect(try r.int64() == Int64(CDFLayout.vxrSize(2)))
            #expect(try r.int32() == 6)
            #expect(try r.int64() == Int64(far + 7))
            #expect(try r.int32() == 2 && r.int32() == 2)
            #expect(try r.int32() == 0 && r.int32() == 10)
            #expect(try r.int32() == 9 && r.int32() == 19)
            #expect(try r.int64() == Int64(far) && r.int64() == Int64(far + 123))
        }
        let gdr = CDFRecords.gdr(zVDRHead: far, adrHead: 404, eof: far * 2, attributes: 3, zVars: 2, leapSecondLastUpdated: 20170101)
        try gdr.withUnsafeBytes { (raw) throws -> Void in
            var r = BigEndianReader(data: raw, path: "gdr", offset: 20)
            #expect(try r.int64() == Int64(far))
            #expect(try r.int64() == 404)
            #expect(try r.int64() == Int64(far * 2))
        }
    }

    /// The GDR's LeapSecondLastUpdated follows the leap-second table the writer is given.
    @Test func leapSecondLastUpdatedFollowsTheTable() throws {
        let dir = try makeTemporaryDirectory("leap")
        var d = Dataset()
        try d.add("t", try Column.tt2000([1]))
        var entries = LeapSecondTable.builtin.entries
        entries.append(.init(year: 2030, month: 7, day: 1, taiMinusUTC: 38))
        try CDFWriter(options: .init(leapSeconds: try LeapSecondTable(entries: entries))).write(d, to: dir + "/l.cdf")
        #expect(try CDFReader(path: dir + "/l.cdf").leapSecondLastUpdated == 20300701)
        try CDFWriter().write(d, to: dir + "/b.cdf")
        #expect(try CDFReader(path: dir + "/b.cdf").leapSecondLastUpdated == 20170101)
    }
}

@Suite struct AsyncWriteTests {
    /// Several products written concurrently from tasks (off the cooperative pool) all read back.
    @Test func concurrentAsyncWrites() async throws {
        let dir = try makeTemporaryDirectory("async")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for k in 0..<4 {
                group.addTask {
                    var d = Dataset(attributes: ["Index": .int32([Int32(k)])])
                    try d.add("v", try Column((0..<10_000).map { Int32($0 * k) }))
                    let report = try await CDFWriter(options: .init(compression: .gzip(level: 6))).write(d, to: dir + "/p\(k).cdf")
                    #expect(report.bytes > 0)
                }
            }
            try await group.waitForAll()
        }
        for k in 0..<4 {
            let r = try CDFReader(path: dir + "/p\(k).cdf")
            #expect(try r.column("v").values(as: Int32.self) == (0..<10_000).map { Int32($0 * k) })
            #expect(r.globalAttribute("Index")?.entries.first?.entry.value == .int32([Int32(k)]))
        }
    }
}
