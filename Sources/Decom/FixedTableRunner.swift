// The hot loop: a plan's fixed-layout extractors run over a block of packets, one field at a time.

import CPrefetch
import Dataset

/// Runs the fixed table of a plan over a block of packets (byte offsets into one mapping) whose
/// records are consecutive.
///
/// Fields whose bits share one 8-byte window of the packet (a header word, a status word and its
/// sub-fields, two 32-bit counters side by side) form a `WordGroup`: the window is read once per
/// packet (one unaligned load and a byte swap) into a contiguous block of words, and each member is
/// then cut from those words by a loop of one shift, one mask and a store over contiguous memory,
/// eight values a SIMD vector (hs file, 20 fields of 34-byte packets: 35 -> 25.5 ms CPU for 100 MB
/// on the 2-core VM). Any other field runs field-major: one tight loop over the block's
/// packets with one unaligned 8-byte load, a byte swap, two shifts and a store per value (a load of
/// the field's own width for byte-aligned 8/16/32-bit fields). Loops are specialised per column
/// type and scheme; the block (a few thousand packets) stays in cache across extractors.
/// No allocation: the caller lends the block of words (`blockPackets` of them).
/// Every packet of the block must be at least `plan.minimumBits` long (dispatch guarantees it);
/// word loads that could pass the mapping's end take the byte-wise checked path instead.
struct FixedTableRunner {
    let plan: DecodePlan
    let sink: ColumnSink
    /// The numeric extractors not in a word group, with their loop kind and column address settled
    /// once (per chunk), so a block pays one switch on a byte per extractor.
    private let resolved: [ResolvedField]
    /// Extractors sharing an 8-byte window, read once per packet.
    private let groups: [WordGroup]

    init(plan: DecodePlan, sink: ColumnSink) {
        self.plan = plan
        self.sink = sink
        let all = plan.numericFields.map { f in
            ResolvedField(field: f, need: (f.bitOffset >> 3) + BitReader.loadSpan(bitOffset: f.bitOffset, width: f.width),
                          kind: LoopKind(sink.elementTypes[f.column], f.scheme), out: sink.bases[f.column],
                          stride: sink.elementsPerRecord[f.column])
        }
        (groups, resolved) = WordGroup.form(all)
    }

    /// `uniformLength`: the length of every packet of the APID when they all have the same one; a
    /// block of such packets lying back to back is addressed by multiplication instead of its offsets.
    /// `words`: room for `offsets.count` words, overwritten.
    func run(mapping: UnsafeRawBufferPointer, offsets: UnsafeBufferPointer<Int>, firstRecord: Int,
             fileIndex: Int, headerColumns: Bool, uniformLength: Int? = nil, words: UnsafeMutablePointer<UInt64>) {
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
        for g in groups {
            if lastOffset + g.byte + 8 <= mapping.count {
                if contiguous, let length = uniformLength {
                    g.read(base: base, EvenOffsets(first: firstOffset, length: length), count: offsets.count, into: words)
                } else {
                    g.read(base: base, ListedOffsets(offsets: offsets.baseAddress!), count: offsets.count, into: words)
                }
                for m in g.members { cut(m, words: words, count: offsets.count, firstRecord: firstRecord) }
            } else {
                for m in g.members { runChecked(m.resolved, mapping: mapping, offsets: offsets, firstRecord: firstRecord) }
            }
        }
        for r in resolved {
            if lastOffset + r.need <= mapping.count {
                if contiguous, let length = uniformLength {
                    runField(r, base: base, EvenOffsets(first: firstOffset, length: length), count: offsets.count,
                             firstRecord: firstRecord)
                } else {
                    runField(r, base: base, ListedOffsets(offsets: offsets.baseAddress!), count: offsets.count,
                             firstRecord: firstRecord)
                }
            } else {
                runChecked(r, mapping: mapping, offsets: offsets, firstRecord: firstRecord)
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

    /// One extractor over the block, byte by byte, for packets that end too near the mapping's end
    /// for a word load.
    private func runChecked(_ r: ResolvedField, mapping: UnsafeRawBufferPointer, offsets: UnsafeBufferPointer<Int>,
                            firstRecord: Int) {
        let field = r.field
        for (i, offset) in offsets.enumerated() {
            let end = min(mapping.count, offset + r.need)
            let bytes = UnsafeRawBufferPointer(rebasing: mapping[offset..<end])
            var bits = BitReader.checked(bytes, bitOffset: field.bitOffset, width: field.width) ?? 0
            if field.littleEndian { bits = NumericDecoding.swapBytes(bits, width: field.width) }
            sink.store(bits: bits, width: field.width, scheme: field.scheme, column: field.column,
                       index: (firstRecord + i) * r.stride + field.element)
        }
    }

    /// One member of a word group over the block's words, dispatched once to a loop specialised for
    /// its column type. Columns of one element per record take eight values at a time in explicit
    /// vectors (the compiler does not vectorise the narrowing by itself); signed values are
    /// sign-extended in their own width, so that the vector shifts stay within the lane size the
    /// baseline instruction set has. Floats are stored as their bits.
    @inline(__always)
    private func cut(_ m: GroupMember, words: UnsafePointer<UInt64>, count n: Int, firstRecord: Int) {
        let r = m.resolved
        let start = firstRecord &* r.stride &+ r.field.element
        let down = m.down, mask = m.mask, width = r.field.width
        if r.stride == 1 {
            switch r.kind {
            case .u8: cutLanes(words, n, r.out, start, down, mask, width, as: UInt8.self)
            case .u16: cutLanes(words, n, r.out, start, down, mask, width, as: UInt16.self)
            case .u32, .f32: cutLanes(words, n, r.out, start, down, mask, width, as: UInt32.self)
            case .u64, .f64: cutLanes(words, n, r.out, start, down, mask, width, as: UInt64.self)
            case .i8: cutLanes(words, n, r.out, start, down, mask, width, as: Int8.self)
            case .i16: cutLanes(words, n, r.out, start, down, mask, width, as: Int16.self)
            case .i32: cutLanes(words, n, r.out, start, down, mask, width, as: Int32.self)
            case .i64: cutLanes(words, n, r.out, start, down, mask, width, as: Int64.self)
            case .general: preconditionFailure("general-scheme fields are never grouped")
            }
            return
        }
        switch r.kind {
        case .u8: cutLoop(words, n, r.out, start, r.stride, down, mask) { UInt8(truncatingIfNeeded: $0) }
        case .u16: cutLoop(words, n, r.out, start, r.stride, down, mask) { UInt16(truncatingIfNeeded: $0) }
        case .u32: cutLoop(words, n, r.out, start, r.stride, down, mask) { UInt32(truncatingIfNeeded: $0) }
        case .u64: cutLoop(words, n, r.out, start, r.stride, down, mask) { $0 }
        case .i8:
            let up = Int8(max(0, 8 - width))
            cutLoop(words, n, r.out, start, r.stride, down, mask) { (Int8(truncatingIfNeeded: $0) &<< up) &>> up }
        case .i16:
            let up = Int16(max(0, 16 - width))
            cutLoop(words, n, r.out, start, r.stride, down, mask) { (Int16(truncatingIfNeeded: $0) &<< up) &>> up }
        case .i32:
            let up = Int32(max(0, 32 - width))
            cutLoop(words, n, r.out, start, r.stride, down, mask) { (Int32(truncatingIfNeeded: $0) &<< up) &>> up }
        case .i64:
            let up = Int64(64 - width)
            cutLoop(words, n, r.out, start, r.stride, down, mask) { (Int64(bitPattern: $0) &<< up) &>> up }
        case .f32: cutLoop(words, n, r.out, start, r.stride, down, mask) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
        case .f64: cutLoop(words, n, r.out, start, r.stride, down, mask) { Double(bitPattern: $0) }
        case .general: preconditionFailure("general-scheme fields are never grouped")
        }
    }

    /// Values of lane type `L` into consecutive elements from `start`: eight a vector, then the tail.
    /// A signed `L` is sign-extended from `width` bits when `width` is less than its own.
    @inline(__always)
    private func cutLanes<L: FixedWidthInteger & SIMDScalar>(_ words: UnsafePointer<UInt64>, _ n: Int, _ out: UnsafeMutableRawPointer,
                                                            _ start: Int, _ down: UInt64, _ mask: UInt64, _ width: Int, as: L.Type) {
        let typed = out + start &* MemoryLayout<L>.stride
        let raw = UnsafeRawPointer(words)
        let shift = SIMD8<UInt64>(repeating: down), lanes = SIMD8<UInt64>(repeating: mask)
        let up = L(max(0, L.bitWidth - width))
        var i = 0
        if L.isSigned && up > 0 {
            let ups = SIMD8<L>(repeating: up)
            while i &+ 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<UInt64>.self)
                let v = SIMD8<L>(truncatingIfNeeded: (w &>> shift) & lanes)
                (typed + i &* MemoryLayout<L>.stride).storeBytes(of: (v &<< ups) &>> ups, as: SIMD8<L>.self)
                i &+= 8
            }
        } else {
            while i &+ 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<UInt64>.self)
                (typed + i &* MemoryLayout<L>.stride).storeBytes(of: SIMD8<L>(truncatingIfNeeded: (w &>> shift) & lanes),
                                                                  as: SIMD8<L>.self)
                i &+= 8
            }
        }
        let tail = typed.assumingMemoryBound(to: L.self)
        while i < n {
            let v = L(truncatingIfNeeded: (words[i] &>> down) & mask)
            tail[i] = L.isSigned ? (v &<< up) &>> up : v
            i &+= 1
        }
    }

    @inline(__always)
    private func cutLoop<T>(_ words: UnsafePointer<UInt64>, _ n: Int, _ out: UnsafeMutableRawPointer, _ start: Int,
                            _ stride: Int, _ down: UInt64, _ mask: UInt64, _ convert: (UInt64) -> T) {
        let typed = out.assumingMemoryBound(to: T.self) + start
        if stride == 1 {
            for i in 0..<n { typed[i] = convert((words[i] &>> down) & mask) }
        } else {
            for i in 0..<n { typed[i &* stride] = convert((words[i] &>> down) & mask) }
        }
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

/// Numeric extractors whose bits all lie in the 8 bytes from `byte` of the packet, read with one
/// load per packet. Only big-endian fields of the specialised loop kinds join a group.
struct WordGroup {
    let byte: Int
    let members: [GroupMember]

    /// Splits extractors into groups of two or more sharing a window (greedily, in bit order, each
    /// window starting at the byte of the first field not yet placed) and the rest.
    static func form(_ fields: [ResolvedField]) -> (groups: [WordGroup], rest: [ResolvedField]) {
        var rest: [ResolvedField] = []
        var eligible: [ResolvedField] = []
        for r in fields {
            if r.kind != .general, !r.field.littleEndian, (r.field.bitOffset & 7) + r.field.width <= 64 {
                eligible.append(r)
            } else {
                rest.append(r)
            }
        }
        eligible = eligible.enumerated().sorted { ($0.element.field.bitOffset, $0.offset) < ($1.element.field.bitOffset, $1.offset) }
            .map(\.element)
        var groups: [WordGroup] = []
        var i = 0
        while i < eligible.count {
            let byte = eligible[i].field.bitOffset >> 3
            var j = i
            while j < eligible.count, eligible[j].field.bitOffset + eligible[j].field.width <= byte * 8 + 64 { j += 1 }
            if j - i >= 2 {
                groups.append(WordGroup(byte: byte, members: eligible[i..<j].map { GroupMember($0, windowByte: byte) }))
            } else {
                rest.append(eligible[i])
                j = i + 1
            }
            i = j
        }
        return (groups, rest)
    }

    /// The window of each packet of the block, as a big-endian word, into `words`.
    @inline(__always)
    func read<A: PacketAddresses>(base: UnsafeRawPointer, _ o: A, count n: Int, into words: UnsafeMutablePointer<UInt64>) {
        let byte = self.byte
        for i in 0..<n { words[i] = base.loadUnaligned(fromByteOffset: o.offset(i) &+ byte, as: UInt64.self).bigEndian }
    }
}

/// A group member: its extractor and how to cut it from the window's word.
struct GroupMember {
    let resolved: ResolvedField
    /// Right shift that brings the field's last bit to bit 0.
    let down: UInt64
    /// The field's `width` low bits.
    let mask: UInt64

    init(_ r: ResolvedField, windowByte: Int) {
        resolved = r
        let width = r.field.width
        down = UInt64(64 - (r.field.bitOffset - windowByte * 8) - width)
        mask = width == 64 ? .max : (1 &<< UInt64(width)) &- 1
    }
}
