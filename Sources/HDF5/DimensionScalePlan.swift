import Dataset

/// Which dataset serves as the dimension scale of each dimension of each variable.
///
/// Record dimension: the variable named by DEPEND_0, else the first scalar TT2000 variable, with the
/// same record count; else an index dataset "record". Dimension i of a record: the variable named by
/// DEPEND_i, else the variable named like the dimension, when it is a 1-D support (non-record-varying)
/// variable of that size; else an index dataset named like the dimension (0, 1, ...). Variables that
/// serve as scales get no scales attached (the convention forbids it).
/// Costs a linear search per dimension; nothing is written here.
struct DimensionScalePlan {
    /// (variable, dimension index, scale dataset name)
    var attachments: [(variable: String, dimension: Int, scale: String)] = []
    /// Scale dataset name -> the dimension name stored with H5DSset_scale.
    var scales: [(dataset: String, dimensionName: String)] = []
    /// Index datasets to create: name and size.
    var indexDatasets: [(name: String, size: Int)] = []

    init(_ dataset: Dataset) throws(HDF5Error) {
        let byName = Dictionary(dataset.variables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var scaleOf: [String: String] = [:]
        var planned: [(String, Int, String)] = []
        func text(_ v: Variable, _ key: String) -> String? {
            if case .text(let t)? = v.attributes[key], t.count == 1 { return t[0] }
            return nil
        }
        func fitsRecord(_ u: Variable?, _ records: Int) -> Bool {
            guard let u else { return false }
            return u.column.isRecordVarying && u.column.shape.isEmpty && u.column.records == records
        }
        func fitsSupport(_ u: Variable?, _ size: Int) -> Bool {
            guard let u else { return false }
            return !u.column.isRecordVarying && u.column.shape == [size]
        }
        func index(_ name: String, _ size: Int, for v: String) throws(HDF5Error) -> String {
            if let u = byName[name] {
                throw .invalidName(name, reason: "dimension of '\(v)' has the name of variable '\(u.name)', which cannot be its scale")
            }
            if let known = indexDatasets.first(where: { $0.name == name }) {
                guard known.size == size else {
                    throw .invalidName(name, reason: "used as a dimension of sizes \(known.size) and \(size)")
                }
            } else {
                indexDatasets.append((name, size))
                scaleOf[name] = name
            }
            return name
        }
        for v in dataset.variables {
            let c = v.column
            var dim = 0
            if c.isRecordVarying {
                let dep = text(v, "DEPEND_0").flatMap { byName[$0] }
                let time = dataset.variables.first { $0.column.elementType == .tt2000 && fitsRecord($0, c.records) }
                let scale: String
                if fitsRecord(dep, c.records) { scale = dep!.name }
                else if let time { scale = time.name }
                else { scale = try index("record", c.records, for: v.name) }
                scaleOf[scale] = scaleOf[scale] ?? (byName[scale] != nil ? scale : "record")
                planned.append((v.name, 0, scale))
                dim = 1
            }
            for (i, (dimName, size)) in zip(v.dimensionNames, c.shape).enumerated() {
                let dep = text(v, "DEPEND_\(i + 1)").flatMap { byName[$0] }
                let scale: String
                if fitsSupport(dep, size) { scale = dep!.name }
                else if fitsSupport(byName[dimName], size) { scale = dimName }
                else { scale = try index(dimName, size, for: v.name) }
                if scaleOf[scale] == nil { scaleOf[scale] = dimName }
                planned.append((v.name, dim + i, scale))
            }
        }
        scales = scaleOf.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        attachments = planned.filter { a in scaleOf[a.0] == nil && a.0 != a.2 }.map { ($0.0, $0.1, $0.2) }
    }
}
