import CDF
import Dataset
import FITS
import Foundation
import HDF5

/// Writes one product dataset in one format with the mission's compression: CDF (ISTP checking as an
/// error at L2 and L3, a warning below), FITS, HDF5. Each writer writes a temporary file in the
/// destination folder and renames it, so a file is either complete or absent.
///
/// Costs: the writer's own (compression dominates); blocks compress in parallel inside the writers,
/// which run on Dispatch threads so that blocking I/O never holds the cooperative pool.
struct ProductFileWriter {
    let compression: CompressionSettings

    /// Writes `dataset` to `path`; returns the bytes written.
    func write(_ dataset: Dataset, level: ProductLevel, format: ProductFormat, to path: String, product: String) async throws(ProductError) -> Int {
        do {
            switch format {
            case .cdf:
                var options = CDFWriteOptions(compression: compression.cdfGzipLevel > 0 ? .gzip(level: compression.cdfGzipLevel) : .none,
                                              istp: level >= .l2 ? .error : .warn)
                for v in dataset.variables where v.column.elementType == .uint64 {
                    options.variables[v.name] = CDFVariableOptions(uint64: .int8Checked)
                }
                return try await CDFWriter(options: options).write(dataset, to: path).bytes
            case .fits:
                var options = FITSWriteOptions()
                options.compressTables = compression.fitsTiles
                return try await FITSWriter(options: options).write(dataset, to: path).bytes
            case .hdf5:
                var options = HDF5WriteOptions()
                switch compression.hdf5 {
                case .none: options.compression = .none
                case .deflate(let l): options.compression = .deflate(level: l)
                case .zstd(let l): options.compression = .zstd(level: l)
                }
                options.shuffle = compression.hdf5Shuffle
                return try await HDF5Writer(options: options).write(dataset, to: path).bytes
            }
        } catch {
            throw ProductError(product: product, "cannot write \(format.rawValue) file \(path): \(error)")
        }
    }
}
