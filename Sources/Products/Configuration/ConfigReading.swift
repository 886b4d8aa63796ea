/// Typed reads of `ConfigValue`s for the mission loader: each read either returns the value or throws
/// one `ConfigurationError` at the value's line that says what was expected.
///
/// Costs nothing beyond the lookups (configurations are small).
extension ConfigValue {
    var typeName: String {
        switch kind {
        case .null: "nothing"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "text"
        case .list: "a list"
        case .map: "a map"
        }
    }

    func error(_ message: String) -> ConfigurationError { ConfigurationError(message, at: location) }

    /// The entries of a map whose keys must all be in `allowed` (a typo is an unknown key).
    func mapEntries(_ what: String, allowed: Set<String>? = nil) throws(ConfigurationError) -> [(key: String, value: ConfigValue)] {
        guard let entries else { throw error("\(what) must be a map, not \(typeName)") }
        if let allowed {
            for (key, value) in entries where !allowed.contains(key) {
                throw ConfigurationError("unknown key '\(key)' in \(what) (known: \(allowed.sorted().joined(separator: ", ")))",
                                         at: value.location)
            }
        }
        return entries
    }

    func requireString(_ what: String) throws(ConfigurationError) -> String {
        switch kind {
        case .string(let s): return s
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        default: throw error("\(what) must be text, not \(typeName)")
        }
    }

    func requireInt(_ what: String) throws(ConfigurationError) -> Int {
        guard let v = int else { throw error("\(what) must be an integer, not \(typeName)") }
        return v
    }

    func requireNumber(_ what: String) throws(ConfigurationError) -> Double {
        guard let v = double else { throw error("\(what) must be a number, not \(typeName)") }
        return v
    }

    func requireBool(_ what: String) throws(ConfigurationError) -> Bool {
        guard let v = bool else { throw error("\(what) must be true or false, not \(typeName)") }
        return v
    }

    /// A list, or a single value taken as a list of one.
    func listOrSingle() -> [ConfigValue] { list ?? [self] }

    func requireList(_ what: String) throws(ConfigurationError) -> [ConfigValue] {
        guard let v = list else { throw error("\(what) must be a list, not \(typeName)") }
        return v
    }
}
