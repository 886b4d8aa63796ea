/// The one in-memory product form every writer takes: ordered variables (typed columns), named
/// dimensions with sizes, and global attributes, like an xarray Dataset.
///
/// What it is for: decoders fill it, products transform it, CDF/FITS/HDF5 writers serialise it.
/// Costs: variables hold their columns by reference (copy on write), so copying a Dataset is cheap.
public struct Dataset: Sendable, Equatable {
    public private(set) var variables: [Variable] = []
    /// Named per-record dimensions and their sizes, in first-seen order.
    public private(set) var dimensions: [(name: String, size: Int)] = []
    public var attributes: Attributes

    public init(attributes: Attributes = [:]) { self.attributes = attributes }

    /// Adds a variable after checking its name, the count of its dimension names and that each named
    /// dimension has the same size everywhere in the dataset.
    public mutating func add(_ variable: Variable) throws {
        var v = variable
        guard !v.name.isEmpty else { throw DatasetError.emptyName(what: "a variable") }
        guard self[v.name] == nil else { throw DatasetError.duplicateVariable(v.name) }
        if v.dimensionNames.isEmpty && !v.column.shape.isEmpty {
            v.dimensionNames = v.column.shape.indices.map { "\(v.name)_dim\($0)" }
        }
        guard v.dimensionNames.count == v.column.shape.count else {
            throw DatasetError.dimensionCountMismatch(variable: v.name, names: v.dimensionNames.count, shapeRank: v.column.shape.count)
        }
        for name in v.attributes.names where name.isEmpty {
            throw DatasetError.emptyName(what: "an attribute of variable '\(v.name)'")
        }
        var newDims: [(String, Int)] = []
        for (name, size) in zip(v.dimensionNames, v.column.shape) {
            guard !name.isEmpty else { throw DatasetError.emptyName(what: "a dimension of '\(v.name)'") }
            if let known = (dimensions + newDims).first(where: { $0.0 == name }) {
                guard known.1 == size else {
                    throw DatasetError.dimensionMismatch(variable: v.name, dimension: name, expected: known.1, actual: size)
                }
            } else {
                newDims.append((name, size))
            }
        }
        dimensions += newDims.map { (name: $0.0, size: $0.1) }
        variables.append(v)
    }

    /// Convenience: adds `Variable(name, column, dimensions:, attributes:)`.
    public mutating func add(
        _ name: String, _ column: Column, dimensions: [String] = [], attributes: Attributes = [:]
    ) throws {
        try add(Variable(name, column, dimensions: dimensions, attributes: attributes))
    }

    public subscript(name: String) -> Variable? { variables.first { $0.name == name } }

    /// Replaces a variable's attributes (the column stays shared).
    public mutating func setAttributes(of name: String, _ attributes: Attributes) throws {
        guard let i = variables.firstIndex(where: { $0.name == name }) else {
            throw DatasetError.emptyName(what: "unknown variable '\(name)'")
        }
        variables[i].attributes = attributes
    }

    public static func == (a: Dataset, b: Dataset) -> Bool {
        a.variables == b.variables && a.attributes == b.attributes
            && a.dimensions.map(\.name) == b.dimensions.map(\.name) && a.dimensions.map(\.size) == b.dimensions.map(\.size)
    }
}
