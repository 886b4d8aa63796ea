import Dataset
import Foundation
@testable import CDF

/// What the independent readers must find in the files a test wrote (see tools/cdf_validate.py).
/// Expected values are computed here from the Dataset, independently of the CDF reader.
struct Manifest {
    let directory: String
    var files: [[String: Any]] = []
    var extra: [String: Any] = [:]

    init(directory: String) { self.directory = directory }

    /// Describes one expected file variable.
    struct Expect {
        var cdfType: CDFDataType
        var compressed = false
        var sparse: CDFSparseRecords = .none
        var recordNumbers: [Int]? = nil
        var pad: [UInt8]? = nil
    }

    mutating func add(path: String, dataset: Dataset, expect: [String: Expect], md5: Bool = false, istp: Bool = false, xarray: Bool = false) {
        var vars: [[String: Any]] = []
        for v in dataset.variables {
            let e = expect[v.name]!
            let c = v.column
            var dims = c.shape
            var numElems = 1
            if case .string(let w) = c.elementType { numElems = w }
            if case .binary(let w) = c.elementType { dims.append(w) }
            if e.cdfType == .epoch16 { dims.removeLast() }
            let rb = c.bytesPerRecord
            var logical: [UInt8] = []
            let raw: [UInt8] = c.withUnsafeBytes { Array($0) }
            var records = c.records
            if let rn = e.recordNumbers, let last = rn.last {
                records = last + 1
                let padRecord = Array(repeating: e.pad!, count: rb / e.pad!.count).flatMap { $0 }
                var stored = 0
                var previous: [UInt8]? = nil
                for r in 0..<records {
                    if stored < rn.count && rn[stored] == r {
                        let rec = Array(raw[(stored * rb)..<((stored + 1) * rb)])
                        logical += rec; previous = rec; stored += 1
                    } else if e.sparse == .previousMissing, let p = previous {
                        logical += p
                    } else {
                        logical += padRecord
                    }
                }
            } else {
                logical = raw
            }
            var entry: [String: Any] = [
                "name": v.name, "cdf_type": Int(e.cdfType.rawValue), "num_elems": numElems, "dims": dims,
                "rec_vary": c.isRecordVarying, "records": records, "compressed": e.compressed,
                "sparse": Int(e.sparse.rawValue),
            ]
            if let rn = e.recordNumbers { entry["stored_records"] = rn }
            if case .string = c.elementType {
                entry["strings"] = (try? c.strings()) ?? []
            } else {
                entry["data_hex"] = hex(logical)
            }
            var attrs: [String: Any] = [:]
            for (name, value) in v.attributes {
                let typed = typedLikeVariable.contains(name)
                attrs[name] = Self.attr(value, typeOverride: typed ? e.cdfType : nil)
            }
            entry["attrs"] = attrs
            vars.append(entry)
        }
        var globals: [String: Any] = [:]
        for (name, value) in dataset.attributes { globals[name] = Self.attr(value, typeOverride: nil) }
        files.append(["path": path, "md5": md5, "istp": istp, "xarray": xarray, "globals": globals, "variables": vars])
    }

    static func attr(_ v: AttributeValue, typeOverride: CDFDataType?) -> [String: Any] {
        switch v {
        case .text(let s):
            // An empty text is stored as one space (CDF entries hold at least one element).
            return ["type": Int(typeOverride?.rawValue ?? 51), "text": s.map { $0.isEmpty ? " " : $0 }]
        default:
            let t: CDFDataType
            switch v {
            case .int8: t = .int1
            case .int16: t = .int2
            case .int32: t = .int4
            case .int64, .uint64: t = .int8
            case .uint8: t = .uint1
            case .uint16: t = .uint2
            case .uint32: t = .uint4
            case .float32: t = .real4
            case .float64: t = .real8
            case .tt2000: t = .timeTT2000
            case .text: t = .char
            }
            return ["type": Int((typeOverride ?? t).rawValue), "hex": hex(v.littleEndianBytes)]
        }
    }

    func json() throws -> Data {
        var root = extra
        root["files"] = files
        return try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8](); out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}
