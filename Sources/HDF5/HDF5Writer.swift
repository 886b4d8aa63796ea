#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CHDF5
import CHDF5DirectDriver
import Dataset
import ProductOutput

/// Writes a `Dataset` as an HDF5 file through libhdf5: one group per product holding the global
/// attributes, one dataset per variable (records first, then the per-record shape) with its
/// attributes, and dimension scales attached (see `DimensionScalePlan`). Uncompressed datasets are
/// contiguous and written with one `H5Dwrite` straight from the column buffer. Compressed datasets are
/// chunked along records; their chunks are shuffled and compressed in parallel in Swift and stored with
/// `H5Dwrite_chunk` (libhdf5 runs every call under one global lock, so it only stores).
///
/// The file is written to a temporary file in the destination folder, synced and renamed: never a
/// partial product. Invalid input is found before the file is created. Little-endian hosts only
/// (column bytes are stored as they are).
/// Uncompressed columns of 1 MiB or more are not written by libhdf5: it reserves their place (4 KiB-
/// aligned) and, once the file is closed, `PlacedFileWriter` writes them there with direct I/O.
/// The file is opened with Downlink's libhdf5 file driver (CHDF5DirectDriver): the stored chunks,
/// which libhdf5 writes one after the other, are staged and sent to the device with direct I/O by
/// the driver's I/O thread instead of being copied into the page cache.
/// Costs: uncompressed, no copy through the page cache for large columns (one by the kernel for small
/// ones); compressed, one shuffle and one compression per chunk on `maxConcurrency` threads, about
/// 2 x threads chunks in memory, one copy of each stored chunk into the driver's 16 MiB of stages.
public struct HDF5Writer: Sendable {
    public var options: HDF5WriteOptions

    public init(options: HDF5WriteOptions = HDF5WriteOptions()) { self.options = options }

    /// Writes `dataset` to `path`.
    /// - Throws: `HDF5Error` for input HDF5 cannot hold (nothing is created then), libhdf5 failures
    ///   with the library's error stack, and I/O failures (the temporary file is removed).
    @discardableResult
    public func write(_ dataset: Dataset, to path: String) throws(HDF5Error) -> HDF5WriteReport {
        try HDF5Library.setUp()
        let group = try groupName(dataset)
        try HDF5Names.check(group, what: "group")
        try HDF5Attributes.validate(dataset.attributes, on: group, isDataset: false)
        var layouts: [HDF5Layout] = []
        for v in dataset.variables {
            try HDF5Names.check(v.name, what: "variable")
            try HDF5Attributes.validate(v.attributes, on: v.name, isDataset: options.dimensionScales)
            layouts.append(try HDF5Layout(v, options: options))
        }
        let scales = options.dimensionScales ? try DimensionScalePlan(dataset) : nil
        for s in scales?.indexDatasets ?? [] { try HDF5Names.check(s.name, what: "dimension") }
        if case .deflate(let l) = options.compression, !(0...9).contains(l) { throw .invalidOption("deflate level \(l) is not 0-9") }
        if case .zstd(let l) = options.compression, !(-131072...22).contains(l) { throw .invalidOption("zstd level \(l) is out of range") }

        let destination: TemporaryDestination
        do { destination = try TemporaryDestination(destination: path) } catch let e as OutputError { throw .output(e) } catch {
            throw .invalidOption("\(error)")
        }
        let fapl = try HDF5Object(H5Pcreate(dl_H5P_FILE_ACCESS()), .propertyList, "H5Pcreate(FILE_ACCESS)")
        try HDF5Library.check(H5Pset_alignment(fapl.id, hsize_t(HDF5DatasetWriter.placedMinimum), hsize_t(PlacedFileWriter.alignment)),
                              "H5Pset_alignment")
        // Without the driver (another libhdf5 version), libhdf5's default POSIX driver writes buffered.
        if dl_direct_driver_id() >= 0 {
            try HDF5Library.check(dl_set_fapl_direct_driver(fapl.id), "H5Pset_driver(downlink-direct)")
        }
        let file = try HDF5Object(H5Fcreate(destination.temporaryPath, dl_H5F_ACC_TRUNC(), dl_H5P_DEFAULT(), fapl.id),
                                  .file, "H5Fcreate(\(destination.temporaryPath))")
        var placed: [PlacedData] = []
        do {
            let g = try HDF5Object(H5Gcreate2(file.id, group, dl_H5P_DEFAULT(), dl_H5P_DEFAULT(), dl_H5P_DEFAULT()), .group, "H5Gcreate2(\(group))")
            try HDF5Attributes.write(dataset.attributes, to: g.id, objectName: group)
            let threads = options.maxConcurrency > 0 ? options.maxConcurrency : activeProcessors()
            for (v, layout) in zip(dataset.variables, layouts) {
                if let p = try HDF5DatasetWriter(options: options, threads: threads).write(v, layout: layout, in: g.id) { placed.append(p) }
            }
            if let scales { try DimensionScales.write(scales, in: g.id) }
        }
        try file.close()
        do {
            if !placed.isEmpty {
                let writer = try PlacedFileWriter(path: destination.temporaryPath)
                for p in placed { try p.column.withUnsafeBytes { try writer.write($0, at: p.offset) } }
            }
        } catch let e as OutputError { throw .output(e) } catch { throw .invalidOption("\(error)") }
        do { try destination.commit() } catch let e as OutputError { throw .output(e) } catch { throw .invalidOption("\(error)") }
        var st = stat()
        return HDF5WriteReport(path: path, group: group, bytes: stat(path, &st) == 0 ? Int(st.st_size) : 0)
    }

    private func groupName(_ dataset: Dataset) throws(HDF5Error) -> String {
        if let g = options.group { return g }
        if case .text(let t)? = dataset.attributes["Logical_source"], t.count == 1, !t[0].isEmpty { return t[0] }
        return "product"
    }
}

/// What `HDF5Writer.write` wrote: the path, the product's group and the file size in bytes.
public struct HDF5WriteReport: Sendable, Equatable {
    public let path: String
    public let group: String
    public let bytes: Int
}

/// HDF5 link names: non-empty, no '/', not '.'. Costs a scan of the name.
enum HDF5Names {
    static func check(_ name: String, what: String) throws(HDF5Error) {
        guard !name.isEmpty, name != "." else { throw .invalidName(name, reason: "\(what) names cannot be empty or '.'") }
        guard !name.contains("/") else { throw .invalidName(name, reason: "\(what) names cannot contain '/'") }
        guard !name.utf8.contains(0) else { throw .invalidName(name, reason: "\(what) names cannot contain NUL") }
    }
}

func activeProcessors() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
