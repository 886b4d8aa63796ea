import CHDF5

/// One open libhdf5 identifier (file, group, dataset, dataspace, datatype, property list or
/// attribute), closed exactly once: by `close()` (which reports errors, used for files) or by
/// `deinit` when the owner leaves scope, on success and error paths alike.
///
/// Costs: what libhdf5 holds for the object while open. Not copyable and not Sendable: the writer
/// that opened it closes it.
struct HDF5Object: ~Copyable {
    enum Kind { case file, group, dataset, dataspace, datatype, propertyList, attribute }

    let id: hid_t
    let kind: Kind
    private var open = true

    /// Wraps the id a create/open call returned; throws with the error stack when it is negative.
    init(_ id: hid_t, _ kind: Kind, _ call: @autoclosure () -> String) throws(HDF5Error) {
        try HDF5Library.check(id, call())
        self.id = id
        self.kind = kind
    }

    /// Closes now and reports a failure (for files: the final flush).
    consuming func close() throws(HDF5Error) {
        open = false
        try HDF5Library.check(Self.close(id, kind), "close \(kind)")
    }

    deinit {
        if open { _ = Self.close(id, kind) }
    }

    private static func close(_ id: hid_t, _ kind: Kind) -> herr_t {
        switch kind {
        case .file: H5Fclose(id)
        case .group: H5Gclose(id)
        case .dataset: H5Dclose(id)
        case .dataspace: H5Sclose(id)
        case .datatype: H5Tclose(id)
        case .propertyList: H5Pclose(id)
        case .attribute: H5Aclose(id)
        }
    }
}
