import CHDF5
import Dataset

/// Writes `Attributes` on an HDF5 object: text as variable-length UTF-8 strings (a scalar for one
/// entry, a 1-D array for several), numbers in their own little-endian type (a scalar for one value,
/// a 1-D array for several), TT2000 as int64.
///
/// Costs: a handful of libhdf5 calls per attribute.
enum HDF5Attributes {
    /// Names the dimension-scale convention reserves on datasets.
    static let reserved: Set<String> = ["CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "DIMENSION_LABELS"]

    static func validate(_ attributes: Attributes, on object: String, isDataset: Bool) throws(HDF5Error) {
        for (name, value) in attributes {
            if isDataset && reserved.contains(name) {
                throw .invalidName(name, reason: "attribute of '\(object)': reserved by the HDF5 dimension-scale convention")
            }
            if case .text(let t) = value, t.isEmpty {
                throw .invalidOption("attribute '\(name)' of '\(object)' has no text entries")
            }
            if case .text(let t) = value, t.contains(where: { $0.utf8.contains(0) }) {
                throw .invalidName(name, reason: "attribute text of '\(object)' contains a NUL byte")
            }
            if value.count == 0 { throw .invalidOption("attribute '\(name)' of '\(object)' has no values") }
        }
    }

    static func write(_ attributes: Attributes, to object: hid_t, objectName: String) throws(HDF5Error) {
        for (name, value) in attributes {
            let space = value.count == 1
                ? try HDF5Object(H5Screate(H5S_SCALAR), .dataspace, "H5Screate(SCALAR)")
                : try simpleSpace([value.count])
            let call = "attribute '\(name)' of '\(objectName)'"
            switch value {
            case .text(let lines):
                let type = try HDF5Object(H5Tcopy(dl_H5T_C_S1()), .datatype, "H5Tcopy")
                try HDF5Library.check(H5Tset_size(type.id, dl_H5T_VARIABLE()), "H5Tset_size(VARIABLE)")
                try HDF5Library.check(H5Tset_cset(type.id, H5T_CSET_UTF8), "H5Tset_cset")
                let attr = try HDF5Object(H5Acreate2(object, name, type.id, space.id, dl_H5P_DEFAULT(), dl_H5P_DEFAULT()), .attribute, "H5Acreate2(\(call))")
                var pointers: [UnsafeMutablePointer<CChar>?] = lines.map { strdup($0) }
                defer { pointers.forEach { free($0) } }
                try HDF5Library.check(H5Awrite(attr.id, type.id, &pointers), "H5Awrite(\(call))")
            default:
                let type = HDF5Types.standard(value.elementType!)
                let attr = try HDF5Object(H5Acreate2(object, name, type, space.id, dl_H5P_DEFAULT(), dl_H5P_DEFAULT()), .attribute, "H5Acreate2(\(call))")
                let bytes = value.littleEndianBytes
                try HDF5Library.check(bytes.withUnsafeBytes { H5Awrite(attr.id, type, $0.baseAddress) }, "H5Awrite(\(call))")
            }
        }
    }
}

/// A simple dataspace of `dims` (fixed size).
func simpleSpace(_ dims: [Int]) throws(HDF5Error) -> HDF5Object {
    var d = dims.map { hsize_t($0) }
    return try HDF5Object(H5Screate_simple(Int32(d.count), &d, nil), .dataspace, "H5Screate_simple(\(dims))")
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
