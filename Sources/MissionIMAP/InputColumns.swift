import Dataset
import Products

/// Reads the decoded L0 columns the IMAP steps need, whatever integer width Decom chose for them,
/// and turns a missing or mistyped column into a `ProductError` naming the product and the column.
///
/// Costs: one copy of each column read into an `[Int64]` (steps read a few columns of a day's packets).
struct InputColumns {
    let dataset: Dataset
    let product: String
    /// What the input is, for messages (e.g. "SWAPI science packets").
    let what: String

    var records: Int {
        dataset.variables.first { $0.column.isRecordVarying }?.column.records ?? 0
    }

    func fail(_ message: String) -> ProductError { ProductError(product: product, "\(what): \(message)") }

    /// Column `name`, or the one column named `<container>.name` (IMAP's newer XTCE files qualify
    /// parameter names, e.g. `SWP_SCI.SHCOARSE`).
    func variable(_ name: String) throws(ProductError) -> Variable {
        let qualified = dataset.variables.filter { $0.name.hasSuffix("." + name) }
        guard let v = dataset[name] ?? (qualified.count == 1 ? qualified[0] : nil) else {
            throw fail("no column \(name) (the L0 decode must come from the IMAP XTCE definitions; columns: \(dataset.variables.prefix(12).map(\.name).joined(separator: ", "))...)")
        }
        return v
    }

    /// An integer column as Int64 values (one per record; scalar columns only).
    func integers(_ name: String) throws(ProductError) -> [Int64] {
        let v = try variable(name)
        guard v.column.shape.isEmpty else { throw fail("column \(name) has shape \(v.column.shape); a scalar per packet is expected") }
        do {
            switch v.column.elementType {
            case .int8: return try v.column.values(as: Int8.self).map(Int64.init)
            case .int16: return try v.column.values(as: Int16.self).map(Int64.init)
            case .int32: return try v.column.values(as: Int32.self).map(Int64.init)
            case .int64: return try v.column.values(as: Int64.self)
            case .uint8: return try v.column.values(as: UInt8.self).map(Int64.init)
            case .uint16: return try v.column.values(as: UInt16.self).map(Int64.init)
            case .uint32: return try v.column.values(as: UInt32.self).map(Int64.init)
            case .uint64: return try v.column.values(as: UInt64.self).map { Int64(truncatingIfNeeded: $0) }
            default: throw fail("column \(name) is \(v.column.elementType), not an integer")
            }
        } catch let e as ProductError {
            throw e
        } catch {
            throw fail("column \(name): \(error)")
        }
    }

    /// A variable-size binary column: each record's bytes, cut to its `NAME.bits` size when Decom
    /// wrote one (else the whole fixed width).
    func binary(_ name: String) throws(ProductError) -> [[UInt8]] {
        let v = try variable(name)
        guard case .binary(let width) = v.column.elementType, v.column.shape.isEmpty else {
            throw fail("column \(name) is \(v.column.elementType), not a binary field")
        }
        let sizes: [Int64]? = dataset[v.name + ".bits"] != nil ? try integers(v.name + ".bits") : nil
        var out: [[UInt8]] = []
        out.reserveCapacity(v.column.records)
        v.column.withUnsafeBytes { raw in
            for r in 0..<v.column.records {
                let bytes = sizes.map { Int(($0[r] + 7) / 8) } ?? width
                out.append(Array(raw[(r * width)..<(r * width + min(bytes, width))]))
            }
        }
        return out
    }
}

extension ProductError {
    init(_ context: AlgorithmContext, _ message: String) { self.init(product: context.product, message) }
}

/// Wraps Dataset's own errors (duplicate names, shape mismatches) as the product's error.
func building(_ product: String, _ body: () throws -> Void) throws(ProductError) {
    do { try body() } catch let e as ProductError { throw e } catch {
        throw ProductError(product: product, "cannot build the output dataset: \(error)")
    }
}
