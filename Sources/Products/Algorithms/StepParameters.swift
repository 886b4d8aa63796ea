/// Reads one recipe step's parameters (a YAML map, or null when none were written) with the checks
/// every factory needs: unknown keys, wrong types and missing required keys become a
/// `ConfigurationError` at the offending value's file and line.
///
/// Costs a linear scan of a handful of keys per lookup, once when the mission is loaded.
struct StepParameters {
    let step: String
    let location: ConfigLocation
    let entries: [(key: String, value: ConfigValue)]

    /// Checks that `value` is a map (or null) whose keys are all in `allowed`.
    init(_ value: ConfigValue, step: String, allowed: [String]) throws(ConfigurationError) {
        self.step = step
        self.location = value.location
        switch value.kind {
        case .null: entries = []
        case .map(let e): entries = e
        default:
            throw ConfigurationError("step '\(step)' takes a map of parameters (\(allowed.joined(separator: ", ")))", at: value.location)
        }
        for (key, v) in entries where !allowed.contains(key) {
            throw ConfigurationError(
                "unknown parameter '\(key)' of step '\(step)' (known: \(allowed.joined(separator: ", ")))", at: v.location)
        }
    }

    subscript(key: String) -> ConfigValue? { entries.first { $0.key == key }?.value }

    func has(_ key: String) -> Bool { self[key] != nil }

    private func missing(_ key: String, _ what: String) -> ConfigurationError {
        ConfigurationError("step '\(step)' needs parameter '\(key)' (\(what))", at: location)
    }

    private func wrong(_ key: String, _ v: ConfigValue, _ what: String) -> ConfigurationError {
        ConfigurationError("parameter '\(key)' of step '\(step)' must be \(what)", at: v.location)
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let v = self[key] else { return nil }
        guard let s = v.string, !s.isEmpty else { throw wrong(key, v, "a non-empty string") }
        return s
    }

    func requiredString(_ key: String) throws(ConfigurationError) -> String {
        guard let s = try string(key) else { throw missing(key, "a variable or file name") }
        return s
    }

    func int(_ key: String, in range: ClosedRange<Int>? = nil) throws(ConfigurationError) -> Int? {
        guard let v = self[key] else { return nil }
        guard let i = v.int else { throw wrong(key, v, "an integer") }
        if let range, !range.contains(i) { throw wrong(key, v, "in \(range.lowerBound)...\(range.upperBound), not \(i)") }
        return i
    }

    func requiredInt(_ key: String, in range: ClosedRange<Int>? = nil) throws(ConfigurationError) -> Int {
        guard let i = try int(key, in: range) else { throw missing(key, "an integer") }
        return i
    }

    func double(_ key: String) throws(ConfigurationError) -> Double? {
        guard let v = self[key] else { return nil }
        guard let d = v.double, d.isFinite else { throw wrong(key, v, "a number") }
        return d
    }

    func requiredDouble(_ key: String) throws(ConfigurationError) -> Double {
        guard let d = try double(key) else { throw missing(key, "a number") }
        return d
    }

    /// A strictly positive number of seconds, returned as whole nanoseconds.
    func requiredNanoseconds(_ key: String) throws(ConfigurationError) -> Int64 {
        let s = try requiredDouble(key)
        guard s > 0, s < 1e9 else { throw wrong(key, self[key]!, "a positive number of seconds") }
        return Int64((s * 1e9).rounded())
    }

    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let v = self[key] else { return nil }
        guard let b = v.bool else { throw wrong(key, v, "true or false") }
        return b
    }

    func stringList(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let v = self[key] else { return nil }
        if let s = v.string, !s.isEmpty { return [s] }
        guard let list = v.list, !list.isEmpty else { throw wrong(key, v, "a non-empty list of names") }
        var out: [String] = []
        for item in list {
            guard let s = item.string, !s.isEmpty else { throw wrong(key, item, "a list of names") }
            out.append(s)
        }
        return out
    }

    func requiredStringList(_ key: String) throws(ConfigurationError) -> [String] {
        guard let l = try stringList(key) else { throw missing(key, "a list of names") }
        return l
    }

    func doubleList(_ key: String) throws(ConfigurationError) -> [Double]? {
        guard let v = self[key] else { return nil }
        guard let list = v.list, !list.isEmpty else { throw wrong(key, v, "a non-empty list of numbers") }
        var out: [Double] = []
        for item in list {
            guard let d = item.double, d.isFinite else { throw wrong(key, item, "a list of numbers") }
            out.append(d)
        }
        return out
    }

    func requiredDoubleList(_ key: String) throws(ConfigurationError) -> [Double] {
        guard let l = try doubleList(key) else { throw missing(key, "a list of numbers") }
        return l
    }

    func intList(_ key: String) throws(ConfigurationError) -> [Int]? {
        guard let v = self[key] else { return nil }
        guard let list = v.list, !list.isEmpty else { throw wrong(key, v, "a non-empty list of integers") }
        var out: [Int] = []
        for item in list {
            guard let i = item.int else { throw wrong(key, item, "a list of integers") }
            out.append(i)
        }
        return out
    }

    /// One of `choices` (default `fallback`).
    func choice(_ key: String, _ choices: [String], default fallback: String) throws(ConfigurationError) -> String {
        guard let v = self[key] else { return fallback }
        guard let s = v.string, choices.contains(s) else { throw wrong(key, v, "one of \(choices.joined(separator: ", "))") }
        return s
    }

    /// A file path relative to the mission directory (absolute paths as they are), with the location
    /// of the value for errors about the file.
    func path(_ key: String, missionDirectory: String) throws(ConfigurationError) -> (path: String, location: ConfigLocation)? {
        guard let name = try string(key) else { return nil }
        let path = name.hasPrefix("/") || missionDirectory.isEmpty ? name : missionDirectory + "/" + name
        return (path, self[key]!.location)
    }
}
