import Foundation
import Yams

/// Reads a YAML file into a `ConfigValue` tree where every value keeps its line, so that the loader
/// and the steps' factories can name file and line in their errors.
///
/// Costs: one Yams parse (libyaml) of a kilobyte-sized file and one walk of its node tree.
enum YAMLReader {
    /// Parses `path`; a syntax error, a duplicate key or an empty document is a `ConfigurationError`.
    static func read(path: String) throws(ConfigurationError) -> ConfigValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read the file", at: ConfigLocation(file: path, line: 0))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("not UTF-8 text", at: ConfigLocation(file: path, line: 0))
        }
        return try parse(text, file: path)
    }

    /// Parses YAML text; `file` names it in locations.
    static func parse(_ text: String, file: String) throws(ConfigurationError) -> ConfigValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw describe(error, file: file)
        } catch {
            throw ConfigurationError("not valid YAML: \(error)", at: ConfigLocation(file: file, line: 0))
        }
        guard let root else { throw ConfigurationError("the file is empty", at: ConfigLocation(file: file, line: 1)) }
        return try convert(root, file: file)
    }

    private static func describe(_ error: YamlError, file: String) -> ConfigurationError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigurationError("not valid YAML: \(problem) (column \(mark.column))",
                                      at: ConfigLocation(file: file, line: mark.line))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError("duplicate key \(duplicates.joined(separator: ", "))",
                                      at: ConfigLocation(file: file, line: context.mark.line))
        default:
            return ConfigurationError("not valid YAML: \(error)", at: ConfigLocation(file: file, line: 0))
        }
    }

    private static func convert(_ node: Node, file: String) throws(ConfigurationError) -> ConfigValue {
        let at = ConfigLocation(file: file, line: node.mark?.line ?? 0)
        switch node {
        case .scalar(let scalar):
            return ConfigValue(scalarKind(scalar, node: node), at: at)
        case .sequence(let sequence):
            var items: [ConfigValue] = []
            for item in sequence { items.append(try convert(item, file: file)) }
            return ConfigValue(.list(items), at: at)
        case .mapping(let mapping):
            var entries: [(key: String, value: ConfigValue)] = []
            var seen = Set<String>()
            for (key, value) in mapping {
                guard case .scalar(let k) = key else {
                    throw ConfigurationError("a key must be a plain name", at: ConfigLocation(file: file, line: key.mark?.line ?? at.line))
                }
                guard seen.insert(k.string).inserted else {
                    throw ConfigurationError("duplicate key '\(k.string)'", at: ConfigLocation(file: file, line: key.mark?.line ?? at.line))
                }
                var converted = try convert(value, file: file)
                // A key's line is where the reader looks: a block map or list under a key starts on the
                // next line, and an empty value has no mark of its own.
                switch converted.kind {
                case .map, .list, .null: converted.location = ConfigLocation(file: file, line: key.mark?.line ?? at.line)
                default: if converted.location.line == 0 { converted.location = ConfigLocation(file: file, line: key.mark?.line ?? at.line) }
                }
                entries.append((k.string, converted))
            }
            return ConfigValue(.map(entries), at: at)
        case .alias:
            throw ConfigurationError("YAML aliases are not supported in mission files", at: at)
        }
    }

    private static func scalarKind(_ scalar: Node.Scalar, node: Node) -> ConfigValue.Kind {
        if scalar.style == .singleQuoted || scalar.style == .doubleQuoted { return .string(scalar.string) }
        // Plain scalars keep the non-specific tag '?' after composing: resolve them as YAML 1.1 does.
        switch Resolver.default.resolveTag(of: node).rawValue {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: if let b = node.bool { return .bool(b) }
        case Tag.Name.int.rawValue: if let i = node.int { return .int(i) }
        case Tag.Name.float.rawValue: if let d = node.float { return .double(d) }
        default: break
        }
        return .string(scalar.string)
    }
}
