// Per-packet interpretation of the entries whose position, size, count or presence vary.

/// Decodes a plan's `dynamicEntries` of one packet into its record, computing positions as it
/// goes and checking every read against the packet's end.
///
/// Costs per packet: one pass over the entries (a few branches each) plus the bytes copied; no
/// allocation (the slot array is the caller's, reused for every packet of a chunk).
struct DynamicInterpreter {
    let plan: DecodePlan
    let sink: ColumnSink

    /// Decodes the packet into `record`; returns a description of the first problem (the rest
    /// of the record then keeps its zero fill), or `nil`.
    func run(_ reader: inout PacketReader, record: Int) -> String? {
        var position = plan.dynamicStartBit
        for entry in plan.dynamicEntries {
            if let include = entry.include {
                guard let holds = include.evaluate(&reader) else {
                    return "include condition of the entry at \(entry.source) reads beyond the packet's end"
                }
                if let p = entry.presentColumn { sink.storeCount(holds ? 1 : 0, column: p, record: record) }
                if !holds { continue }
            }
            guard let repeats = evaluate(entry.repeatCount ?? .constant(1), &reader),
                  let gap = evaluate(entry.repeatGap, &reader), repeats >= 0 else {
                return "repeat count of the entry at \(entry.source) cannot be read or is negative"
            }
            var perOccurrence = 1
            for d in entry.dimensions {
                guard let s = evaluate(d.start, &reader), let e = evaluate(d.end, &reader), e >= s - 1 else {
                    return "array dimensions of the entry at \(entry.source) cannot be read or are negative"
                }
                let (p, o) = perOccurrence.multipliedReportingOverflow(by: e - s + 1)
                guard !o else { return "array of the entry at \(entry.source) is too large" }
                perOccurrence = p
            }
            let (total, overflow) = repeats.multipliedReportingOverflow(by: perOccurrence)
            guard !overflow else { return "entry at \(entry.source) has too many values" }
            let capacity = entry.capacity ?? capacityOf(entry)
            guard total <= capacity else {
                return "entry at \(entry.source) has \(total) values, more than the \(capacity) this packet can hold"
            }
            switch entry.start {
            case .afterPrevious(let e):
                guard let k = evaluate(e, &reader) else { return "location of the entry at \(entry.source) cannot be read" }
                position += k
            case .fromContainerStart(let e):
                guard let k = evaluate(e, &reader) else { return "location of the entry at \(entry.source) cannot be read" }
                position = k
            case .beforeContainerEnd(let e):
                guard let k = evaluate(e, &reader), let bits = entry.instanceBits else {
                    return "location of the entry at \(entry.source) cannot be read"
                }
                position = reader.bitCount - k - bits * total - max(0, repeats - 1) * gap
            }
            guard position >= 0 else { return "entry at \(entry.source) starts before the packet" }
            if let c = entry.countColumn { sink.storeCount(total, column: c, record: record) }
            var instance = 0
            for occurrence in 0..<repeats {
                if occurrence > 0 { position += gap }
                for _ in 0..<perOccurrence {
                    for leaf in entry.leaves {
                        if let problem = decode(leaf, instance: instance, record: record, position: &position, &reader) {
                            return "\(problem) (entry at \(entry.source))"
                        }
                    }
                    instance += 1
                }
            }
        }
        return nil
    }

    /// Elements a variable-count entry's columns were allocated for.
    private func capacityOf(_ entry: DynamicEntry) -> Int {
        guard let leaf = entry.leaves.first, leaf.column >= 0 else { return 0 }
        return sink.elementsPerRecord[leaf.column] / max(1, leaf.stride)
    }

    private func evaluate(_ e: IntegerExpression, _ reader: inout PacketReader) -> Int? {
        switch e {
        case .constant(let c): return c
        case .linear(let source, let slope, let intercept):
            guard let v = reader.value(source) else { return nil }
            if v.isInteger, slope == slope.rounded(), intercept == intercept.rounded(), abs(slope) < 1e15, abs(intercept) < 1e15 {
                let (m, o1) = v.integer.multipliedReportingOverflow(by: Int64(slope))
                let (r, o2) = m.addingReportingOverflow(Int64(intercept))
                return o1 || o2 ? nil : Int(exactly: r)
            }
            let r = (slope * v.double + intercept).rounded(.towardZero)
            guard r.isFinite, abs(r) < 1e15 else { return nil }
            return Int(r)
        }
    }

    private func decode(_ leaf: DynamicLeaf, instance: Int, record: Int, position: inout Int,
                        _ reader: inout PacketReader) -> String? {
        let index = leaf.column >= 0 ? record &* sink.elementsPerRecord[leaf.column] + instance &* leaf.stride + leaf.element : 0
        switch leaf.kind {
        case .skip(let bits):
            guard position + bits <= reader.bitCount else { return "fixed value runs past the packet's end" }
            position += bits
        case .numeric(let width, let scheme, let littleEndian):
            guard let bits = reader.bits(at: position, width: width, littleEndian: littleEndian) else {
                return "field at bit \(position) (\(width) bits) runs past the packet's end (\(reader.bitCount) bits)"
            }
            sink.store(bits: bits, width: width, scheme: scheme, column: leaf.column, index: index)
            if let s = leaf.slot { reader.slots?[s] = ScalarValue(bits: bits, width: width, scheme: scheme) }
            position += width
        case .binary(let size, let sizeColumn):
            guard let bits = evaluate(size, &reader), bits >= 0 else { return "binary size cannot be read or is negative" }
            guard position + bits <= reader.bitCount else {
                return "binary field at bit \(position) (\(bits) bits) runs past the packet's end (\(reader.bitCount) bits)"
            }
            let width = sink.elementTypes[leaf.column].byteWidth
            guard (bits + 7) / 8 <= width else { return "binary field of \(bits) bits wider than its column" }
            reader.copyBits(at: position, count: bits, to: sink.bases[leaf.column] + index * width)
            if let c = sizeColumn { sink.storeCount(bits, column: c, record: record) }
            position += bits
        case .string(let layout, let sizeColumn):
            return decodeString(layout, leaf: leaf, index: index, sizeColumn: sizeColumn, record: record,
                                position: &position, &reader)
        }
        return nil
    }

    private func decodeString(_ layout: StringLayout, leaf: DynamicLeaf, index: Int, sizeColumn: Int?, record: Int,
                              position: inout Int, _ reader: inout PacketReader) -> String? {
        guard position % 8 == 0 else { return "string at bit \(position) does not start on a byte boundary" }
        var start = position / 8
        var available = reader.packet.count - start
        var bufferBytes: Int? = nil
        if let b = layout.buffer {
            guard let bits = evaluate(b, &reader), bits >= 0, bits % 8 == 0 else {
                return "string buffer size cannot be read or is not whole bytes"
            }
            guard bits / 8 <= available else { return "string buffer runs past the packet's end" }
            bufferBytes = bits / 8
            available = bits / 8
        } else if let m = layout.maxBits {
            available = min(available, m / 8)
        }
        var length = available
        var consumed = available
        if let tagBits = layout.sizeTagBits {
            guard let tag = reader.bits(at: start * 8, width: tagBits, littleEndian: false) else {
                return "string size tag runs past the packet's end"
            }
            let tagBytes = (tagBits + 7) / 8
            guard tag <= UInt64(available - tagBytes) else { return "string length \(tag) runs past its buffer" }
            start += tagBytes
            length = Int(tag)
            consumed = tagBytes + length
        } else if let terminator = layout.terminator, !terminator.isEmpty {
            length = available
            consumed = available
            var i = 0
            while i + terminator.count <= available {
                var match = true
                for (k, t) in terminator.enumerated() where reader.packet[start + i + k] != t { match = false; break }
                if match { length = i; consumed = i + terminator.count; break }
                i += 1
            }
            if length == available && bufferBytes == nil { return "string terminator not found before the packet's end" }
        }
        let width = sink.elementTypes[leaf.column].byteWidth
        let copied = min(length, width)
        if copied > 0, let src = reader.packet.baseAddress {
            (sink.bases[leaf.column] + index * width).copyMemory(from: src + start, byteCount: copied)
        }
        if let c = sizeColumn { sink.storeCount(length * 8, column: c, record: record) }
        position += (bufferBytes ?? consumed) * 8
        return copied < length ? "string of \(length) bytes truncated to its column's \(width)" : nil
    }
}
