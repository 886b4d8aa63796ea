import CDF
import Foundation
import PacketDefinitions

extension Mission {
    /// Loads and validates `directory/mission.yaml` (the format: testdata/missions/README.md): parses
    /// the YAML with line numbers, loads each instrument's packet definitions, configures every recipe
    /// step through `library` (so a bad parameter is found now), checks inputs, APIDs, containers and
    /// field names against the definitions, orders the products (a cycle is an error) and computes each
    /// product's configuration digest.
    ///
    /// - Parameters:
    ///   - library: the steps recipes may name (`AlgorithmLibrary.standard` plus mission steps); the
    ///     engine's own `support` and `time_order` steps are added unless the library has them.
    ///   - spiceClock: builds the clock of `time: spice:` from the LSK and SCLK paths; by default
    ///     `SPICEClock` (Sources/Products/Time). `time: linear:` builds a `LinearClock`.
    /// - Throws: `ConfigurationError` naming the file and line of the first mistake.
    public static func load(
        directory: String, library: AlgorithmLibrary,
        spiceClock: (@Sendable (_ lsk: String, _ sclk: String) throws -> any MissionClock)? = nil
    ) throws(ConfigurationError) -> Mission {
        var loader = MissionLoader(directory: directory, library: library, spiceClock: spiceClock)
        return try loader.load()
    }
}

/// The work of `Mission.load`: one pass over the YAML tree, keys checked against the format.
struct MissionLoader {
    let directory: String
    let file: String
    var library: AlgorithmLibrary
    let spiceClock: (@Sendable (_ lsk: String, _ sclk: String) throws -> any MissionClock)?
    /// Files whose contents shape products (definitions, tables): path -> content digest.
    var fileDigests: [String: String] = [:]

    init(directory: String, library: AlgorithmLibrary, spiceClock: (@Sendable (String, String) throws -> any MissionClock)?) {
        var dir = directory
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        self.directory = dir
        self.file = dir + "/mission.yaml"
        var lib = library
        if lib.factory(named: SupportStep.name) == nil { lib.register(SupportStep.name, SupportStep.factory) }
        if lib.factory(named: TimeOrderStep.name) == nil { lib.register(TimeOrderStep.name, TimeOrderStep.factory) }
        self.library = lib
        self.spiceClock = spiceClock
    }

    static let topKeys: Set<String> = ["mission", "time", "naming", "formats", "compression", "global_attributes", "instruments", "products"]

    mutating func load() throws(ConfigurationError) -> Mission {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("the mission folder does not exist", at: ConfigLocation(file: directory, line: 0))
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw ConfigurationError("no mission.yaml in the mission folder", at: ConfigLocation(file: file, line: 0))
        }
        let root = try YAMLReader.read(path: file)
        let top = try root.mapEntries("the mission file", allowed: Self.topKeys)
        func required(_ key: String) throws(ConfigurationError) -> ConfigValue {
            guard let v = top.first(where: { $0.key == key })?.value else {
                throw ConfigurationError("missing '\(key):' section", at: root.location.line > 0 ? root.location : ConfigLocation(file: file, line: 1))
            }
            return v
        }
        let missionSection = try required("mission")
        let missionEntries = try missionSection.mapEntries("mission", allowed: ["name", "description"])
        guard let nameValue = missionEntries.first(where: { $0.key == "name" })?.value else {
            throw missionSection.error("mission needs a 'name'")
        }
        let name = try nameValue.requireString("mission name")
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }) else {
            throw nameValue.error("mission name '\(name)' must be lower-case letters and digits")
        }
        let description = try missionEntries.first(where: { $0.key == "description" })?.value.requireString("description")

        let clock = try loadClock(try required("time"))
        let naming = try loadNaming(root["naming"])
        let formats = try root["formats"].map { v throws(ConfigurationError) in try Self.formats(v) } ?? [.cdf]
        let compression = try loadCompression(root["compression"])
        let globals = try Self.textAttributes(root["global_attributes"], "global_attributes")

        let instruments = try loadInstruments(try required("instruments"))
        let productsSection = try required("products")
        let recipes = try loadProducts(productsSection, instruments: instruments, defaultFormats: formats)
        let ordered = try Self.order(recipes)
        try checkFields(ordered, instruments: instruments)

        var digests: [ProductID: String] = [:]
        let missionWide = Self.canonical(root["time"]) + Self.canonical(root["naming"]) + Self.canonical(root["compression"])
            + Self.canonical(root["global_attributes"]) + Self.canonical(missionSection) + name
        for recipe in ordered {
            var text = missionWide + "|" + Self.canonical(recipe.source)
            for input in recipe.inputs {
                switch input.source {
                case .level0(let instrumentName, _):
                    let instrument = instruments.first { $0.name == instrumentName }!
                    text += "|defs:" + (instrument.instrument.definitionFile.flatMap { fileDigests[$0] } ?? "")
                    text += Self.canonical(instrument.source)
                case .product(let id):
                    text += "|up:\(id):" + (digests[id] ?? "")
                }
            }
            for path in Self.referencedFiles(recipe.source, directory: directory).sorted() {
                text += "|file:\(path):" + digest(ofFile: path)
            }
            digests[recipe.id] = Self.hex(MD5Digest.of(Array(text.utf8)))
        }
        return Mission(name: name, description: description, directory: directory, file: file, clock: clock, naming: naming,
                       formats: formats, compression: compression, globalAttributes: globals,
                       instruments: instruments.map(\.instrument), products: ordered, digests: digests)
    }

    // MARK: time, naming, formats

    func loadClock(_ value: ConfigValue) throws(ConfigurationError) -> any MissionClock {
        let entries = try value.mapEntries("time", allowed: ["linear", "spice"])
        guard entries.count == 1 else { throw value.error("time needs exactly one of 'linear' or 'spice'") }
        let (kind, settings) = entries[0]
        if kind == "linear" {
            let e = try settings.mapEntries("time.linear", allowed: ["epoch", "ticks_per_second"])
            guard let epochValue = e.first(where: { $0.key == "epoch" })?.value else { throw settings.error("time.linear needs 'epoch' (UTC, e.g. 2010-01-01T00:00:00Z)") }
            let text = try epochValue.requireString("epoch")
            guard Self.parseUTC(text) != nil else { throw epochValue.error("epoch '\(text)' is not a UTC time like 2010-01-01T00:00:00Z") }
            let ticksValue = e.first(where: { $0.key == "ticks_per_second" })?.value
            let ticks = try ticksValue?.requireNumber("ticks_per_second") ?? 1
            guard ticks > 0 else { throw (ticksValue ?? settings).error("ticks_per_second must be positive") }
            return try LinearClock(epoch: text, ticksPerSecond: ticks, at: epochValue.location)
        }
        let e = try settings.mapEntries("time.spice", allowed: ["lsk", "sclk"])
        var paths: [String: String] = [:]
        for key in ["lsk", "sclk"] {
            guard let v = e.first(where: { $0.key == key })?.value else { throw settings.error("time.spice needs '\(key)'") }
            paths[key] = try existingFile(v, key)
        }
        if let spiceClock {
            do { return try spiceClock(paths["lsk"]!, paths["sclk"]!) } catch {
                throw value.error("cannot build the SPICE clock: \(error)")
            }
        }
        return try SPICEClock(leapSecondKernel: paths["lsk"]!, clockKernel: paths["sclk"]!)
    }

    static func parseUTC(_ text: String) -> TT2000Converter.UTC? {
        // YYYY-MM-DDTHH:MM:SS[.fff][Z]
        var t = text
        if t.hasSuffix("Z") { t.removeLast() }
        let parts = t.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count <= 2, let day = MissionDay(parts[0]), parts[0].count == 10 else { return nil }
        var h = 0, m = 0, s = 0, ns = 0
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard hms.count == 3, let hh = Int(hms[0]), let mm = Int(hms[1]) else { return nil }
            let secParts = hms[2].split(separator: ".", omittingEmptySubsequences: false)
            guard let ss = Int(secParts[0]), (0...23).contains(hh), (0...59).contains(mm), (0...60).contains(ss) else { return nil }
            h = hh; m = mm; s = ss
            if secParts.count == 2 {
                let digits = String(secParts[1].prefix(9))
                guard let f = Int(digits) else { return nil }
                ns = f * Int(pow(10.0, Double(9 - digits.count)))
            }
        }
        return TT2000Converter.UTC(day.year, day.month, day.day, h, m, s, nanosecond: ns)
    }

    func loadNaming(_ value: ConfigValue?) throws(ConfigurationError) -> NamingRule {
        guard let value else { return NamingRule() }
        let e = try value.mapEntries("naming", allowed: ["product", "level0"])
        var rule = NamingRule()
        for (key, v) in e {
            let pattern = try v.requireString("naming.\(key)")
            if let bad = NamingRule.unknownPlaceholders(pattern).first {
                throw v.error("unknown placeholder {\(bad)} in naming.\(key) (known: \(NamingRule.placeholders.sorted().joined(separator: ", ")))")
            }
            if key == "product" {
                for needed in ["instrument", "level", "descriptor", "date", "version", "ext"] where !pattern.contains("{\(needed)}") {
                    throw v.error("naming.product must contain {\(needed)} so that file names are unique")
                }
                rule.product = pattern
            } else {
                for needed in ["instrument", "date"] where !pattern.contains("{\(needed)}") {
                    throw v.error("naming.level0 must contain {\(needed)}")
                }
                rule.level0 = pattern
            }
        }
        return rule
    }

    static func formats(_ value: ConfigValue) throws(ConfigurationError) -> [ProductFormat] {
        var out: [ProductFormat] = []
        for v in value.listOrSingle() {
            let s = try v.requireString("a format")
            guard let f = ProductFormat(rawValue: s) else { throw v.error("unknown format '\(s)' (known: cdf, fits, hdf5)") }
            if !out.contains(f) { out.append(f) }
        }
        guard !out.isEmpty else { throw value.error("formats must name at least one of cdf, fits, hdf5") }
        return out
    }

    func loadCompression(_ value: ConfigValue?) throws(ConfigurationError) -> CompressionSettings {
        var settings = CompressionSettings()
        guard let value else { return settings }
        for (format, v) in try value.mapEntries("compression", allowed: ["cdf", "fits", "hdf5"]) {
            let e = try v.mapEntries("compression.\(format)", allowed: format == "hdf5" ? ["method", "level", "shuffle"] : ["method", "level"])
            guard let methodValue = e.first(where: { $0.key == "method" })?.value else { throw v.error("compression.\(format) needs 'method'") }
            let method = try methodValue.requireString("method")
            let levelValue = e.first(where: { $0.key == "level" })?.value
            let level = try levelValue?.requireInt("level")
            switch (format, method) {
            case ("cdf", "none"): settings.cdfGzipLevel = 0
            case ("cdf", "gzip"):
                let l = level ?? 1
                guard (1...9).contains(l) else { throw (levelValue ?? v).error("gzip level must be 1-9") }
                settings.cdfGzipLevel = l
            case ("hdf5", "none"): settings.hdf5 = .none
            case ("hdf5", "deflate"):
                let l = level ?? 1
                guard (1...9).contains(l) else { throw (levelValue ?? v).error("deflate level must be 1-9") }
                settings.hdf5 = .deflate(l)
            case ("hdf5", "zstd"):
                let l = level ?? 3
                guard (1...22).contains(l) else { throw (levelValue ?? v).error("zstd level must be 1-22") }
                settings.hdf5 = .zstd(l)
            case ("fits", "none"): settings.fitsTiles = false
            case ("fits", "tile"): settings.fitsTiles = true
            default:
                let known = ["cdf": "none, gzip", "hdf5": "none, deflate, zstd", "fits": "none, tile"][format]!
                throw methodValue.error("unknown \(format) compression '\(method)' (known: \(known))")
            }
            if let s = e.first(where: { $0.key == "shuffle" })?.value { settings.hdf5Shuffle = try s.requireBool("shuffle") }
        }
        return settings
    }

    static func textAttributes(_ value: ConfigValue?, _ what: String) throws(ConfigurationError) -> [(name: String, value: String)] {
        guard let value else { return [] }
        var out: [(name: String, value: String)] = []
        for (k, v) in try value.mapEntries(what) {
            out.append((k, try v.requireString("\(what).\(k)")))
        }
        return out
    }

    // MARK: instruments

    struct LoadedInstrument {
        var instrument: Instrument
        var source: ConfigValue
        var name: String { instrument.name }
        var definitions: DefinitionSet? { instrument.definitions }
    }

    mutating func loadInstruments(_ value: ConfigValue) throws(ConfigurationError) -> [LoadedInstrument] {
        var out: [LoadedInstrument] = []
        var apidOwner: [UInt16: String] = [:]
        for (name, v) in try value.mapEntries("instruments") {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }) else {
                throw v.error("instrument name '\(name)' must be lower-case letters and digits (it is part of file names)")
            }
            let e = try v.mapEntries("instrument '\(name)'", allowed: ["apids", "definitions", "global_attributes"])
            var apids: [UInt16] = []
            if let a = e.first(where: { $0.key == "apids" })?.value {
                for item in a.listOrSingle() {
                    let n = try item.requireInt("an APID")
                    guard (0...2046).contains(n) else { throw item.error("APID \(n) is outside 0-2046") }
                    if let other = apidOwner[UInt16(n)] { throw item.error("APID \(n) is already instrument '\(other)''s") }
                    apidOwner[UInt16(n)] = name
                    apids.append(UInt16(n))
                }
            }
            var definitionFile: String? = nil
            var definitions: DefinitionSet? = nil
            if let d = e.first(where: { $0.key == "definitions" })?.value {
                let path = try existingFile(d, "definitions")
                do {
                    if path.lowercased().hasSuffix(".csv") {
                        guard apids.count == 1 else { throw d.error("CSV definitions need exactly one APID in 'apids'") }
                        definitions = try CSVDefinitionLoader.load(contentsOf: path, apid: Int(apids[0]))
                    } else {
                        definitions = try DefinitionSet.load(contentsOf: path)
                    }
                } catch let error as ConfigurationError {
                    throw error
                } catch {
                    throw d.error("cannot use definitions '\(path)': \(error)")
                }
                definitionFile = path
                _ = digest(ofFile: path)
                if let set = definitions {
                    let defined = Set(set.apids)
                    for (i, apid) in apids.enumerated() where !defined.contains(Int(apid)) {
                        let at = e.first(where: { $0.key == "apids" })!.value
                        throw (at.list?[i] ?? at).error("APID \(apid) of instrument '\(name)' has no container in \(path) (its APIDs: \(defined.sorted().map(String.init).joined(separator: ", ")))")
                    }
                }
            }
            if !apids.isEmpty && definitions == nil { throw v.error("instrument '\(name)' has APIDs but no 'definitions'") }
            let globals = try Self.textAttributes(e.first(where: { $0.key == "global_attributes" })?.value, "global_attributes")
            out.append(LoadedInstrument(
                instrument: Instrument(name: name, apids: apids, definitionFile: definitionFile, definitions: definitions, globalAttributes: globals),
                source: v))
        }
        guard !out.isEmpty else { throw value.error("instruments must name at least one instrument") }
        return out
    }

    /// A path relative to the mission folder that must exist.
    func existingFile(_ value: ConfigValue, _ what: String) throws(ConfigurationError) -> String {
        let name = try value.requireString(what)
        let path = name.hasPrefix("/") ? name : directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { throw value.error("\(what) file '\(name)' does not exist (looked for \(path))") }
        return path
    }

    mutating func digest(ofFile path: String) -> String {
        if let d = fileDigests[path] { return d }
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        let d = Self.hex(MD5Digest.of(bytes))
        fileDigests[path] = d
        return d
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    // MARK: products

    static let productKeys: Set<String> = ["description", "formats", "inputs", "steps", "variables", "global_attributes"]

    mutating func loadProducts(_ value: ConfigValue, instruments: [LoadedInstrument], defaultFormats: [ProductFormat]) throws(ConfigurationError) -> [ProductRecipe] {
        let entries = try value.mapEntries("products")
        guard !entries.isEmpty else { throw value.error("products must name at least one product") }
        let ids = Set(entries.compactMap { ProductID($0.key) })
        var out: [ProductRecipe] = []
        for (key, v) in entries {
            guard let id = ProductID(key), !id.descriptor.isEmpty else {
                throw v.error("product id '\(key)' must be <instrument>_<level>_<descriptor> with level l1a, l1b, l2 or l3")
            }
            guard instruments.contains(where: { $0.name == id.instrument }) else {
                throw v.error("product '\(key)': unknown instrument '\(id.instrument)' (known: \(instruments.map(\.name).joined(separator: ", ")))")
            }
            let e = try v.mapEntries("product '\(key)'", allowed: Self.productKeys)
            func field(_ k: String) -> ConfigValue? { e.first { $0.key == k }?.value }
            let description = try field("description")?.requireString("description")
            let formats = try field("formats").map { f throws(ConfigurationError) in try Self.formats(f) } ?? defaultFormats
            guard let inputsValue = field("inputs") else { throw v.error("product '\(key)' needs 'inputs'") }
            var inputs: [RecipeInput] = []
            for item in try inputsValue.requireList("inputs") {
                inputs.append(try loadInput(item, product: key, instruments: instruments, products: ids))
            }
            guard !inputs.isEmpty else { throw inputsValue.error("product '\(key)' needs at least one input") }
            var names = Set<String>()
            for input in inputs where !names.insert(input.name).inserted {
                throw ConfigurationError("two inputs of '\(key)' are named '\(input.name)' (give one a 'name:')", at: input.location)
            }
            var steps: [RecipeStep] = []
            if let stepsValue = field("steps") {
                for item in try stepsValue.requireList("steps") { steps.append(try loadStep(item, product: key)) }
            }
            var variables: [String: VariableSettings] = [:]
            if let vars = field("variables") {
                for (variable, attrs) in try vars.mapEntries("variables") {
                    var settings = VariableSettings(attributes: [], write: true)
                    for (attribute, value) in try attrs.mapEntries("attributes of '\(variable)'") {
                        if attribute == "write" { settings.write = try value.requireBool("write"); continue }
                        switch value.kind {
                        case .string, .int, .double: break
                        case .list(let items) where items.allSatisfy({ if case .string = $0.kind { true } else if case .int = $0.kind { true } else if case .double = $0.kind { true } else { false } }): break
                        default: throw value.error("attribute \(attribute) of '\(variable)' must be text, a number or a list of them, not \(value.typeName)")
                        }
                        settings.attributes.append((attribute, value))
                    }
                    variables[variable] = settings
                }
            }
            let globals = try Self.textAttributes(field("global_attributes"), "global_attributes")
            out.append(ProductRecipe(id: id, description: description, formats: formats, inputs: inputs, steps: steps,
                                     variables: variables, globalAttributes: globals, location: v.location, source: v))
        }
        return out
    }

    func loadInput(_ item: ConfigValue, product: String, instruments: [LoadedInstrument], products: Set<ProductID>) throws(ConfigurationError) -> RecipeInput {
        let e = try item.mapEntries("an input of '\(product)'", allowed: ["l0", "product", "container", "apid", "name", "required", "days"])
        func field(_ k: String) -> ConfigValue? { e.first { $0.key == k }?.value }
        let source: RecipeInput.Source
        let defaultName: String
        if let l0 = field("l0") {
            guard field("product") == nil else { throw item.error("an input is either 'l0:' or 'product:', not both") }
            let instrumentName = try l0.requireString("l0")
            guard let instrument = instruments.first(where: { $0.name == instrumentName }) else {
                throw l0.error("unknown instrument '\(instrumentName)' (known: \(instruments.map(\.name).joined(separator: ", ")))")
            }
            guard let set = instrument.definitions else { throw l0.error("instrument '\(instrumentName)' has no definitions, so no L0") }
            if let c = field("container") {
                guard field("apid") == nil else { throw c.error("give 'container' or 'apid', not both") }
                let name = try c.requireString("container")
                guard set.resolvedContainer(named: name) != nil else {
                    let known = set.resolvedContainers.map(\.name).joined(separator: ", ")
                    throw c.error("unknown container '\(name)' in \(instrument.instrument.definitionFile ?? "") (concrete containers: \(known))")
                }
                source = .level0(instrument: instrumentName, .container(name))
            } else if let a = field("apid") {
                let apid = try a.requireInt("apid")
                guard instrument.instrument.apids.contains(where: { Int($0) == apid }) else {
                    throw a.error("unknown APID \(apid) for instrument '\(instrumentName)' (its APIDs: \(instrument.instrument.apids.map(String.init).joined(separator: ", ")))")
                }
                source = .level0(instrument: instrumentName, .apid(UInt16(apid)))
            } else {
                throw l0.error("an l0 input needs 'container:' or 'apid:'")
            }
            defaultName = instrumentName
        } else if let p = field("product") {
            let text = try p.requireString("product")
            guard let id = ProductID(text), products.contains(id) else { throw p.error("unknown product '\(text)'") }
            source = .product(id)
            defaultName = text
            if field("container") != nil || field("apid") != nil { throw item.error("'container' and 'apid' are for l0 inputs") }
        } else {
            throw item.error("an input needs 'l0:' (an instrument) or 'product:' (a product id)")
        }
        let name = try field("name")?.requireString("name") ?? defaultName
        let required = try field("required")?.requireBool("required") ?? true
        var days = 0...0
        if let d = field("days") {
            let list = try d.requireList("days")
            guard list.count == 2 else { throw d.error("days must be [first, last], e.g. [-6, 0]") }
            let first = try list[0].requireInt("days"), last = try list[1].requireInt("days")
            guard first <= last else { throw d.error("days: first (\(first)) must not be after last (\(last))") }
            guard last - first < 366 else { throw d.error("days: a window of more than 366 days") }
            days = first...last
        }
        return RecipeInput(source: source, name: name, required: required, days: days, location: item.location)
    }

    func loadStep(_ item: ConfigValue, product: String) throws(ConfigurationError) -> RecipeStep {
        let name: String
        var parameters: ConfigValue
        switch item.kind {
        case .string(let s): name = s; parameters = ConfigValue(.null, at: item.location)
        case .map(let entries) where entries.count == 1: name = entries[0].key; parameters = entries[0].value
        default: throw item.error("a step is '- name: {parameters}' (one key) or '- name'")
        }
        guard let factory = library.factory(named: name) else {
            throw item.error("unknown step '\(name)' in '\(product)' (known: \(library.names.joined(separator: ", ")))")
        }
        if parameters.location.line == 0 { parameters.location = item.location }
        let algorithm = try factory(parameters, directory)
        return RecipeStep(name: name, parameters: parameters, algorithm: algorithm, location: item.location)
    }

    // MARK: order and fields

    /// Inputs first; a cycle is an error at the first product on it.
    static func order(_ recipes: [ProductRecipe]) throws(ConfigurationError) -> [ProductRecipe] {
        var byID: [ProductID: ProductRecipe] = [:]
        for r in recipes { byID[r.id] = r }
        var state: [ProductID: Int] = [:]  // 1 visiting, 2 done
        var out: [ProductRecipe] = []
        func visit(_ r: ProductRecipe, _ path: [ProductID]) throws(ConfigurationError) {
            if state[r.id] == 2 { return }
            if state[r.id] == 1 {
                let cycle = (path.drop { $0 != r.id } + [r.id]).map(\.description).joined(separator: " -> ")
                throw ConfigurationError("dependency cycle: \(cycle)", at: r.location)
            }
            state[r.id] = 1
            for input in r.inputs {
                if case .product(let id) = input.source, let up = byID[id] {
                    if id == r.id && input.days.upperBound < 0 { continue }  // its own earlier days: not a cycle
                    try visit(up, path + [r.id])
                }
            }
            state[r.id] = 2
            out.append(r)
        }
        for r in recipes { try visit(r, []) }
        return out
    }

    /// Parameters that name variables (`variable`, `variables`, `coarse`, `fine`, `index`, `by`, `field`)
    /// must name a parameter of the definitions, a header column, or a variable an earlier step or
    /// upstream product makes. Catches misspelt parameter names at the step's line.
    func checkFields(_ ordered: [ProductRecipe], instruments: [LoadedInstrument]) throws(ConfigurationError) {
        let fieldKeys: Set<String> = ["variable", "variables", "coarse", "fine", "index", "by", "field"]
        let outputKeys: Set<String> = ["name", "count"]
        var known: [ProductID: Set<String>] = [:]
        for recipe in ordered {
            var names: Set<String> = ["epoch", "count", "file_offset", "file_index"]
            for input in recipe.inputs {
                switch input.source {
                case .level0(let instrument, _):
                    if let set = instruments.first(where: { $0.name == instrument })?.definitions {
                        for p in set.parameters { names.insert(p.name) }
                    }
                    names.formUnion(["ccsds_version", "ccsds_type", "ccsds_secondary_header", "ccsds_apid", "ccsds_sequence_flags",
                                     "ccsds_sequence_count", "ccsds_length"])
                case .product(let id):
                    names.formUnion(known[id] ?? [])
                }
            }
            let unchecked = recipe.inputs.contains { if case .product = $0.source { known[$0.productID!] == nil } else { false } }
            for step in recipe.steps {
                guard let entries = step.parameters.entries else { continue }
                var made: [String] = []
                for (key, value) in entries {
                    if outputKeys.contains(key) || (step.name == "rename" ), let s = value.string { made.append(s) }
                    if step.name == "daily_statistics" || step.name == "histogram" { continue }
                    guard fieldKeys.contains(key), !unchecked else { continue }
                    for v in value.listOrSingle() {
                        guard let s = v.string else { continue }
                        if !names.contains(s) {
                            throw v.error("unknown parameter or variable '\(s)' in step '\(step.name)' of '\(recipe.id)'")
                        }
                    }
                }
                names.formUnion(made)
                if step.name == "magnitude", let v = step.parameters["variable"]?.string, step.parameters["name"] == nil { names.insert(v + "_magnitude") }
                if step.name == "xtce_calibrate" || step.name == "daily_statistics" || step.name == "histogram" || step.name == "join" {
                    // These make names from patterns (suffixes, other inputs): stop checking after them.
                    names = []
                    break
                }
            }
            known[recipe.id] = names.isEmpty ? nil : names
        }
    }

    // MARK: digests

    /// The value without locations, keys in order: edits to comments or layout do not change it.
    static func canonical(_ value: ConfigValue?) -> String {
        guard let value else { return "~" }
        switch value.kind {
        case .null: return "~"
        case .bool(let b): return b ? "T" : "F"
        case .int(let i): return "i\(i)"
        case .double(let d): return "d\(d)"
        case .string(let s): return "s\(s.utf8.count):\(s)"
        case .list(let items): return "[" + items.map { canonical($0) }.joined(separator: ",") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.key)=" + canonical($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// Every string in a recipe that names an existing file in the mission folder (tables, definitions).
    static func referencedFiles(_ value: ConfigValue, directory: String) -> Set<String> {
        switch value.kind {
        case .string(let s) where s.contains("/") || s.contains("."):
            let path = s.hasPrefix("/") ? s : directory + "/" + s
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue ? [path] : []
        case .list(let items): return items.reduce(into: Set<String>()) { $0.formUnion(referencedFiles($1, directory: directory)) }
        case .map(let entries): return entries.reduce(into: Set<String>()) { $0.formUnion(referencedFiles($1.value, directory: directory)) }
        default: return []
        }
    }
}

extension RecipeInput {
    var productID: ProductID? { if case .product(let id) = source { id } else { nil } }
}

/// MD5 of a byte array as bytes (the configuration digest: stable, not a security boundary).
enum MD5Digest {
    static func of(_ bytes: [UInt8]) -> [UInt8] {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finalize()
    }
}
