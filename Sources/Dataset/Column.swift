/// One variable's values: `records` x `shape` elements of one `ElementType` in a single contiguous,
/// row-major buffer (record-major, last dimension fastest).
///
/// What it is for: a decoder allocates it once at its final size (`make`) and fills it in place through
/// `withUnsafeMutableBytes`; a writer reads the bytes straight from `withUnsafeBytes` without a copy.
/// What it costs: one allocation; copying a `Column` value shares the buffer (copy on write: the first
/// mutation of a shared buffer copies it once).
public struct Column: Sendable {
    public let elementType: ElementType
    /// Number of records (1 for a variable that is not record-varying).
    public let records: Int
    /// Shape of one record; `[]` for a scalar per record.
    public let shape: [Int]
    /// Whether each record holds its own values (false: one record valid for all, e.g. a label array).
    public let isRecordVarying: Bool
    private var storage: ColumnStorage

    /// Allocates a zero-filled column at its final size.
    /// - Throws: `DatasetError.invalidShape` for negative sizes or a width-0 text/binary type.
    public static func make(
        type: ElementType, records: Int, shape: [Int] = [], recordVarying: Bool = true
    ) throws -> Column {
        try Column(type: type, records: records, shape: shape, recordVarying: recordVarying)
    }

    /// Allocates record-varying columns at their final sizes, side by side (64-byte aligned) in one
    /// allocation: one mapping and one set of page faults (huge pages where the memory is advised so)
    /// instead of one each. The bytes are given back when every column of the set has been dropped.
    /// With `zeroed: false` the bytes are whatever recycled memory held (fresh memory is zero anyway):
    /// only for a caller that writes every byte of every column before anything reads them.
    /// - Throws: `DatasetError.invalidShape` as `make` does, `DatasetError.outOfMemory`.
    public static func makeSet(_ specs: [(type: ElementType, records: Int, shape: [Int])], zeroed: Bool = true) throws -> [Column] {
        var offsets: [Int] = []
        var total = 0
        for spec in specs {
            let bytes = try byteCount(type: spec.type, records: spec.records, shape: spec.shape, recordVarying: true)
            offsets.append(total)
            let (end, overflow) = total.addingReportingOverflow(bytes &+ 63)
            guard !overflow, bytes <= Int.max - 63 else {
                throw DatasetError.invalidShape(variable: "", shape: [spec.records] + spec.shape, reason: "size overflows")
            }
            total = end & ~63
        }
        guard let arena = ColumnArena(byteCount: total, zeroed: zeroed) else { throw DatasetError.outOfMemory(bytes: total) }
        return specs.enumerated().map { i, spec in
            let bytes = spec.records * spec.shape.reduce(1, *) * spec.type.byteWidth
            return Column(type: spec.type, records: spec.records, shape: spec.shape, recordVarying: true,
                          storage: ColumnStorage(arena: arena, offset: offsets[i], byteCount: bytes))
        }
    }

    /// The bytes a column of this type and size takes.
    /// - Throws: `DatasetError.invalidShape` when it cannot exist (negative sizes, overflow, a width-0
    ///   text/binary type, a non-record-varying column of other than 1 record).
    public static func byteCount(type: ElementType, records: Int, shape: [Int], recordVarying: Bool) throws -> Int {
        guard records >= 0, shape.allSatisfy({ $0 >= 0 }) else {
            throw DatasetError.invalidShape(variable: "", shape: [records] + shape, reason: "sizes must not be negative")
        }
        guard type.byteWidth > 0 else {
            throw DatasetError.invalidShape(variable: "", shape: shape, reason: "\(type) has zero width")
        }
        guard recordVarying || records == 1 else {
            throw DatasetError.invalidShape(
                variable: "", shape: [records] + shape, reason: "a non-record-varying column has exactly 1 record")
        }
        var perRecord = 1
        for d in shape {
            let (p, overflow) = perRecord.multipliedReportingOverflow(by: d)
            guard !overflow else { throw DatasetError.invalidShape(variable: "", shape: [records] + shape, reason: "size overflows") }
            perRecord = p
        }
        let (width, o1) = perRecord.multipliedReportingOverflow(by: type.byteWidth)
        let (bytes, o2) = records.multipliedReportingOverflow(by: width)
        guard !o1, !o2 else {
            throw DatasetError.invalidShape(variable: "", shape: [records] + shape, reason: "size overflows")
        }
        return bytes
    }

    private init(type: ElementType, records: Int, shape: [Int], recordVarying: Bool) throws {
        let bytes = try Self.byteCount(type: type, records: records, shape: shape, recordVarying: recordVarying)
        guard let storage = ColumnStorage(byteCount: bytes) else { throw DatasetError.outOfMemory(bytes: bytes) }
        self.elementType = type
        self.records = records
        self.shape = shape
        self.isRecordVarying = recordVarying
        self.storage = storage
    }

    private init(type: ElementType, records: Int, shape: [Int], recordVarying: Bool, storage: ColumnStorage) {
        self.elementType = type
        self.records = records
        self.shape = shape
        self.isRecordVarying = recordVarying
        self.storage = storage
    }

    /// The same bytes as `records` record-varying records of `shape`, without a copy (the buffer is
    /// shared, copy on write): how per-packet blocks of samples become one record per sample.
    /// - Throws: `DatasetError.invalidShape` when the element count would change.
    public func reshaped(records: Int, shape: [Int]) throws -> Column {
        let perRecord = shape.reduce(1, *)
        guard records >= 0, shape.allSatisfy({ $0 >= 0 }), records.multipliedReportingOverflow(by: perRecord) == (count, false) else {
            throw DatasetError.invalidShape(
                variable: "", shape: [records] + shape, reason: "reshaping \(self.records) records of \(self.shape) must keep \(count) elements")
        }
        return Column(type: elementType, records: records, shape: shape, recordVarying: true, storage: storage)
    }

    /// A column of scalars or per-record arrays from typed values (copies `values` once).
    public init<T: ColumnScalar>(_ values: [T], shape: [Int] = [], recordVarying: Bool = true) throws {
        try self.init(values, as: T.elementType, shape: shape, recordVarying: recordVarying)
    }

    /// A time column (TT2000 nanoseconds) from `values`.
    public static func tt2000(_ values: [Int64], shape: [Int] = [], recordVarying: Bool = true) throws -> Column {
        try Column(values, as: .tt2000, shape: shape, recordVarying: recordVarying)
    }

    /// A typed column whose element type is `type` (which must have `T`'s width and kind), e.g.
    /// `Int64` values as `.tt2000`.
    public init<T: ColumnScalar>(_ values: [T], as type: ElementType, shape: [Int] = [], recordVarying: Bool = true) throws {
        let compatible = type == T.elementType || (type == .tt2000 && T.self == Int64.self)
        guard compatible else {
            throw DatasetError.elementTypeMismatch(expected: type, actual: T.elementType, context: "Column.init")
        }
        let perRecord = shape.reduce(1, *)
        let records = perRecord == 0 ? 0 : values.count / perRecord
        guard perRecord == 0 || records * perRecord == values.count else {
            throw DatasetError.valueCountMismatch(
                context: "Column.init with per-record shape \(shape)", expected: (records + 1) * perRecord, actual: values.count)
        }
        try self.init(type: type, records: recordVarying ? records : 1, shape: shape, recordVarying: recordVarying)
        if !recordVarying && records != 1 {
            throw DatasetError.valueCountMismatch(
                context: "non-record-varying Column.init with shape \(shape)", expected: perRecord, actual: values.count)
        }
        values.withUnsafeBytes { src in
            if let s = src.baseAddress { storage.base.copyMemory(from: s, byteCount: src.count) }
        }
    }

    /// A fixed-width text column: each string is UTF-8 encoded and NUL-padded to `width` bytes.
    /// - Throws: `DatasetError.stringTooLong` when a string needs more than `width` bytes.
    public init(strings: [String], width: Int, shape: [Int] = [], recordVarying: Bool = true) throws {
        try self.init(fixedWidth: strings.map { Array($0.utf8) }, type: .string(width: width), shape: shape, recordVarying: recordVarying)
    }

    /// A fixed-width binary column: each blob is zero-padded to `width` bytes.
    public init(blobs: [[UInt8]], width: Int, shape: [Int] = [], recordVarying: Bool = true) throws {
        try self.init(fixedWidth: blobs, type: .binary(width: width), shape: shape, recordVarying: recordVarying)
    }

    private init(fixedWidth items: [[UInt8]], type: ElementType, shape: [Int], recordVarying: Bool) throws {
        let width = type.byteWidth
        let perRecord = shape.reduce(1, *)
        let records = perRecord == 0 ? 0 : items.count / perRecord
        guard perRecord == 0 || records * perRecord == items.count, recordVarying || records == 1 else {
            throw DatasetError.valueCountMismatch(context: "Column \(type) with shape \(shape)", expected: perRecord, actual: items.count)
        }
        try self.init(type: type, records: records, shape: shape, recordVarying: recordVarying)
        for (i, item) in items.enumerated() {
            guard item.count <= width else {
                throw DatasetError.stringTooLong(context: "element \(i)", width: width, length: item.count)
            }
            item.withUnsafeBytes { src in
                if let s = src.baseAddress { storage.base.advanced(by: i * width).copyMemory(from: s, byteCount: src.count) }
            }
        }
    }

    /// Elements in one record (the product of `shape`).
    public var elementsPerRecord: Int { shape.reduce(1, *) }
    /// Bytes in one record.
    public var bytesPerRecord: Int { elementsPerRecord * elementType.byteWidth }
    /// Bytes in the whole column.
    public var byteCount: Int { storage.byteCount }
    /// Elements in the whole column.
    public var count: Int { records * elementsPerRecord }

    /// The column's bytes, read-only, without a copy. Do not let the pointer escape `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(start: storage.base, count: storage.byteCount))
        }
    }

    /// The column's bytes for filling in place; copies the buffer first only if it is shared.
    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try withExtendedLifetime(storage) {
            try body(UnsafeMutableRawBufferPointer(start: storage.base, count: storage.byteCount))
        }
    }

    /// The elements typed as `T`, filled in place; `T` must match the element type's width and kind.
    public mutating func withUnsafeMutableBufferPointer<T: ColumnScalar, R>(
        of: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
    ) throws -> R {
        try checkScalar(T.self)
        let n = count
        return try withUnsafeMutableBytes { raw in
            try body(UnsafeMutableBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: T.self), count: n))
        }
    }

    /// A copy of the elements as `[T]` (for tests, readers and small columns).
    public func values<T: ColumnScalar>(as: T.Type) throws -> [T] {
        try checkScalar(T.self)
        return withUnsafeBytes { raw in Array(raw.bindMemory(to: T.self)) }
    }

    /// The elements of a text column, NUL padding removed.
    public func strings() throws -> [String] {
        guard case .string(let w) = elementType else {
            throw DatasetError.elementTypeMismatch(expected: .string(width: 1), actual: elementType, context: "Column.strings")
        }
        return withUnsafeBytes { raw in
            (0..<count).map { i in
                var bytes = Array(raw[(i * w)..<((i + 1) * w)])
                while let last = bytes.last, last == 0 { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    private func checkScalar<T: ColumnScalar>(_: T.Type) throws {
        guard T.elementType == elementType || (elementType == .tt2000 && T.self == Int64.self) else {
            throw DatasetError.elementTypeMismatch(expected: elementType, actual: T.elementType, context: "typed access to column")
        }
    }
}

extension Column: Equatable {
    /// Equal when type, shape, records, variance and every byte are equal.
    public static func == (a: Column, b: Column) -> Bool {
        guard a.elementType == b.elementType, a.records == b.records, a.shape == b.shape,
              a.isRecordVarying == b.isRecordVarying else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
    }
}
