/// How `FITSWriter` lays out a `Dataset`.
///
/// Defaults: record-varying variables in one binary table named "DATA", the others in a one-row table
/// "SUPPORT", CHECKSUM/DATASUM on every HDU, no compression. Costs nothing (a value).
public struct FITSWriteOptions: Sendable {
    /// EXTNAME of the binary table that holds the record-varying variables (one row per record).
    public var tableName: String = "DATA"
    /// EXTNAME of the one-row binary table that holds the variables that are not record-varying.
    public var supportTableName: String = "SUPPORT"
    /// Variables written as IMAGE extensions (EXTNAME = variable name) instead of table columns: 2-D
    /// and 3-D numeric products such as maps and spectrograms (records x bins, records x a x b, or a
    /// non-record-varying a x b [x c] array).
    public var images: Set<String> = []
    /// Writes CHECKSUM and DATASUM keywords in every HDU (cfitsio ffpcks; one extra pass over each HDU).
    public var checksum: Bool = true
    /// Tile-compresses the binary tables (cfitsio's table compression, FITS 4.0 section 10.3): the
    /// table is written uncompressed to a scratch file beside the destination, then compressed
    /// column by column into the product. Readers need cfitsio (fitsio, funpack) to decompress.
    public var compressTables: Bool = false
    /// Threads that byte-swap and interleave table rows while cfitsio writes (0 = active processors).
    public var maxConcurrency: Int = 0
    /// Rows packed per block handed to cfitsio (bounded memory: about 2 x threads blocks in flight).
    public var rowsPerBlock: Int = 0

    public init() {}
}
