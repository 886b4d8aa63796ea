import CHDF5
import Dataset

/// Creates the index datasets of a `DimensionScalePlan`, marks the scale datasets (H5DSset_scale) and
/// attaches them (H5DSattach_scale). Costs: the index datasets (8 bytes per element) and a few
/// libhdf5 calls per attachment.
enum DimensionScales {
    static func write(_ plan: DimensionScalePlan, in group: hid_t) throws(HDF5Error) {
        for (name, size) in plan.indexDatasets {
            let space = try simpleSpace([size])
            let d = try HDF5Object(H5Dcreate2(group, name, dl_H5T_STD_I64LE(), space.id, dl_H5P_DEFAULT(), dl_H5P_DEFAULT(), dl_H5P_DEFAULT()),
                                   .dataset, "H5Dcreate2(\(name))")
            let values = (0..<size).map { Int64($0) }
            if size > 0 {
                try HDF5Library.check(values.withUnsafeBytes {
                    H5Dwrite(d.id, dl_H5T_STD_I64LE(), dl_H5S_ALL(), dl_H5S_ALL(), dl_H5P_DEFAULT(), $0.baseAddress)
                }, "H5Dwrite(\(name))")
            }
        }
        for (dataset, dimensionName) in plan.scales {
            let d = try HDF5Object(H5Dopen2(group, dataset, dl_H5P_DEFAULT()), .dataset, "H5Dopen2(\(dataset))")
            try HDF5Library.check(H5DSset_scale(d.id, dimensionName), "H5DSset_scale(\(dataset))")
        }
        for a in plan.attachments {
            let d = try HDF5Object(H5Dopen2(group, a.variable, dl_H5P_DEFAULT()), .dataset, "H5Dopen2(\(a.variable))")
            let s = try HDF5Object(H5Dopen2(group, a.scale, dl_H5P_DEFAULT()), .dataset, "H5Dopen2(\(a.scale))")
            try HDF5Library.check(H5DSattach_scale(d.id, s.id, UInt32(a.dimension)),
                                  "H5DSattach_scale(\(a.scale) to \(a.variable) dimension \(a.dimension))")
        }
    }
}
