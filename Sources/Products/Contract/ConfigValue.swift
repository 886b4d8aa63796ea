/// Where a configuration value came from: a file and a 1-based line (0 when unknown).
public struct ConfigLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) { self.file = file; self.line = line }
    public var description: String { line > 0 ? "\(file):\(line)" : file }
}

/// A value read from a mission's YAML configuration, with the place it was written, so that every
/// mistake found later (by the loader, a recipe or an algorithm's parameters) names file and line.
///
/// Costs: a tree of small enums; configurations are kilobytes.
public struct ConfigValue: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case list([ConfigValue])
        /// Keys in the order written.
        case map([(key: String, value: ConfigValue)])

        public static func == (a: Kind, b: Kind) -> Bool {
            switch (a, b) {
            case (.null, .null): return true
            case let (.bool(x), .bool(y)): return x == y
            case let (.int(x), .int(y)): return x == y
            case let (.double(x), .double(y)): return x == y
            case let (.string(x), .string(y)): return x == y
            case let (.list(x), .list(y)): return x == y
            case let (.map(x), .map(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            default: return false
            }
        }

        public func hash(into h: inout Hasher) {
            switch self {
            case .null: h.combine(0)
            case .bool(let v): h.combine(v)
            case .int(let v): h.combine(v)
            case .double(let v): h.combine(v)
            case .string(let v): h.combine(v)
            case .list(let v): h.combine(v)
            case .map(let v): for (k, x) in v { h.combine(k); h.combine(x) }
            }
        }
    }

    public var kind: Kind
    public var location: ConfigLocation

    public init(_ kind: Kind, at location: ConfigLocation) { self.kind = kind; self.location = location }

    /// The value under `key` of a map, or nil (also when this is not a map).
    public subscript(key: String) -> ConfigValue? {
        guard case .map(let entries) = kind else { return nil }
        return entries.first { $0.key == key }?.value
    }

    public var string: String? { if case .string(let s) = kind { s } else { nil } }
    public var int: Int? { if case .int(let v) = kind { v } else { nil } }
    public var double: Double? {
        switch kind { case .double(let v): v; case .int(let v): Double(v); default: nil }
    }
    public var bool: Bool? { if case .bool(let v) = kind { v } else { nil } }
    public var list: [ConfigValue]? { if case .list(let v) = kind { v } else { nil } }
    public var entries: [(key: String, value: ConfigValue)]? { if case .map(let v) = kind { v } else { nil } }
}

/// A mistake in a mission's configuration (or in what it refers to): one message naming file and line.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var location: ConfigLocation
    public var message: String
    public init(_ message: String, at location: ConfigLocation) { self.message = message; self.location = location }
    public var description: String { "\(location): \(message)" }
}

/// A failure while making one product (bad data, an algorithm that cannot apply): names the product.
public struct ProductError: Error, Sendable, CustomStringConvertible {
    public var product: String
    public var message: String
    public init(product: String, _ message: String) { self.product = product; self.message = message }
    public var description: String { "\(product): \(message)" }
}
