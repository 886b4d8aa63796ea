import Testing
@testable import Dataset

@Suite struct ColumnTests {
    @Test func makeAllocatesZeroFilledAtFinalSizeAndFillsInPlace() throws {
        var c = try Column.make(type: .float32, records: 4, shape: [2, 3])
        #expect(c.count == 24 && c.byteCount == 96 && c.bytesPerRecord == 24 && c.elementsPerRecord == 6)
        #expect(try c.values(as: Float.self) == [Float](repeating: 0, count: 24))
        let before = c.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        try c.withUnsafeMutableBufferPointer(of: Float.self) { p in for i in p.indices { p[i] = Float(i) * 0.5 } }
        let after = c.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(before == after, "filled in place, no reallocation")
        #expect(try c.values(as: Float.self)[23] == 11.5)
        #expect(c.withUnsafeBytes { $0.load(fromByteOffset: 4, as: Float.self) } == 0.5)
    }

    @Test func copiesShareUntilWrittenThenCopyOnce() throws {
        var a = try Column([Int32](arrayLiteral: 1, 2, 3))
        let b = a
        #expect(a.withUnsafeBytes { $0.baseAddress } == b.withUnsafeBytes { $0.baseAddress })
        try a.withUnsafeMutableBufferPointer(of: Int32.self) { $0[0] = 99 }
        #expect(try a.values(as: Int32.self) == [99, 2, 3])
        #expect(try b.values(as: Int32.self) == [1, 2, 3])
        #expect(a != b)
    }

    @Test func typedAccessIsChecked() throws {
        let c = try Column([Int16](arrayLiteral: 1, 2))
        #expect(throws: DatasetError.elementTypeMismatch(expected: .int16, actual: .int32, context: "typed access to column")) {
            _ = try c.values(as: Int32.self)
        }
        let t = try Column.tt2000([5, 6])
        #expect(t.elementType == .tt2000)
        #expect(try t.values(as: Int64.self) == [5, 6])
        #expect(throws: DatasetError.self) { _ = try Column([Int32](arrayLiteral: 1), as: .tt2000) }
    }

    @Test func stringsAndBlobsAreFixedWidth() throws {
        let s = try Column(strings: ["ab", "", "xyz"], width: 3)
        #expect(s.elementType == .string(width: 3) && s.byteCount == 9)
        #expect(try s.strings() == ["ab", "", "xyz"])
        #expect(s.withUnsafeBytes { Array($0) } == [97, 98, 0, 0, 0, 0, 120, 121, 122])
        #expect(throws: DatasetError.stringTooLong(context: "element 0", width: 2, length: 3)) {
            _ = try Column(strings: ["abc"], width: 2)
        }
        let b = try Column(blobs: [[1, 2], [3]], width: 2)
        #expect(b.withUnsafeBytes { Array($0) } == [1, 2, 3, 0])
    }

    @Test func shapesAndRecordVariance() throws {
        let c = try Column([Double](arrayLiteral: 1, 2, 3, 4, 5, 6), shape: [3])
        #expect(c.records == 2 && c.shape == [3] && c.isRecordVarying)
        let nrv = try Column([Float](arrayLiteral: 1, 2, 3), shape: [3], recordVarying: false)
        #expect(nrv.records == 1 && !nrv.isRecordVarying)
        #expect(throws: DatasetError.self) { _ = try Column([Float](arrayLiteral: 1, 2, 3, 4), shape: [3]) }
        #expect(throws: DatasetError.self) { _ = try Column([Float](arrayLiteral: 1, 2, 3, 4, 5, 6), shape: [3], recordVarying: false) }
        #expect(throws: DatasetError.self) { _ = try Column.make(type: .int8, records: -1) }
        #expect(throws: DatasetError.self) { _ = try Column.make(type: .string(width: 0), records: 1) }
        #expect(throws: DatasetError.self) { _ = try Column.make(type: .int8, records: 2, recordVarying: false) }
        #expect(throws: DatasetError.self) { _ = try Column.make(type: .float64, records: Int.max / 4) }   // size overflows
        #expect(throws: DatasetError.outOfMemory(bytes: 1 << 50)) { _ = try Column.make(type: .uint8, records: 1 << 50) }
        let empty = try Column.make(type: .uint16, records: 0, shape: [4])
        #expect(empty.byteCount == 0 && empty.count == 0)
    }
}

@Suite struct DatasetStructureTests {
    @Test func variablesDimensionsAndAttributes() throws {
        var ds = Dataset(attributes: ["Project": .string("X"), "Levels": .int16([1, 2])])
        try ds.add("epoch", try Column.tt2000([1, 2, 3]), attributes: ["UNITS": .string("ns")])
        try ds.add("B", try Column([Float](repeating: 0, count: 9), shape: [3]), dimensions: ["component"])
        try ds.add("label", try Column(strings: ["x", "y", "z"], width: 1, shape: [3], recordVarying: false), dimensions: ["component"])
        try ds.add("img", try Column.make(type: .uint16, records: 3, shape: [2, 4]))
        #expect(ds.variables.map(\.name) == ["epoch", "B", "label", "img"])
        #expect(ds.dimensions.map(\.name) == ["component", "img_dim0", "img_dim1"])
        #expect(ds.dimensions.map(\.size) == [3, 2, 4])
        #expect(ds["epoch"]?.attributes["UNITS"] == .text(["ns"]))
        #expect(ds.attributes.names == ["Project", "Levels"])
        #expect(throws: DatasetError.dimensionMismatch(variable: "C", dimension: "component", expected: 3, actual: 4)) {
            try ds.add("C", try Column([Float](repeating: 0, count: 4), shape: [4]), dimensions: ["component"])
        }
        #expect(throws: DatasetError.duplicateVariable("B")) { try ds.add("B", try Column([Int8](arrayLiteral: 1))) }
        #expect(throws: DatasetError.emptyName(what: "a variable")) { try ds.add("", try Column([Int8](arrayLiteral: 1))) }
        #expect(throws: DatasetError.dimensionCountMismatch(variable: "D", names: 1, shapeRank: 2)) {
            try ds.add("D", try Column.make(type: .int8, records: 1, shape: [1, 1]), dimensions: ["a"])
        }
        #expect(throws: DatasetError.self) { try ds.add("E", try Column([Int8](arrayLiteral: 1)), attributes: ["": .string("x")]) }
    }

    @Test func attributesKeepOrderAndReplaceInPlace() {
        var a: Attributes = ["A": .string("1"), "B": .float64([2.5])]
        a["A"] = .int8([-1])
        a["C"] = .text(["x", "y"])
        #expect(a.names == ["A", "B", "C"])
        #expect(a["A"] == .int8([-1]))
        a["B"] = nil
        #expect(a.names == ["A", "C"])
        #expect(AttributeValue.float32([1.0]).littleEndianBytes == [0, 0, 0x80, 0x3F])
        #expect(AttributeValue.int16([-2]).littleEndianBytes == [0xFE, 0xFF])
        #expect(AttributeValue.text(["a", "b"]).count == 2)
        #expect(AttributeValue.tt2000([1]).elementType == .tt2000)
    }

    @Test func errorsReadWell() {
        #expect("\(DatasetError.dimensionMismatch(variable: "v", dimension: "d", expected: 3, actual: 4))"
                == "variable 'v': dimension 'd' has size 3 in the dataset but 4 in the variable")
    }
}
