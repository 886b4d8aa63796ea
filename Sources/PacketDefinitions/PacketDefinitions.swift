// PacketDefinitions: the packet definition model and its loaders (see ../../ARCHITECTURE.md).
//
// Entry points:
//   XTCELoader.load(contentsOf:)            XTCE 1.1 / 1.2 files  -> DefinitionSet
//   CSVDefinitionLoader.load(contentsOf:)   CCSDSPy-style CSV     -> DefinitionSet
//   DefinitionSet.load(contentsOf:)         either, by file extension
//
// A DefinitionSet holds parameter types, parameters and sequence containers in flat arrays with
// every reference resolved to an ID, plus `resolvedContainers`: for each concrete container its
// base-first entries, restrictions, APID and fixed size, which is what Decom compiles into plans.
// Every failure is a `DefinitionError` that prints as `file:line: message`.

extension DefinitionSet {
    /// Loads a definition file, choosing the loader by extension: `.csv` files with
    /// `CSVDefinitionLoader` (restricted to `csvAPID` when given), anything else with `XTCELoader`.
    public static func load(contentsOf path: String, csvAPID: Int? = nil) throws(DefinitionError) -> DefinitionSet {
        if path.lowercased().hasSuffix(".csv") {
            return try CSVDefinitionLoader.load(contentsOf: path, apid: csvAPID)
        }
        return try XTCELoader.load(contentsOf: path)
    }
}
