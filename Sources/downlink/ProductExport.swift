import CDF
import Dataset
import Decom
import FITS
import Foundation
import HDF5

/// Writes each decoded container as a product file of its own, `<folder>/<container>.<ext>`,
/// through the project's writers (each atomic: a temporary file, then rename). Decoded packets
/// carry no mission metadata yet, so files are written without ISTP checks; a UInt64 column (an
/// unsigned field wider than 32 bits) is stored as CDF_INT8 with a range check, since CDF has no
/// unsigned 64-bit type.
enum ProductExport {
    enum Format: String {
        case cdf, fits, hdf5

        var fileExtension: String {
            switch self {
            case .cdf: "cdf"
            case .fits: "fits"
            case .hdf5: "h5"
            }
        }
    }

    /// Returns the paths written, in container order.
    static func write(_ result: DecodeResult, as format: Format, into folder: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DecodeFailure("cannot create folder \(folder): \(error.localizedDescription)")
        }
        var paths: [String] = []
        for container in result.containers {
            let path = "\(folder)/\(fileName(container.name)).\(format.fileExtension)"
            do {
                switch format {
                case .cdf:
                    var options = CDFWriteOptions()
                    for variable in container.dataset.variables where variable.column.elementType == .uint64 {
                        options.variables[variable.name] = CDFVariableOptions(uint64: .int8Checked)
                    }
                    _ = try CDFWriter(options: options).write(container.dataset, to: path)
                case .fits:
                    _ = try FITSWriter().write(container.dataset, to: path)
                case .hdf5:
                    _ = try HDF5Writer().write(container.dataset, to: path)
                }
            } catch {
                throw DecodeFailure("container \(container.name): cannot write \(path): \(error)")
            }
            paths.append(path)
        }
        return paths
    }

    /// A container name as a file name: letters, digits, '.', '-' and '_' kept, anything else '_'.
    static func fileName(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }
}
