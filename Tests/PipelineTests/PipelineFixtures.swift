import CatalogPostgreSQL
import Foundation
import Pipeline
import PipelineTestSupport
import Products

/// Where a test's catalog lives: a fresh SQLite file, or a fresh schema in the PostgreSQL server that
/// .ci/run starts (DOWNLINK_TEST_POSTGRES, a libpq connection string).
enum Backend: String, Sendable, CustomStringConvertible {
    case sqlite, postgresql
    var description: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["DOWNLINK_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// A new, empty catalog location for one test.
    func freshLocation(in folder: String) throws -> String {
        switch self {
        case .sqlite: return "\(folder)/catalog.sqlite"
        case .postgresql:
            guard let base = Backend.postgresURL else { throw FakeMakerError(message: "DOWNLINK_TEST_POSTGRES not set") }
            let schema = "t\(UInt32.random(in: 0 ... .max))\(getpid())"
            let admin = try PostgreSQLConnection(connectionString: base)
            _ = try admin.query("CREATE SCHEMA \(schema)", [])
            if base.hasPrefix("postgres") { return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)" }
            return base + " options='-csearch_path=\(schema)'"
        }
    }
}

/// A temporary folder with l0/, inbox/ and products/ for one test.
struct Workspace {
    let root: String
    init() throws {
        root = NSTemporaryDirectory() + "pipeline-test-\(UUID().uuidString)"
        for sub in ["l0", "inbox", "products", "products-batch"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true)
        }
    }
    var l0: String { "\(root)/l0" }
    var inbox: String { "\(root)/inbox" }
    var products: String { "\(root)/products" }
}

let weekStart = MissionDay(year: 2026, month: 3, day: 1)!
let week = (0..<7).map { weekStart.adding(days: $0) }
let instruments = ["mag", "spec", "hk"]

/// The products a week of demo L0 data must give, derived here from the graph's rules independently
/// of the planner: every mag/spec level and sw for each day, hk l1a/l1b/l3_7day for each day.
let expectedWeekProducts: Set<String> = {
    var s = Set<String>()
    for d in week {
        for p in ["mag_l1a_raw", "mag_l1b_cal", "mag_l2_phys", "mag_l3_1min", "spec_l1a_raw", "spec_l1b_cal", "spec_l2_phys",
                  "spec_l3_1min", "hk_l1a_raw", "hk_l1b_eng", "hk_l3_7day", "sw_l3_joined"] { s.insert("\(p) \(d)") }
    }
    return s
}()

/// Product files in the catalog: "product day" -> (version, file name, checksum) of every version.
func productFiles(_ catalog: Catalog) throws -> [String: [(version: Int, name: String, checksum: String)]] {
    var out: [String: [(version: Int, name: String, checksum: String)]] = [:]
    for f in try catalog.allFiles() where f.level != "l0" {
        out["\(f.product!) \(f.day)", default: []].append((f.version, (f.path as NSString).lastPathComponent, f.checksum))
    }
    return out
}

/// Files under a folder (recursively), relative names.
func filesUnder(_ folder: String) -> [String] {
    (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: "\(folder)/\($0)", isDirectory: &isDir) && !isDir.boolValue
    }.sorted()
}
