#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CFITSIO
import Dataset
import ProductOutput

/// Writes a `Dataset` as a FITS file through cfitsio: a primary HDU with the global attributes as
/// keywords, a binary table of the record-varying variables (one row per record; vectors and
/// multi-dimensional records as repeat counts with TDIMn; text as `A` columns; unsigned and int8
/// through TZEROn), a one-row table of the variables that are not record-varying, and optional IMAGE
/// extensions. TT2000 columns get the FITS time keywords. Every HDU gets CHECKSUM/DATASUM by default.
///
/// The file is written to a temporary file in the destination folder, synced and renamed: never a
/// partial product. Invalid input is found before any file is created. cfitsio writes it through
/// Downlink's I/O driver (CFITSIODirectDriver): the rows go to the device with direct I/O.
/// Costs: one pass over the data to byte-swap rows and sum them for DATASUM (parallel), one copy of
/// the rows into the driver's stages; with checksums, images are read back once by cfitsio. Memory: a
/// few blocks of rows and the driver's 16 MiB of stages.
public struct FITSWriter: Sendable {
    public var options: FITSWriteOptions

    public init(options: FITSWriteOptions = FITSWriteOptions()) { self.options = options }

    /// Writes `dataset` to `path`.
    /// - Throws: `FITSError` for input FITS cannot hold (nothing is created then), cfitsio failures and
    ///   I/O failures (the temporary file is removed).
    @discardableResult
    public func write(_ dataset: Dataset, to path: String) throws(FITSError) -> FITSWriteReport {
        let plan = try FITSPlan(dataset, options: options)
        let destination: TemporaryDestination
        do { destination = try TemporaryDestination(destination: path) } catch let e as OutputError { throw .output(e) } catch {
            throw .invalidOption("\(error)")
        }
        if options.compressTables && !plan.tables.isEmpty {
            let scratch: TemporaryDestination
            do { scratch = try TemporaryDestination(destination: path + ".uncompressed") } catch let e as OutputError { throw .output(e) } catch {
                throw .invalidOption("\(error)")
            }
            try writeFile(plan, dataset, at: scratch.temporaryPath, checksum: false)
            try FITSTableCompression.compress(scratch.temporaryPath, into: destination.temporaryPath, checksum: options.checksum)
            scratch.discard()
        } else {
            try writeFile(plan, dataset, at: destination.temporaryPath, checksum: options.checksum)
        }
        do { try destination.commit() } catch let e as OutputError { throw .output(e) } catch { throw .invalidOption("\(error)") }
        var st = stat()
        let bytes = stat(path, &st) == 0 ? Int(st.st_size) : 0
        return FITSWriteReport(path: path, bytes: bytes, hdus: 1 + plan.tables.count + plan.images.count)
    }

    private func writeFile(_ plan: FITSPlan, _ dataset: Dataset, at path: String, checksum: Bool) throws(FITSError) {
        let file = try FITSFile(creating: path)
        var announced = false
        try file.call("ffcrim(primary)") { ffcrim($0, BYTE_IMG, 0, nil, &$1) }
        try FITSHeader.write(dataset.attributes, to: file, longStringsAnnounced: &announced)
        if checksum { try file.call("ffpcks(primary)") { ffpcks($0, &$1) } }
        let threads = options.maxConcurrency > 0 ? options.maxConcurrency : activeProcessors()
        for t in plan.tables {
            announced = false      // LONGSTRN belongs in every HDU that uses CONTINUE cards
            try t.write(dataset, to: file, threads: threads, rowsPerBlock: options.rowsPerBlock, checksum: checksum,
                        longStringsAnnounced: &announced)
        }
        for image in plan.images {
            announced = false
            try image.write(dataset.variables[image.variableIndex], to: file, longStringsAnnounced: &announced)
            if checksum { try file.call("ffpcks(\(image.name))") { ffpcks($0, &$1) } }
        }
        try file.close()
    }
}

/// What `FITSWriter.write` wrote: the path, its size in bytes and the number of HDUs.
public struct FITSWriteReport: Sendable, Equatable {
    public let path: String
    public let bytes: Int
    public let hdus: Int
}

/// Which variables go where, checked before any file is created. Costs one pass over the variables
/// and their attributes.
struct FITSPlan {
    var tables: [FITSTable] = []
    var images: [FITSImage] = []

    init(_ dataset: Dataset, options: FITSWriteOptions) throws(FITSError) {
        for name in options.images where dataset[name] == nil {
            throw .invalidOption("image variable '\(name)' is not in the dataset")
        }
        guard options.tableName.uppercased() != options.supportTableName.uppercased() else {
            throw .invalidOption("the data and support tables need different names")
        }
        try FITSHeader.validate(dataset.attributes)
        var varying: [(Int, Variable)] = [], constant: [(Int, Variable)] = []
        for (i, v) in dataset.variables.enumerated() {
            if options.images.contains(v.name) {
                images.append(try FITSImage(v, index: i))
                try FITSHeader.validate(v.attributes)
            } else if v.column.isRecordVarying {
                varying.append((i, v))
            } else {
                constant.append((i, v))
            }
        }
        if let first = varying.first {
            tables.append(try FITSTable(name: options.tableName, variables: varying, rows: first.1.column.records,
                                        nullKeywords: !options.compressTables))
        }
        if !constant.isEmpty {
            tables.append(try FITSTable(name: options.supportTableName, variables: constant, rows: 1, nullKeywords: !options.compressTables))
        }
        var extnames = Set<String>()
        for name in tables.map(\.name) + images.map(\.name) where !extnames.insert(name.uppercased()).inserted {
            throw .invalidOption("two HDUs would be named '\(name)' (EXTNAME is case-insensitive); rename the variable or the table")
        }
    }
}

func activeProcessors() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
