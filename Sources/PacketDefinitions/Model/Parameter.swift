// Parameters: named values of a type, the columns a decoder produces.

/// A named value in telemetry (XTCE `Parameter`). Each becomes one column (or one group of
/// columns for arrays and aggregates) in a decoded dataset. Costs a few strings and an index.
public struct Parameter: Hashable, Sendable {
    public var id: ParameterID
    /// Name as declared in its SpaceSystem (IMAP: `PKT_APID`, `SWP_HK.ESA_V`, ...).
    public var name: String
    /// `/Root/Child/name`: unique in the definition set.
    public var qualifiedName: String
    /// The parameter's type, resolved.
    public var type: ParameterTypeID
    public var shortDescription: String?
    public var longDescription: String?
    /// Units of the parameter's type (XTCE puts units on types).
    public var units: [String]
    /// XTCE `AliasSet`: (nameSpace, alias) pairs.
    public var aliases: [Alias]
    /// XTCE `ParameterProperties/@dataSource` (`telemetered`, `derived`, ...), when given.
    public var dataSource: String?
    public var source: SourceLocation

    public init(id: ParameterID, name: String, qualifiedName: String, type: ParameterTypeID,
                shortDescription: String? = nil, longDescription: String? = nil, units: [String] = [],
                aliases: [Alias] = [], dataSource: String? = nil, source: SourceLocation) {
        self.id = id
        self.name = name
        self.qualifiedName = qualifiedName
        self.type = type
        self.shortDescription = shortDescription
        self.longDescription = longDescription
        self.units = units
        self.aliases = aliases
        self.dataSource = dataSource
        self.source = source
    }
}

/// An alternative name of a parameter in some naming scheme (XTCE `Alias`).
///
/// Value type: two strings.
public struct Alias: Hashable, Sendable {
    public var nameSpace: String
    public var alias: String
    public init(nameSpace: String, alias: String) {
        self.nameSpace = nameSpace
        self.alias = alias
    }
}
