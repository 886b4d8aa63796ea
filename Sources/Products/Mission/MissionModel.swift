import Dataset
import PacketDefinitions

/// A mission as its `mission.yaml` describes it, loaded and validated (`Mission.load(directory:library:)`):
/// the clock, naming rule, formats, global metadata, instruments with their packet definitions, and the
/// product recipes in an order where inputs come first. Immutable and `Sendable`: one instance serves
/// every day and every concurrent product.
///
/// Costs: the parsed definitions of each instrument plus a few kilobytes of recipes.
public struct Mission: Sendable {
    public let name: String
    public let description: String?
    /// The mission folder (relative table paths resolve against it).
    public let directory: String
    /// The `mission.yaml` path, as errors name it.
    public let file: String
    public let clock: any MissionClock
    public let naming: NamingRule
    public let formats: [ProductFormat]
    public let compression: CompressionSettings
    /// ISTP global attributes of every product, in the order written.
    public let globalAttributes: [(name: String, value: String)]
    /// Instruments in the order written.
    public let instruments: [Instrument]
    /// Recipes, inputs first (a topological order of the product graph).
    public let products: [ProductRecipe]
    /// One digest per product: its recipe, its upstream recipes, the files they read, the
    /// mission-wide settings that shape every file.
    public let digests: [ProductID: String]

    public func instrument(named name: String) -> Instrument? { instruments.first { $0.name == name } }
    public func recipe(_ id: ProductID) -> ProductRecipe? { products.first { $0.id == id } }
}

/// One instrument: the APIDs of its L0 files and the definitions that decode them.
public struct Instrument: Sendable {
    public let name: String
    public let apids: [UInt16]
    /// Absolute path of the definition file, nil for an instrument without L0 (combined products).
    public let definitionFile: String?
    public let definitions: DefinitionSet?
    public let globalAttributes: [(name: String, value: String)]
}

/// An output format of products.
public enum ProductFormat: String, Sendable, Hashable, CaseIterable {
    case cdf, fits, hdf5

    /// The file-name extension.
    public var fileExtension: String {
        switch self {
        case .cdf: "cdf"
        case .fits: "fits"
        case .hdf5: "h5"
        }
    }
}

/// Compression choices per format (`compression:` in mission.yaml).
public struct CompressionSettings: Sendable, Hashable {
    /// gzip level for CDF variables; 0 for none.
    public var cdfGzipLevel: Int = 1
    public enum HDF5Method: Sendable, Hashable { case none, deflate(Int), zstd(Int) }
    public var hdf5: HDF5Method = .none
    public var hdf5Shuffle: Bool = true
    /// cfitsio tile-compressed tables.
    public var fitsTiles: Bool = false
    public init() {}
}

/// A product recipe: inputs, steps, variable attributes.
public struct ProductRecipe: Sendable {
    public let id: ProductID
    public let description: String?
    public let formats: [ProductFormat]
    /// The first input feeds the steps; all are in `AlgorithmContext.inputs` by name.
    public let inputs: [RecipeInput]
    public let steps: [RecipeStep]
    /// Per-variable attribute overrides, in the order written.
    public let variables: [String: VariableSettings]
    public let globalAttributes: [(name: String, value: String)]
    public let location: ConfigLocation
    /// The recipe as written (for the digest).
    let source: ConfigValue

    /// The dependencies the planner sees: a window with `required` splits into its own day (required)
    /// and the other days (soft).
    public var dependencies: [ProductDependency] {
        var out: [ProductDependency] = []
        for input in inputs {
            let source: ProductDependency.Source
            switch input.source {
            case .level0(let instrument, _): source = .level0(instrument: instrument)
            case .product(let id): source = .product(id)
            }
            let own = input.days.contains(0) ? 0 : input.days.upperBound
            if input.required {
                out.append(ProductDependency(source, required: true, days: own...own))
                if input.days.lowerBound < own { out.append(ProductDependency(source, required: false, days: input.days.lowerBound...(own - 1))) }
                if input.days.upperBound > own { out.append(ProductDependency(source, required: false, days: (own + 1)...input.days.upperBound)) }
            } else {
                out.append(ProductDependency(source, required: false, days: input.days))
            }
        }
        return out
    }
}

/// One input of a recipe.
public struct RecipeInput: Sendable {
    public enum Selector: Sendable, Hashable { case container(String), apid(UInt16) }
    public enum Source: Sendable, Hashable {
        case level0(instrument: String, Selector)
        case product(ProductID)
    }
    public let source: Source
    /// The key in `AlgorithmContext.inputs`.
    public let name: String
    public let required: Bool
    public let days: ClosedRange<Int>
    public let location: ConfigLocation
}

/// One configured step of a recipe.
public struct RecipeStep: Sendable {
    public let name: String
    public let parameters: ConfigValue
    public let algorithm: any ProductAlgorithm
    public let location: ConfigLocation
}

/// What `variables:` says about one variable.
public struct VariableSettings: Sendable {
    /// Attribute name and value as written (numbers are converted to the variable's type when written).
    public var attributes: [(name: String, value: ConfigValue)]
    /// `write: false` leaves the variable out.
    public var write: Bool
}
