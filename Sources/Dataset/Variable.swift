/// A named column with its per-record dimension names and its attributes.
///
/// Costs nothing beyond the column it holds (shared, not copied).
public struct Variable: Sendable, Equatable {
    public var name: String
    public var column: Column
    /// One name per per-record dimension (`column.shape`); empty for scalars. Names are optional
    /// metadata: leave empty to let the dataset name them `<variable>_dim<i>`.
    public var dimensionNames: [String]
    public var attributes: Attributes

    public init(_ name: String, _ column: Column, dimensions: [String] = [], attributes: Attributes = [:]) {
        self.name = name
        self.column = column
        self.dimensionNames = dimensions
        self.attributes = attributes
    }
}
