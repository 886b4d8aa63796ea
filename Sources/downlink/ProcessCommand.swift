import ArgumentParser
import Foundation
import MissionIMAP
import Products
import SpacePackets

struct ProcessCommand: AsyncParsableCommand {
    /// Extensions (any case) of files scanned for APIDs when their names do not follow the mission's
    /// L0 pattern; "" is a file without one.
    static let level0Extensions: Set<String> = ["pkts", "bin", "ccsds", "dat", ""]

    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Make a mission's products for one day from its Level-0 files.",
        discussion: """
            Loads the mission folder (mission.yaml, definitions, tables; see testdata/missions/README.md), \
            finds the day's L0 files among INPUTS (files or folders) by the mission's L0 file-name pattern, \
            or by the APIDs a scan finds in files that do not follow it (.pkts, .bin, .ccsds, .dat or no \
            extension; another day's L0 by name is skipped), and makes every product whose \
            inputs are present (or those named by --product and what they need), instruments in parallel, \
            in the configured formats. Files are named by the mission's naming rule and written atomically; \
            nothing is written when any product fails. Prints a summary (or --json). Exit status: 0 when \
            every product was made, 1 on a configuration error or a failed product.
            """
    )

    @Option(name: .long, help: "The mission folder (with mission.yaml).")
    var mission: String

    @Option(name: .long, help: "The UTC day to make, YYYY-MM-DD.")
    var date: String

    @Option(name: [.short, .long], help: "Folder for the products (created if needed).")
    var output: String = "."

    @Option(name: .long, help: "Only this product and what it needs (repeat for several), e.g. mag_l2_norm.")
    var product: [String] = []

    @Option(name: .long, help: "Write this format instead of the mission's (repeat for several): cdf, fits, hdf5.")
    var format: [String] = []

    @Option(name: .long, help: "Version written in file names and Data_version.")
    var dataVersion: Int = 1

    @Flag(name: .long, help: "Print the summary as JSON.")
    var json = false

    @Argument(help: "Level-0 files or folders holding them.")
    var inputs: [String]

    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        guard let day = MissionDay(date) else { throw ValidationError("--date must be YYYY-MM-DD, got '\(date)'") }
        guard dataVersion >= 1 else { throw ValidationError("--data-version must be 1 or more") }
        let loaded: Mission
        do { loaded = try MissionLibrary.load(directory: mission) } catch {
            throw ProcessFailure(error.description)
        }
        var requested: Set<ProductID>? = nil
        if !product.isEmpty {
            var ids = Set<ProductID>()
            for text in product {
                guard let id = ProductID(text), loaded.recipe(id) != nil else {
                    throw ProcessFailure("--product \(text): not a product of mission \(loaded.name) (products: \(loaded.products.map(\.id.description).joined(separator: ", ")))")
                }
                ids.insert(id)
            }
            requested = ids
        }
        var formats: [ProductFormat]? = nil
        if !format.isEmpty {
            formats = try format.map { text in
                guard let f = ProductFormat(rawValue: text) else { throw ValidationError("--format must be cdf, fits or hdf5, got '\(text)'") }
                return f
            }
        }
        let level0 = try await Level0Finder(mission: loaded, day: day).find(inputs)
        let processor = MissionProcessor(mission: loaded)
        let ids = processor.makeable(withLevel0Of: Set(level0.keys), requested: requested)
        if let requested {
            let missing = requested.subtracting(ids)
            if !missing.isEmpty {
                throw ProcessFailure("cannot make \(missing.map(\.description).sorted().joined(separator: ", ")) for \(day): its L0 inputs are not among the inputs")
            }
        }
        guard !ids.isEmpty else {
            throw ProcessFailure("no L0 files of mission \(loaded.name) for \(day) among the inputs, so no product can be made")
        }
        let progress = ProcessProgressLine(total: ids.count)
        let seconds = SecondsBox()
        let made: [MadeProduct]
        do {
            made = try await processor.make(Set(ids), day: day, level0: level0, upstream: { _, _ in nil },
                                            versions: Dictionary(uniqueKeysWithValues: ids.map { ($0, dataVersion) }),
                                            into: output, formats: formats, skipProductsWithoutPackets: requested == nil,
                                            progress: { event in
                if case .made(let p, let s) = event { seconds.set(p.id, s) }
                if case .skipped(let id, let reason) = event {
                    FileHandle.standardError.write(Data("note: \(id) not made: \(reason)\n".utf8))
                }
                progress?.update(event)
            })
        } catch {
            progress?.finish()
            throw ProcessFailure("\(error)")
        }
        progress?.finish()
        let total = (clock.now - start)
        let totalSeconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        if json {
            print(ProcessSummary.json(mission: loaded.name, day: day, made: made, seconds: seconds.all, total: totalSeconds))
        } else {
            print(ProcessSummary.table(made: made, seconds: seconds.all, total: totalSeconds))
        }
    }
}

/// The steps `downlink process` recipes may name: the standard library (Sources/Products/Algorithms),
/// the engine's own (`support`, `time_order`, added by the loader) and the mission-specific steps
/// written in Swift (MissionIMAP).
enum MissionLibrary {
    static let library: AlgorithmLibrary = {
        var library = AlgorithmLibrary.standard
        MissionIMAP.register(into: &library)
        return library
    }()

    /// Loads a mission folder the way every command does (`process`, and the pipeline's `reprocess`
    /// and `watch` through `MissionProcessor(mission:)`).
    static func load(directory: String) throws(ConfigurationError) -> Mission {
        try Mission.load(directory: directory, library: library)
    }
}

/// A failure reported as `Error: message` with exit status 1.
struct ProcessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// Per-product seconds as products finish (tasks report concurrently).
final class SecondsBox: @unchecked Sendable {
    // Invariant: `values` is only touched with `lock` held.
    private let lock = NSLock()
    private var values: [ProductID: Double] = [:]
    func set(_ id: ProductID, _ s: Double) { lock.lock(); values[id] = s; lock.unlock() }
    var all: [ProductID: Double] { lock.lock(); defer { lock.unlock() }; return values }
}

/// Finds a day's L0 files among files and folders: by the mission's L0 file-name pattern first; files
/// that follow no instrument's pattern are scanned, and given to every instrument whose APIDs they hold.
struct Level0Finder {
    let mission: Mission
    let day: MissionDay

    func find(_ inputs: [String]) async throws -> [String: [String]] {
        var files: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ProcessFailure("\(input): no such file or folder")
            }
            if isDirectory.boolValue {
                guard let walker = FileManager.default.enumerator(atPath: input) else { continue }
                while let relative = walker.nextObject() as? String {
                    let path = input + "/" + relative
                    var dir: ObjCBool = false
                    if FileManager.default.fileExists(atPath: path, isDirectory: &dir), !dir.boolValue,
                       !(relative as NSString).lastPathComponent.hasPrefix(".") { files.append(path) }
                }
            } else {
                files.append(input)
            }
        }
        var byInstrument: [String: [String]] = [:]
        var unmatched: [String] = []
        // Ground-test files come as .CCSDS as often as .ccsds (IMAP Ultra's do): any case.
        let withL0 = mission.instruments.filter { !$0.apids.isEmpty }
        for path in files.sorted() {
            let name = (path as NSString).lastPathComponent
            if let instrument = withL0.first(where: { mission.naming.isLevel0(name, mission: mission.name, instrument: $0.name, day: day) }) {
                byInstrument[instrument.name, default: []].append(path)
            } else if withL0.contains(where: { mission.naming.isLevel0(name, mission: mission.name, instrument: $0.name) }) {
                continue  // another day's L0 file
            } else if ProcessCommand.level0Extensions.contains((name as NSString).pathExtension.lowercased()) {
                unmatched.append(path)
            }
        }
        if !unmatched.isEmpty {
            let scanned: [ScannedFile]
            do { scanned = try await PacketScanner.scan(paths: unmatched) } catch {
                throw ProcessFailure("cannot scan \(unmatched.joined(separator: ", ")): \(error)")
            }
            for file in scanned {
                let apids = Set(file.index.apids.map(\.apid))
                for instrument in withL0 where !apids.isDisjoint(with: instrument.apids) {
                    byInstrument[instrument.name, default: []].append(file.index.file)
                }
            }
        }
        return byInstrument
    }
}

/// One line on standard error while products are made, on a terminal only.
final class ProcessProgressLine: Sendable {
    private let total: Int
    private let state = NSLockedCounter()

    init?(total: Int) {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        self.total = total
    }

    func update(_ event: ProcessProgress) {
        let line: String
        switch event {
        case .decoded(let instrument, let packets, _, _):
            line = "decoded \(instrument): \(packets) packets"
        case .made(let product, _):
            let n = state.increment()
            line = "made \(n) of \(total) products: \(product.id)"
        case .skipped(let id, _):
            let n = state.increment()
            line = "skipped \(n) of \(total) products: \(id)"
        }
        FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
    }

    func finish() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}

/// A counter shared by concurrent progress reports.
final class NSLockedCounter: @unchecked Sendable {
    // Invariant: `value` is only touched with `lock` held.
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

/// The summary `downlink process` prints.
enum ProcessSummary {
    static func table(made: [MadeProduct], seconds: [ProductID: Double], total: Double) -> String {
        var rows = [["product", "version", "records", "bytes", "seconds", "files"]]
        for p in made {
            rows.append([p.id.description, "v" + NamingRule.version(p.version), String(p.records), String(p.bytes),
                         String(format: "%.3f", seconds[p.id] ?? 0), p.paths.map { ($0 as NSString).lastPathComponent }.joined(separator: " ")])
        }
        let records = made.reduce(0) { $0 + $1.records }, bytes = made.reduce(0) { $0 + $1.bytes }
        rows.append(["total: \(made.count) products", "", String(records), String(bytes), String(format: "%.3f", total), ""])
        var widths = [Int](repeating: 0, count: rows[0].count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return (i == 2 || i == 3 || i == 4) ? pad + c : c + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    static func json(mission: String, day: MissionDay, made: [MadeProduct], seconds: [ProductID: Double], total: Double) -> String {
        func quote(_ s: String) -> String {
            var out = "\""
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default: out += c.value < 0x20 ? String(format: "\\u%04x", c.value) : String(c)
                }
            }
            return out + "\""
        }
        let products = made.map { p in
            "{\"product\":\(quote(p.id.description)),\"version\":\(p.version),\"records\":\(p.records),\"bytes\":\(p.bytes),"
                + "\"seconds\":\(seconds[p.id] ?? 0),\"paths\":[\(p.paths.map(quote).joined(separator: ","))]}"
        }
        return "{\"mission\":\(quote(mission)),\"date\":\(quote(day.description)),\"products\":[\(products.joined(separator: ","))],"
            + "\"records\":\(made.reduce(0) { $0 + $1.records }),\"bytes\":\(made.reduce(0) { $0 + $1.bytes }),\"seconds\":\(total)}"
    }
}
