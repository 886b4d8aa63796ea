// Names declared across nested SpaceSystems, and XTCE's reference resolution rules.

/// The names of one kind (types, parameters or containers) declared in a document, with the
/// element that declares each, indexed by qualified name (`/Root/Child/NAME`).
///
/// XTCE references are resolved as XTCE specifies: an absolute path (`/Root/Sub/NAME`), a relative
/// path from the referring SpaceSystem (`Sub/NAME`, `../Other/NAME`), or a bare name looked up in
/// the referring SpaceSystem and then in each enclosing one. Lookup is a dictionary probe per level.
struct XTCESymbolTable {
    struct Declaration {
        var element: XMLElement
        /// Path of the declaring SpaceSystem, root first.
        var system: [String]
        var name: String
        var qualifiedName: String
    }

    /// What the table holds, for messages ("parameter type", "parameter", "container").
    let kind: String
    private(set) var declarations: [Declaration] = []
    private var indexByQualifiedName: [String: Int] = [:]

    init(kind: String) { self.kind = kind }

    static func qualify(_ system: [String], _ name: String) -> String {
        "/" + (system + [name]).joined(separator: "/")
    }

    /// Adds a declaration; fails on a duplicate name in the same SpaceSystem.
    mutating func declare(_ element: XMLElement, name: String, system: [String], reader: XTCEReader) throws(DefinitionError) {
        let q = Self.qualify(system, name)
        if let first = indexByQualifiedName[q] {
            throw reader.error(element, .duplicateName(kind: kind, name: name, firstLine: declarations[first].element.line))
        }
        indexByQualifiedName[q] = declarations.count
        declarations.append(Declaration(element: element, system: system, name: name, qualifiedName: q))
    }

    /// Resolves `reference` as seen from SpaceSystem `system`; returns the declaration index.
    func resolve(_ reference: String, from system: [String]) -> Int? {
        let ref = reference.trimmingASCIIWhitespace()
        if ref.hasPrefix("/") { return indexByQualifiedName[ref] }
        if ref.contains("/") {
            var path = system
            let parts = ref.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            for part in parts.dropLast() {
                switch part {
                case ".": continue
                case "..": if !path.isEmpty { path.removeLast() }
                default: path.append(part)
                }
            }
            guard let last = parts.last else { return nil }
            return indexByQualifiedName[Self.qualify(path, last)]
        }
        var path = system
        while true {
            if let i = indexByQualifiedName[Self.qualify(path, ref)] { return i }
            if path.isEmpty { return nil }
            path.removeLast()
        }
    }
}
