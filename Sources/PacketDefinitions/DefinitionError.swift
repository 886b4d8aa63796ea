// The one error type of the module: what is wrong, in which file, on which line.

/// A definition that cannot be loaded: malformed, inconsistent, or using an unsupported feature.
///
/// `description` reads like a compiler diagnostic, e.g.
/// `hit_packet_definitions.xml:123: unknown parameter type 'FOO' referenced by parameter 'BAR'`.
/// Every loader function throws only this type.
///
/// Value type; building the description costs one string interpolation.
public struct DefinitionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name as given to the loader.
    public var file: String
    /// 1-based line, when the problem has one.
    public var line: Int?
    public var kind: Kind

    public init(file: String, line: Int?, kind: Kind) {
        self.file = file
        self.line = line
        self.kind = kind
    }

    init(_ kind: Kind, at location: SourceLocation) {
        self.init(file: location.file, line: location.line, kind: kind)
    }

    public enum Kind: Hashable, Sendable {
        /// The file could not be read.
        case unreadable(reason: String)
        /// Not well-formed XML (or not UTF-8); the message says what was expected.
        case malformedXML(String)
        /// A DOCTYPE or ENTITY declaration: refused, so no entity is ever expanded or fetched.
        case doctypeNotAllowed
        /// The document is XML but not XTCE (wrong root element or namespace).
        case notXTCE(String)
        case unknownParameterType(name: String, referencedBy: String)
        case unknownParameter(name: String, referencedBy: String)
        case unknownContainer(name: String, referencedBy: String)
        /// Two items of the same kind with the same name in one SpaceSystem (or CSV file).
        case duplicateName(kind: String, name: String, firstLine: Int)
        /// Containers that (indirectly) extend themselves, in order.
        case circularInheritance([String])
        /// Containers that (indirectly) include themselves through ContainerRefEntry.
        case circularContainerReference([String])
        /// Types that (indirectly) contain themselves as array element or aggregate member.
        case circularTypeReference([String])
        /// A size that cannot be decoded (integer width 0 or > 64, float width not 32/64, ...).
        case invalidSize(String)
        /// A required attribute or element is missing or has a value that does not parse.
        case invalidDefinition(String)
        /// A valid XTCE feature this implementation does not decode.
        case unsupported(String)
        /// A CSV definition problem.
        case invalidCSV(String)
    }

    /// What went wrong, without the location.
    public var message: String {
        switch kind {
        case .unreadable(let reason): return "cannot read file: \(reason)"
        case .malformedXML(let m): return "malformed XML: \(m)"
        case .doctypeNotAllowed:
            return "DOCTYPE/ENTITY declarations are not allowed in packet definitions (entities are never expanded)"
        case .notXTCE(let m): return "not an XTCE document: \(m)"
        case .unknownParameterType(let name, let by): return "unknown parameter type '\(name)' referenced by \(by)"
        case .unknownParameter(let name, let by): return "unknown parameter '\(name)' referenced by \(by)"
        case .unknownContainer(let name, let by): return "unknown container '\(name)' referenced by \(by)"
        case .duplicateName(let kind, let name, let first):
            return "duplicate \(kind) name '\(name)' (first declared on line \(first))"
        case .circularInheritance(let names):
            return "circular container inheritance: \(names.joined(separator: " -> "))"
        case .circularContainerReference(let names):
            return "circular ContainerRefEntry: \(names.joined(separator: " -> "))"
        case .circularTypeReference(let names):
            return "circular parameter type reference: \(names.joined(separator: " -> "))"
        case .invalidSize(let m): return "invalid size: \(m)"
        case .invalidDefinition(let m): return m
        case .unsupported(let m): return "unsupported: \(m)"
        case .invalidCSV(let m): return m
        }
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
