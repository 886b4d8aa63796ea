import Dataset

/// One step of a product recipe: a dataset in, a dataset out (L1A -> L1B calibrations, L2 physical
/// quantities, L3 averages and joins). Recipes name steps; the `AlgorithmLibrary` turns a name and its
/// YAML parameters into a configured step once, when the mission is loaded, so a mistake in the
/// parameters is a `ConfigurationError` with file and line before anything runs.
///
/// Mission-specific steps written in Swift conform to this protocol and are registered in the library
/// under a name (see MissionIMAP). A step must not keep state between calls: it runs for many days and
/// products, concurrently.
public protocol ProductAlgorithm: Sendable {
    /// Applies the step to `input` (the previous step's output, or the recipe's first input).
    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset
}

/// What a step may read besides its input: the day being made, the mission's clock, the other named
/// inputs of the product (for joins across instruments and windows of days), and the mission's folder
/// (for calibration and lookup tables named by relative path).
public struct AlgorithmContext: Sendable {
    /// The product being made, for error messages (`ProductError(product:)`).
    public var product: String
    public var day: MissionDay
    public var clock: any MissionClock
    /// The product's other inputs by the names the recipe gives them (e.g. "spec", "mag[-1]"). The first
    /// input's own day is not here: it is what the first step receives as `input`, and keeping it here
    /// too would hold a day of gigabytes until the last step had run.
    public var inputs: [String: Dataset]
    public var missionDirectory: String

    public init(product: String, day: MissionDay, clock: any MissionClock, inputs: [String: Dataset] = [:], missionDirectory: String) {
        self.product = product; self.day = day; self.clock = clock; self.inputs = inputs; self.missionDirectory = missionDirectory
    }
}

/// Builds a configured step from the parameters written under its name in a recipe (a map, or null
/// when none were written). `missionDirectory` resolves relative table paths at load time.
public typealias AlgorithmFactory = @Sendable (_ parameters: ConfigValue, _ missionDirectory: String) throws(ConfigurationError) -> any ProductAlgorithm

/// The steps recipes can name: the standard library (`AlgorithmLibrary.standard`) plus what a mission
/// registers. Costs: a dictionary of closures, consulted only while a mission is loaded.
public struct AlgorithmLibrary: Sendable {
    public private(set) var factories: [String: AlgorithmFactory] = [:]

    public init() {}

    /// Registers (or replaces) the step `name`.
    public mutating func register(_ name: String, _ factory: @escaping AlgorithmFactory) { factories[name] = factory }

    public func factory(named name: String) -> AlgorithmFactory? { factories[name] }

    public var names: [String] { factories.keys.sorted() }
}
