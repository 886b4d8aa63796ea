import CHDF5
import Dataset
import ProductOutput

/// Column bytes shared with compression threads. `@unchecked Sendable` is sound because the writer
/// keeps the `Dataset` (and so the column buffer) alive and unmodified until every thread is done,
/// and the bytes are only read.
struct SharedColumnBytes: @unchecked Sendable {
    let base: UnsafeRawPointer?
    let count: Int
}

/// Creates one variable's dataset (type, space, chunking and filters), writes its values and its
/// attributes. Costs: see `HDF5Writer`.
struct HDF5DatasetWriter {
    let options: HDF5WriteOptions
    let threads: Int

    /// Writes the variable; returns its contiguous data still to be placed in the file when that was
    /// left to `PlacedFileWriter` (columns of `placedMinimum` bytes or more).
    func write(_ v: Variable, layout: HDF5Layout, in group: hid_t) throws(HDF5Error) -> PlacedData? {
        let type = try HDF5Types.datatype(for: v.column.elementType)
        let space = layout.dims.isEmpty
            ? try HDF5Object(H5Screate(H5S_SCALAR), .dataspace, "H5Screate(SCALAR)")
            : try simpleSpace(layout.dims)
        let dcpl = try HDF5Object(H5Pcreate(dl_H5P_DATASET_CREATE()), .propertyList, "H5Pcreate(DATASET_CREATE)")
        try HDF5Library.check(H5Pset_fill_time(dcpl.id, H5D_FILL_TIME_NEVER), "H5Pset_fill_time")
        var codec: ChunkCodec? = nil
        // Large contiguous data: libhdf5 reserves its place now (no fill) and never writes it; the
        // bytes go there with direct I/O once the file is closed (see `HDF5Writer`).
        let placed = layout.chunk == nil && v.column.byteCount >= Self.placedMinimum
        if placed { try HDF5Library.check(H5Pset_alloc_time(dcpl.id, H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time(EARLY)") }
        if var chunk = layout.chunk?.map({ hsize_t($0) }) {
            try HDF5Library.check(H5Pset_chunk(dcpl.id, Int32(chunk.count), &chunk), "H5Pset_chunk(\(v.name))")
            if options.shuffle { try HDF5Library.check(H5Pset_shuffle(dcpl.id), "H5Pset_shuffle") }
            switch options.compression {
            case .none: break
            case .deflate(let level):
                try HDF5Library.check(H5Pset_deflate(dcpl.id, UInt32(level)), "H5Pset_deflate(\(level))")
            case .zstd(let level):
                var cd = [UInt32(bitPattern: Int32(level))]
                try HDF5Library.check(H5Pset_filter(dcpl.id, ZstdFilter.id, UInt32(H5Z_FLAG_OPTIONAL), 1, &cd), "H5Pset_filter(zstd)")
            }
            codec = ChunkCodec(compression: options.compression, shuffle: options.shuffle, elementSize: v.column.elementType.byteWidth)
        }
        let d = try HDF5Object(H5Dcreate2(group, v.name, type.id, space.id, dl_H5P_DEFAULT(), dcpl.id, dl_H5P_DEFAULT()),
                               .dataset, "H5Dcreate2(\(v.name))")
        var pending: PlacedData? = nil
        if let codec {
            try writeChunks(v, layout: layout, codec: codec, dataset: d.id)
        } else if placed {
            let address = H5Dget_offset(d.id)
            guard address != haddr_t.max else { throw .library(call: "H5Dget_offset(\(v.name))", stack: ["no storage was allocated"]) }
            pending = PlacedData(column: v.column, offset: Int(address))
        } else if v.column.byteCount > 0 {
            let status = v.column.withUnsafeBytes { raw in
                H5Dwrite(d.id, type.id, dl_H5S_ALL(), dl_H5S_ALL(), dl_H5P_DEFAULT(), raw.baseAddress)
            }
            try HDF5Library.check(status, "H5Dwrite(\(v.name))")
        }
        try HDF5Attributes.write(v.attributes, to: d.id, objectName: v.name)
        return pending
    }

    /// Contiguous columns of at least this many bytes are placed by `PlacedFileWriter`; the file's
    /// allocations of this size are aligned to 4 KiB (`HDF5Writer`) so that they can go out direct.
    static let placedMinimum = 1 << 20

    /// Compresses chunks on `threads` threads and stores them in order with H5Dwrite_chunk.
    private func writeChunks(_ v: Variable, layout: HDF5Layout, codec: ChunkCodec, dataset: hid_t) throws(HDF5Error) {
        let rows = layout.chunkRecords
        let count = (layout.dims[0] + rows - 1) / rows
        let rank = layout.dims.count
        let name = v.name
        let result: Result<Void, HDF5Error> = v.column.withUnsafeBytes { raw in
            let chunker = Chunker(source: SharedColumnBytes(base: raw.baseAddress, count: raw.count),
                                  chunkBytes: layout.chunkByteCount, codec: codec)
            do {
                try ParallelBlocks.run(count: count, workers: threads, produce: { k in try chunker.encode(k) }, consume: { k, stored in
                    var offset = [hsize_t](repeating: 0, count: rank)
                    offset[0] = hsize_t(k * rows)
                    let b = stored.bytes
                    let status = H5Dwrite_chunk(dataset, dl_H5P_DEFAULT(), stored.mask, &offset, b.count, b.baseAddress)
                    try HDF5Library.check(status, "H5Dwrite_chunk(\(name), chunk \(k))")
                })
                return .success(())
            } catch let e as HDF5Error {
                return .failure(e)
            } catch {
                return .failure(.compression("\(error)"))
            }
        }
        try result.get()
    }
}

/// A contiguous dataset's column and the file offset libhdf5 reserved for it.
struct PlacedData {
    let column: Column
    let offset: Int
}

/// Cuts a column into whole chunks along records and encodes chunk k; the last chunk is zero-padded
/// to the full chunk shape, as libhdf5 stores edge chunks. Costs one padded copy for the last chunk.
struct Chunker: Sendable {
    let source: SharedColumnBytes
    let chunkBytes: Int
    let codec: ChunkCodec

    func encode(_ k: Int) throws(HDF5Error) -> EncodedChunk {
        let start = k * chunkBytes
        let n = min(chunkBytes, source.count - start)
        let base = source.base! + start
        if n == chunkBytes {
            return try codec.encode(UnsafeRawBufferPointer(start: base, count: n))
        }
        let padded = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { padded.deallocate() }
        padded.initializeMemory(as: UInt8.self, repeating: 0)
        padded.baseAddress!.copyMemory(from: base, byteCount: n)
        return try codec.encode(UnsafeRawBufferPointer(padded))
    }
}
