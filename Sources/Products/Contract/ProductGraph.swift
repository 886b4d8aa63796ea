/// The processing level of a product (IMAP's names): decommutated (L1A), engineering units (L1B),
/// physical quantities (L2), derived and combined (L3).
public enum ProductLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case l1a, l1b, l2, l3

    public static func < (a: ProductLevel, b: ProductLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Names one product of a mission: instrument, level, descriptor (`mag`, `l2`, `norm`). Its
/// description, `mag_l2_norm`, is the form users type and the catalog stores.
public struct ProductID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var instrument: String
    public var level: ProductLevel
    public var descriptor: String

    public init(instrument: String, level: ProductLevel, descriptor: String) {
        self.instrument = instrument; self.level = level; self.descriptor = descriptor
    }

    /// Parses `instrument_level_descriptor` (the descriptor may contain '_' or '-').
    public init?(_ text: String) {
        let parts = text.split(separator: "_", maxSplits: 2).map(String.init)
        guard parts.count == 3, let level = ProductLevel(rawValue: parts[1]) else { return nil }
        self.init(instrument: parts[0], level: level, descriptor: parts[2])
    }

    public var description: String { "\(instrument)_\(level.rawValue)_\(descriptor)" }

    public static func < (a: ProductID, b: ProductID) -> Bool {
        (a.level, a.instrument, a.descriptor) < (b.level, b.instrument, b.descriptor)
    }
}

/// What a product needs: the L0 files of an instrument or another product, from the same day or a
/// window of days around it. `required` inputs must all be present for the product to be made;
/// optional (soft) ones are used when present.
public struct ProductDependency: Sendable, Hashable, Codable {
    public enum Source: Sendable, Hashable, Codable {
        case level0(instrument: String)
        case product(ProductID)
    }

    public var source: Source
    public var required: Bool
    /// Day offsets relative to the product's day: `0...0` the same day, `-6...0` the week ending on it.
    public var days: ClosedRange<Int>

    public init(_ source: Source, required: Bool = true, days: ClosedRange<Int> = 0...0) {
        self.source = source; self.required = required; self.days = days
    }
}

/// A product as the planner sees it: what it needs, the formats it is written in, and a digest of
/// everything in the configuration that shapes it (its recipe, the recipes upstream of it, the
/// definition and table files they read), so that a changed calibration changes exactly the digests
/// of the products it affects.
public struct ProductNode: Sendable, Hashable {
    public var id: ProductID
    public var dependencies: [ProductDependency]
    public var formats: [String]
    /// Hex SHA-256 (or another stable hash) of the configuration this product depends on.
    public var configurationDigest: String

    public init(id: ProductID, dependencies: [ProductDependency], formats: [String], configurationDigest: String) {
        self.id = id; self.dependencies = dependencies; self.formats = formats; self.configurationDigest = configurationDigest
    }
}

/// One product file set written for one day: what the catalog records.
public struct MadeProduct: Sendable, Hashable {
    public var id: ProductID
    public var day: MissionDay
    public var version: Int
    /// One path per format, each written atomically (temporary file, then rename).
    public var paths: [String]
    public var records: Int
    public var bytes: Int

    public init(id: ProductID, day: MissionDay, version: Int, paths: [String], records: Int, bytes: Int) {
        self.id = id; self.day = day; self.version = version; self.paths = paths; self.records = records; self.bytes = bytes
    }
}

/// Makes a mission's products: what `downlink process` runs for one day, and what the pipeline's
/// executor calls per job. Implemented by the mission's product processor.
public protocol ProductMaker: Sendable {
    /// The mission's name (file names, catalog).
    var missionName: String { get }
    /// Every product of the mission with its dependencies, in an order where inputs come first.
    var nodes: [ProductNode] { get }

    /// Makes `products` for `day` into `folder` (flat; file names from the mission's naming rule with
    /// the given versions, 1 when absent). `level0` gives each instrument's L0 files for the days the
    /// products need; `upstream` returns the path of an already-made product file (CDF) for a product
    /// and day not being made in this call, or nil. Products of the same call are chained in memory.
    /// Throws on the first failure; nothing partial is left behind.
    func make(
        _ products: Set<ProductID>, day: MissionDay,
        level0: [String: [String]],
        upstream: @escaping @Sendable (ProductID, MissionDay) -> String?,
        versions: [ProductID: Int],
        into folder: String
    ) async throws -> [MadeProduct]
}
