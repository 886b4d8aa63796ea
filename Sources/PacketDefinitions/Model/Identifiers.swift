// Identifiers that tie the definition model together, and source locations for diagnostics.

/// Index of a `ParameterType` in `DefinitionSet.parameterTypes`.
///
/// References between model objects are resolved indices rather than names, so a consumer
/// (the decode-plan compiler) never looks a name up again. Costs one `Int`.
public struct ParameterTypeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Position in `DefinitionSet.parameterTypes`.
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
    public var description: String { "type#\(index)" }
}

/// Index of a `Parameter` in `DefinitionSet.parameters`. Costs one `Int`.
public struct ParameterID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Position in `DefinitionSet.parameters`.
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
    public var description: String { "parameter#\(index)" }
}

/// Index of a `SequenceContainer` in `DefinitionSet.containers`. Costs one `Int`.
public struct ContainerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Position in `DefinitionSet.containers`.
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
    public var description: String { "container#\(index)" }
}

/// Where a definition item was declared: the file name as given to the loader and a 1-based line.
///
/// Every model object carries one so that later stages (plan compilation, decoding) can point a
/// user at the definition that caused a problem. Costs one string reference and an `Int`.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file name or path exactly as the caller named it.
    public var file: String
    /// 1-based line of the element's start tag (XTCE) or of the row (CSV).
    public var line: Int
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
    /// `file:line`, the form compilers and editors understand.
    public var description: String { "\(file):\(line)" }
}

/// A resolved reference to a parameter instance, as XTCE's `ParameterInstanceRef` and the
/// `parameterRef` attribute of comparisons express it.
///
/// `instance` 0 is the most recent value of the parameter in the packet being decoded (negative
/// values refer to earlier occurrences, as XTCE defines). `useCalibratedValue` says whether the
/// raw or the engineering value is meant. Costs an `Int` index, a name and two small fields.
public struct ParameterInstanceRef: Hashable, Sendable {
    /// The parameter referred to.
    public var parameter: ParameterID
    /// The reference as written in the definition (for messages only; never look it up again).
    public var name: String
    /// XTCE `instance` attribute; 0 = the latest value.
    public var instance: Int
    /// XTCE `useCalibratedValue` attribute; XTCE's default is `true`.
    public var useCalibratedValue: Bool

    public init(parameter: ParameterID, name: String, instance: Int = 0, useCalibratedValue: Bool = true) {
        self.parameter = parameter
        self.name = name
        self.instance = instance
        self.useCalibratedValue = useCalibratedValue
    }
}
