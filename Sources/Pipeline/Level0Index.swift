import Foundation
import Products

/// Records L0 files in the catalog: size, checksum, modification time, instrument and day from the name.
/// Costs one SHA-256 pass over each new or changed file; a known file with the same size and
/// modification time costs one catalog lookup.
public struct Level0Index: Sendable {
    public let catalog: Catalog
    public init(catalog: Catalog) { self.catalog = catalog }

    /// Indexes one file: its instrument and day, and whether the catalog did not know it (or knew
    /// other content). Throws for a name that is not an L0 file name.
    @discardableResult
    public func index(path: String) throws -> (instrument: String, day: MissionDay, changed: Bool) {
        let name = (path as NSString).lastPathComponent
        guard let parsed = Level0Name(fileName: name) else {
            throw PipelineError.usage("\(path): not an L0 file name (<mission>_<instrument>_l0_<YYYYMMDD>_v<NNN>.pkts)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let mtime = Int64((((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0) * 1000).rounded())
        // Same size and modification time as recorded: not read again (an archive of years of L0
        // is re-indexed by every reprocess).
        if let known = try catalog.file(path: path), known.size == size, known.mtime == mtime {
            return (parsed.instrument, parsed.day, false)
        }
        let (_, changed) = try catalog.registerLevel0(path: path, instrument: parsed.instrument, day: parsed.day,
                                                      version: parsed.version, size: size,
                                                      checksum: try SHA256.file(path), mtime: mtime)
        return (parsed.instrument, parsed.day, changed)
    }

    /// Indexes every L0 file in a folder (not recursive; other names are skipped); returns what changed.
    @discardableResult
    public func indexFolder(_ folder: String) throws -> [(instrument: String, day: MissionDay)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        return try names.filter { !$0.hasPrefix(".") && Level0Name(fileName: $0) != nil }.compactMap {
            let r = try index(path: "\(folder)/\($0)")
            return r.changed ? (r.instrument, r.day) : nil
        }
    }
}
