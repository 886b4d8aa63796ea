import Dataset
import Foundation

/// What the independent readers must find in the files a test wrote (read by tools/writer_validate.py).
/// Expected values come straight from the Dataset's column bytes (little-endian), independently of
/// the writers.
public struct WriterManifest {
    public let directory: String
    var files: [[String: Any]] = []

    public init(directory: String) { self.directory = directory }

    /// Adds a FITS file: `images` are the variables written as image extensions; `compressed` says the
    /// tables are tile-compressed.
    public mutating func addFITS(path: String, dataset: Dataset, images: Set<String> = [], tableName: String = "DATA",
                                 supportTableName: String = "SUPPORT", checksum: Bool = true, compressed: Bool = false) {
        let vars = dataset.variables.map { v -> [String: Any] in
            var e = Self.variable(v)
            e["hdu"] = images.contains(v.name) ? v.name : (v.column.isRecordVarying ? tableName : supportTableName)
            e["image"] = images.contains(v.name)
            return e
        }
        files.append(["format": "fits", "path": path, "checksum": checksum, "compressed": compressed,
                      "globals": Self.attributes(dataset.attributes), "variables": vars])
    }

    /// Adds an HDF5 file: `group` holds the product; `filters` are the expected filter ids per variable
    /// (e.g. [2, 1] for shuffle + deflate, [32015] for zstd), `chunked` whether datasets are chunked;
    /// `scales` maps a variable to the dimension-scale dataset name expected per dimension (nil: none,
    /// e.g. for a variable that is itself a scale).
    public mutating func addHDF5(path: String, dataset: Dataset, group: String, filters: [Int], chunked: Bool,
                                 scales: [String: [String?]]) {
        let vars = dataset.variables.map { v -> [String: Any] in
            var e = Self.variable(v)
            if let s = scales[v.name] { e["scales"] = s.map { $0 as Any? ?? NSNull() } }
            return e
        }
        files.append(["format": "hdf5", "path": path, "group": group, "filters": filters, "chunked": chunked,
                      "globals": Self.attributes(dataset.attributes), "variables": vars])
    }

    static func variable(_ v: Variable) -> [String: Any] {
        let c = v.column
        let type: String
        switch c.elementType {
        case .string(let w): type = "S\(w)"
        case .binary(let w): type = "V\(w)"
        default: type = c.elementType.description
        }
        return [
            "name": v.name, "type": type, "records": c.records, "record_varying": c.isRecordVarying,
            "shape": c.shape, "dims": v.dimensionNames,
            "data_b64": c.withUnsafeBytes { Data($0).base64EncodedString() },
            "attributes": attributes(v.attributes),
        ]
    }

    static func attributes(_ a: Attributes) -> [String: Any] {
        var out: [String: Any] = [:]
        for (name, value) in a {
            switch value {
            case .text(let t): out[name] = ["type": "text", "values": t]
            default:
                out[name] = ["type": value.elementType!.description, "count": value.count,
                             "le_b64": Data(value.littleEndianBytes).base64EncodedString()]
            }
        }
        return out
    }

    public func json() throws -> Data {
        try JSONSerialization.data(withJSONObject: ["files": files], options: [.prettyPrinted, .sortedKeys])
    }
}
