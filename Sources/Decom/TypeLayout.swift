// Flattening a parameter type (aggregates, fixed inner arrays) into leaves with column names.

import Dataset
import PacketDefinitions

/// One leaf of a flattened type instance: a scalar encoding, the column it belongs to, its
/// element inside that column's per-instance shape, and its bit offset inside the instance when
/// every leaf before it has a constant size.
struct LeafTemplate {
    var name: String
    var parameter: ParameterID
    var type: ParameterTypeID
    var encoding: DataEncoding
    var innerShape: [Int]
    var innerElement: Int
    var offsetInInstance: Int?
    var sizeInBits: Int?
}

/// Builds leaf templates for types; checks encodings the decoder can read.
struct TypeLayout {
    let set: DefinitionSet
    /// Leaves beyond this per instance are refused (a definition bug, or an attack).
    static let maxLeaves = 1 << 20

    /// The leaves of one instance of `type`, in packet order.
    func leaves(of type: ParameterTypeID, name: String, parameter: ParameterID,
                at source: SourceLocation) throws(DecomError) -> [LeafTemplate] {
        var out: [LeafTemplate] = []
        var offset: Int? = 0
        try append(type, name: name, parameter: parameter, innerShape: [], innerElement: 0, depth: 0,
                   offset: &offset, into: &out, at: source)
        return out
    }

    private func append(_ t: ParameterTypeID, name: String, parameter: ParameterID, innerShape: [Int], innerElement: Int,
                        depth: Int, offset: inout Int?, into out: inout [LeafTemplate],
                        at source: SourceLocation) throws(DecomError) {
        guard depth < 64 else { throw .unsupported("types nested deeper than 64 levels", at: source) }
        let type = set.parameterTypes[t.index]
        switch type.kind {
        case .aggregate(let members):
            for m in members {
                try append(m.type, name: name + "." + m.name, parameter: parameter, innerShape: innerShape,
                           innerElement: innerElement, depth: depth + 1, offset: &offset, into: &out, at: source)
            }
        case .array(let info):
            guard !info.expandsToFillPacket, !info.dimensions.isEmpty else {
                throw .unsupported("array '\(type.name)' inside an aggregate or array without constant dimensions", at: source)
            }
            var dims: [Int] = []
            for d in info.dimensions {
                guard let n = d.fixedCount, n >= 0 else {
                    throw .unsupported("array '\(type.name)' nested with packet-dependent dimensions", at: source)
                }
                dims.append(n)
            }
            let count = dims.reduce(1, *)
            guard count <= Self.maxLeaves else { throw .unsupported("array '\(type.name)' with \(count) elements", at: source) }
            // Each element is laid out in turn; its leaves go to the same columns with a wider shape.
            let shape = innerShape + dims
            for j in 0..<count {
                var element: [LeafTemplate] = []
                try append(info.elementType, name: name, parameter: parameter, innerShape: [], innerElement: 0,
                           depth: depth + 1, offset: &offset, into: &element, at: source)
                for var leaf in element {
                    let leafInner = leaf.innerShape.reduce(1, *)
                    leaf.innerElement = (innerElement * count + j) * leafInner + leaf.innerElement
                    leaf.innerShape = shape + leaf.innerShape
                    out.append(leaf)
                }
                guard out.count <= Self.maxLeaves else {
                    throw .unsupported("parameter '\(name)' expands to more than \(Self.maxLeaves) values", at: source)
                }
            }
        default:
            guard let encoding = type.encoding else {
                throw .invalidDefinition("type '\(type.name)' of '\(name)' has no data encoding", at: source)
            }
            try checkEncoding(encoding, typeName: type.name, at: source)
            let size = encoding.fixedSizeInBits
            out.append(LeafTemplate(name: name, parameter: parameter, type: t, encoding: encoding, innerShape: innerShape,
                                    innerElement: innerElement, offsetInInstance: offset, sizeInBits: size))
            if let o = offset, let s = size { offset = o + s } else { offset = nil }
        }
    }

    private func checkEncoding(_ e: DataEncoding, typeName: String, at source: SourceLocation) throws(DecomError) {
        switch e {
        case .integer(let i):
            guard (1...64).contains(i.sizeInBits) else {
                throw .unsupported("integer of \(i.sizeInBits) bits in type '\(typeName)'", at: source)
            }
            if i.byteOrder == .leastSignificantByteFirst && i.sizeInBits % 8 != 0 {
                throw .unsupported("little-endian integer of \(i.sizeInBits) bits (not whole bytes) in type '\(typeName)'", at: source)
            }
            if (i.scheme == .bcd || i.scheme == .packedBCD) && i.sizeInBits % 4 != 0 {
                throw .unsupported("BCD integer of \(i.sizeInBits) bits (not whole digits) in type '\(typeName)'", at: source)
            }
        case .float(let f):
            guard f.sizeInBits == 32 || f.sizeInBits == 64 else {
                throw .unsupported("float of \(f.sizeInBits) bits in type '\(typeName)'", at: source)
            }
        case .binary, .string:
            break
        }
    }

    /// The column element type of a numeric encoding's raw values.
    static func elementType(width: Int, scheme: NumericScheme) -> ElementType {
        switch scheme {
        case .float: return width == 32 ? .float32 : .float64
        case .twosComplement, .onesComplement, .signMagnitude:
            return width <= 8 ? .int8 : width <= 16 ? .int16 : width <= 32 ? .int32 : .int64
        case .unsigned, .bcd:
            return width <= 8 ? .uint8 : width <= 16 ? .uint16 : width <= 32 ? .uint32 : .uint64
        }
    }

    /// The scheme, width and byte order of a numeric encoding; `nil` for binary and strings.
    static func numeric(_ e: DataEncoding) -> (width: Int, scheme: NumericScheme, littleEndian: Bool)? {
        switch e {
        case .integer(let i):
            let scheme: NumericScheme
            switch i.scheme {
            case .unsigned: scheme = .unsigned
            case .twosComplement: scheme = .twosComplement
            case .onesComplement: scheme = .onesComplement
            case .signMagnitude: scheme = .signMagnitude
            case .bcd, .packedBCD: scheme = .bcd
            }
            return (i.sizeInBits, scheme, i.byteOrder == .leastSignificantByteFirst)
        case .float(let f):
            return (f.sizeInBits, .float, f.byteOrder == .leastSignificantByteFirst)
        default:
            return nil
        }
    }
}
