/// How `HDF5Writer` lays out a `Dataset`.
///
/// Defaults: one group named after the `Logical_source` global attribute (else "product"),
/// contiguous uncompressed datasets, dimension scales attached. Costs nothing (a value).
public struct HDF5WriteOptions: Sendable {
    /// The product's group; nil: the `Logical_source` global attribute, else "product".
    public var group: String? = nil
    /// Compression of every dataset that can be chunked (any dataset with at least one element and
    /// one dimension); anything but `.none` makes those datasets chunked.
    public var compression: HDF5Compression = .none
    /// Byte shuffle before the compressor (filter 2), as h5py's `shuffle=True`.
    public var shuffle: Bool = true
    /// Records per chunk; nil: as many as fit in `chunkBytes` (at least one).
    public var chunkRecords: Int? = nil
    /// Target chunk size in bytes when `chunkRecords` is nil.
    public var chunkBytes: Int = 1 << 20
    /// Threads that shuffle and compress chunks while libhdf5 stores them (0 = active processors).
    public var maxConcurrency: Int = 0
    /// Attaches dimension scales (record dimension: the DEPEND_0 or first TT2000 variable; other
    /// dimensions: DEPEND_i, a same-named 1-D support variable, or an index dataset of that name).
    public var dimensionScales: Bool = true

    public init() {}
}
