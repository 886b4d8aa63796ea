// The hot loop: a plan's fixed-layout extractors run over a block of packets, one field at a time.

import CPrefetch
import Dataset

/// Runs the fixed table of a plan over a block of packets (byte offsets into one mapping) whose
/// records are consecutive.
///
/// Field-major: for each extractor, one tight loop over the block's packets with one unaligned
/// 8-byte load, a byte swap, two shifts and a store per value (a load of the field's own width
/// for byte-aligned 8/16/32-bit fields), specialised per column type and scheme; the block (a few thousand packets) stays in cache across extractors. No allocation.
/// Every packet of the block must be at least `plan.minimumBits` long (dispatch guarantees it);
/// word loads that could pass the mapping's end take the byte-wise checked path instead.
struct FixedTableRunner {
    let plan: DecodePlan
    let sink: ColumnSink
    /// The numeric extractors with their loop kind and column address settled once (per chunk),
    /// so a block pays one switch on a byte per extractor.
    private let resolved: [ResolvedField]

    init(plan: DecodePlan, sink: ColumnSink) {
        self.plan = plan
        self.sink = sink
        resolved = plan.numericFields.map { f in
            ResolvedField(field: f, need: (f.bitOffset >> 3) + BitReader.loadSpan(bitOffset: f.bitOffset, width: f.width),
                          kind: LoopKind(sink.elementTypes[f.column], f.scheme), out: sink.bases[f.column],
                          stride: sink.elementsPerRecord[f.column])
        }
    }

    /// `uniformLength`: the length of every packet of the APID when they all have the same one; a
    /// block of such packets lying back to back is addressed by multiplication instead of its offsets.
    func run(mapping: UnsafeRawBufferPointer, offsets: UnsafeBufferPointer<Int>, firstRecord: Int,
             fileIndex: Int, headerColumns: Bool, uniformLength: Int? = nil) {
        guard let base = mapping.baseAddress, let firstOffset = offsets.first, let lastOffset = offsets.last else { return }
        let contiguous = uniformLength.map { lastOffset - firstOffset == (offsets.count - 1) * $0 } ?? false
        if contiguous, let length = uniformLength {
            // Every line of the block asked for at once, so that the misses overlap instead of
            // arriving one stride at a time under the first extractor (wide packets: 64-71 -> 60 ms
            // for 64 MB of 233-byte packets; no change for 34-byte ones).
            var line = firstOffset & ~63
            let end = min(lastOffset + length, mapping.count)
            while line < end {
                downlink_prefetch(base + line)
                line &+= 64
            }
        }
        for r in resolved {
            let field = r.field
            let need = r.need
            if lastOffset + need <= mapping.count {
                if contiguous, let length = uniformLength {
                    runField(r, base: base, EvenOffsets(first: firstOffset, length: length), count: offsets.count,
                             firstRecord: firstRecord)
                } else {
                    runField(r, base: base, ListedOffsets(offsets: offsets.baseAddress!), count: offsets.count,
                             firstRecord: firstRecord)
                }
            } else {
                for (i, offset) in offsets.enumerated() {
                    let end = min(mapping.count, offset + need)
                    let bytes = UnsafeRawBufferPointer(rebasing: mapping[offset..<end])
                    var bits = BitReader.checked(bytes, bitOffset: field.bitOffset, width: field.width) ?? 0
                    if field.littleEndian { bits = NumericDecoding.swapBytes(bits, width: field.width) }
                    sink.store(bits: bits, width: field.width, scheme: field.scheme, column: field.column,
                               index: (firstRecord + i) * sink.elementsPerRecord[field.column] + field.element)
                }
            }
        }
        for field in plan.byteFields {
            let width = sink.elementTypes[field.column].byteWidth
            let epr = sink.elementsPerRecord[field.column]
            for (i, offset) in offsets.enumerated() {
                let packetBytes = (field.bitOffset + field.bitCount + 7) >> 3
                let reader = PacketReader(packet: UnsafeRawBufferPointer(rebasing: mapping[offset..<(offset + packetBytes)]), slots: nil)
                let destination = sink.bases[field.column] + ((firstRecord + i) * epr + field.element) * width
                reader.copyBits(at: field.bitOffset, count: field.bitCount, to: destination)
                if let terminator = field.terminator, !terminator.isEmpty {
                    clearFromTerminator(destination, count: (field.bitCount + 7) >> 3, terminator: terminator)
                }
            }
        }
        if headerColumns { runHeaders(base: base, offsets: offsets, firstRecord: firstRecord, fileIndex: fileIndex) }
    }

    private func clearFromTerminator(_ p: UnsafeMutableRawPointer, count: Int, terminator: [UInt8]) {
        var i = 0
        while i + terminator.count <= count {
            var match = true
            for (k, t) in terminator.enumerated() where p.load(fromByteOffset: i + k, as: UInt8.self) != t { match = false; break }
            if match {
                (p + i).initializeMemory(as: UInt8.self, repeating: 0, count: count - i)
                return
            }
            i += 1
        }
    }

    /// One extractor over the block, dispatched once to a loop specialised for its column type.
    @inline(__always)
    private func runField<A: PacketAddresses>(_ r: ResolvedField, base: UnsafeRawPointer, _ offsets: A, count: Int,
                                              firstRecord: Int) {
        let f = r.field
        let out = r.out
        let stride = r.stride
        let start = firstRecord &* stride &+ f.element
        switch r.kind {
        case .u8: loop(f, base, offsets, count, out, start, stride) { UInt8(truncatingIfNeeded: $0) }
        case .u16: loop(f, base, offsets, count, out, start, stride) { UInt16(truncatingIfNeeded: $0) }
        case .u32: loop(f, base, offsets, count, out, start, stride) { UInt32(truncatingIfNeeded: $0) }
        case .u64: loop(f, base, offsets, count, out, start, stride) { $0 }
        case .i8: signedLoop(f, base, offsets, count, out, start, stride) { Int8(truncatingIfNeeded: $0) }
        case .i16: signedLoop(f, base, offsets, count, out, start, stride) { Int16(truncatingIfNeeded: $0) }
        case .i32: signedLoop(f, base, offsets, count, out, start, stride) { Int32(truncatingIfNeeded: $0) }
        case .i64: signedLoop(f, base, offsets, count, out, start, stride) { $0 }
        case .f32: loop(f, base, offsets, count, out, start, stride) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
        case .f64: loop(f, base, offsets, count, out, start, stride) { Double(bitPattern: $0) }
        case .general:
            // Ones' complement, sign-magnitude, BCD: the general store (still no allocation).
            let width = f.width, scheme = f.scheme, column = f.column
            for i in 0..<count {
                var bits = BitReader.unchecked(base + offsets.offset(i), bitOffset: f.bitOffset, width: width)
                if f.littleEndian { bits = NumericDecoding.swapBytes(bits, width: width) }
                sink.store(bits: bits, width: width, scheme: scheme, column: column, index: start + i * stride)
            }
        }
    }

    @inline(__always)
    private func loop<T, A: PacketAddresses>(_ f: NumericField, _ base: UnsafeRawPointer, _ o: A, _ n: Int,
                                             _ out: UnsafeMutableRawPointer, _ start: Int, _ stride: Int,
                                             _ convert: (UInt64) -> T) {
        let typed = out.assumingMemoryBound(to: T.self) + start
        let width = f.width
        let byte = f.bitOffset >> 3
        let shift = UInt64(f.bitOffset & 7)
        let right = UInt64(64 - width)
        let spans = Int(shift) + width > 64
        if f.littleEndian {
            for i in 0..<n {
                let bits = BitReader.unchecked(base + o.offset(i), bitOffset: f.bitOffset, width: width)
                typed[i &* stride] = convert(NumericDecoding.swapBytes(bits, width: width))
            }
        } else if shift == 0 && width == 8 {
            for i in 0..<n { typed[i &* stride] = convert(UInt64(base.load(fromByteOffset: o.offset(i) &+ byte, as: UInt8.self))) }
        } else if shift == 0 && width == 16 {
            for i in 0..<n {
                typed[i &* stride] = convert(UInt64(base.loadUnaligned(fromByteOffset: o.offset(i) &+ byte, as: UInt16.self).bigEndian))
            }
        } else if shift == 0 && width == 32 {
            for i in 0..<n {
                typed[i &* stride] = convert(UInt64(base.loadUnaligned(fromByteOffset: o.offset(i) &+ byte, as: UInt32.self).bigEndian))
            }
        } else if !spans {
            for i in 0..<n {
                let word = base.loadUnaligned(fromByteOffset: o.offset(i) &+ byte, as: UInt64.self).bigEndian
                typed[i &* stride] = convert((word &<< shift) &>> right)
            }
        } else {
            for i in 0..<n {
                typed[i &* stride] = convert(BitReader.unchecked(base + o.offset(i), bitOffset: f.bitOffset, width: width))
            }
        }
    }

    @inline(__always)
    private func signedLoop<T, A: PacketAddresses>(_ f: NumericField, _ base: UnsafeRawPointer, _ offsets: A, _ count: Int,
                                                   _ out: UnsafeMutableRawPointer, _ start: Int, _ stride: Int,
                                                   _ convert: (Int64) -> T) {
        let unused = Int64(64 - f.width)
        loop(f, base, offsets, count, out, start, stride) { bits in
            convert(Int64(bitPattern: bits &<< UInt64(unused)) &>> unused)
        }
    }

    /// Primary header fields, file offset and file index of each packet.
    private func runHeaders(base: UnsafeRawPointer, offsets: UnsafeBufferPointer<Int>, firstRecord: Int, fileIndex: Int) {
        let b = sink.bases
        let v = b[0].assumingMemoryBound(to: UInt8.self) + firstRecord
        let t = b[1].assumingMemoryBound(to: UInt8.self) + firstRecord
        let s = b[2].assumingMemoryBound(to: UInt8.self) + firstRecord
        let a = b[3].assumingMemoryBound(to: UInt16.self) + firstRecord
        let f = b[4].assumingMemoryBound(to: UInt8.self) + firstRecord
        let c = b[5].assumingMemoryBound(to: UInt16.self) + firstRecord
        let l = b[6].assumingMemoryBound(to: UInt16.self) + firstRecord
        let o = b[7].assumingMemoryBound(to: Int64.self) + firstRecord
        let x = b[8].assumingMemoryBound(to: UInt16.self) + firstRecord
        for i in 0..<offsets.count {
            let p = base + offsets[i]
            let w0 = p.loadUnaligned(as: UInt16.self).bigEndian
            let w1 = p.loadUnaligned(fromByteOffset: 2, as: UInt16.self).bigEndian
            let w2 = p.loadUnaligned(fromByteOffset: 4, as: UInt16.self).bigEndian
            v[i] = UInt8(truncatingIfNeeded: w0 >> 13)
            t[i] = UInt8(truncatingIfNeeded: (w0 >> 12) & 1)
            s[i] = UInt8(truncatingIfNeeded: (w0 >> 11) & 1)
            a[i] = w0 & 0x7FF
            f[i] = UInt8(truncatingIfNeeded: w1 >> 14)
            c[i] = w1 & 0x3FFF
            l[i] = w2
            o[i] = Int64(offsets[i])
            x[i] = UInt16(truncatingIfNeeded: fileIndex)
        }
    }
}

/// How the fixed-table loops find packet `i` of a block: its listed offset, or first + i x length.
protocol PacketAddresses {
    func offset(_ i: Int) -> Int
}

/// Offsets read from the block's offset list (one extra load per value).
struct ListedOffsets: PacketAddresses {
    let offsets: UnsafePointer<Int>
    @inline(__always) func offset(_ i: Int) -> Int { offsets[i] }
}

/// Packets of one length lying back to back.
struct EvenOffsets: PacketAddresses {
    let first: Int
    let length: Int
    @inline(__always) func offset(_ i: Int) -> Int { first &+ i &* length }
}

/// Which specialised loop an extractor runs: its column type under the common schemes, or the
/// general store.
enum LoopKind: UInt8 {
    case u8, u16, u32, u64, i8, i16, i32, i64, f32, f64, general

    init(_ type: ElementType, _ scheme: NumericScheme) {
        switch (type, scheme) {
        case (.uint8, .unsigned): self = .u8
        case (.uint16, .unsigned): self = .u16
        case (.uint32, .unsigned): self = .u32
        case (.uint64, .unsigned): self = .u64
        case (.int8, .twosComplement): self = .i8
        case (.int16, .twosComplement): self = .i16
        case (.int32, .twosComplement): self = .i32
        case (.int64, .twosComplement): self = .i64
        case (.float32, .float): self = .f32
        case (.float64, .float): self = .f64
        default: self = .general
        }
    }
}

/// An extractor with everything its block loop needs precomputed.
struct ResolvedField {
    var field: NumericField
    /// Bytes from the packet start the word load may touch.
    var need: Int
    var kind: LoopKind
    var out: UnsafeMutableRawPointer
    /// Elements per record of the column.
    var stride: Int
}
