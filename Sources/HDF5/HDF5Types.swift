import CHDF5
import Dataset

/// The HDF5 datatype for an element type: little-endian standard integers and IEEE floats (TT2000
/// as int64), fixed-size NUL-padded UTF-8 strings, and untagged opaque bytes. The same type
/// describes memory, so columns are written without conversion on little-endian hosts.
///
/// Costs: one `H5Tcopy` (+ settings) per call; the caller owns the returned type.
enum HDF5Types {
    static func datatype(for type: ElementType) throws(HDF5Error) -> HDF5Object {
        switch type {
        case .string(let w):
            let t = try HDF5Object(H5Tcopy(dl_H5T_C_S1()), .datatype, "H5Tcopy(C_S1)")
            try HDF5Library.check(H5Tset_size(t.id, w), "H5Tset_size(\(w))")
            try HDF5Library.check(H5Tset_strpad(t.id, H5T_STR_NULLPAD), "H5Tset_strpad")
            try HDF5Library.check(H5Tset_cset(t.id, H5T_CSET_UTF8), "H5Tset_cset")
            return t
        case .binary(let w):
            // No tag: libhdf5 converts opaque types only between equal tags, and h5py reads untagged ones.
            return try HDF5Object(H5Tcreate(H5T_OPAQUE, w), .datatype, "H5Tcreate(OPAQUE, \(w))")
        default:
            return try HDF5Object(H5Tcopy(standard(type)), .datatype, "H5Tcopy(\(type))")
        }
    }

    /// The predefined little-endian type of a numeric element type (not to be closed).
    static func standard(_ type: ElementType) -> hid_t {
        switch type {
        case .int8: dl_H5T_STD_I8LE()
        case .int16: dl_H5T_STD_I16LE()
        case .int32: dl_H5T_STD_I32LE()
        case .int64, .tt2000: dl_H5T_STD_I64LE()
        case .uint8: dl_H5T_STD_U8LE()
        case .uint16: dl_H5T_STD_U16LE()
        case .uint32: dl_H5T_STD_U32LE()
        case .uint64: dl_H5T_STD_U64LE()
        case .float32: dl_H5T_IEEE_F32LE()
        case .float64: dl_H5T_IEEE_F64LE()
        case .string, .binary: dl_H5T_C_S1()
        }
    }
}
