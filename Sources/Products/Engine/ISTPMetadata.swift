import Dataset
import Foundation

/// Puts a product's ISTP metadata on its dataset: the global attributes (mission, instrument and
/// product settings, plus those computed per file: Logical_source, Logical_file_id, Data_version,
/// Data_type, ...) and per-variable attributes (defaults from the variable's type and role, then what
/// `variables:` says, with numbers converted to the variable's own type).
///
/// Costs: a pass over the variables' metadata; label variables are a few strings.
struct ISTPMetadata {
    let mission: Mission
    let recipe: ProductRecipe

    func apply(to input: Dataset, day: MissionDay, version: Int, generated: Date = Date()) throws(ProductError) -> Dataset {
        let id = recipe.id
        var globals = Attributes()
        func set(_ name: String, _ value: String) { globals[name] = .string(value) }
        for (k, v) in mission.globalAttributes { set(k, v) }
        for (k, v) in mission.instrument(named: id.instrument)?.globalAttributes ?? [] { set(k, v) }
        for (k, v) in recipe.globalAttributes { set(k, v) }
        let levelName = id.level.rawValue.uppercased()
        let levelWords = "Level " + String(levelName.dropFirst())
        if globals["Source_name"] == nil { set("Source_name", "\(mission.name.uppercased())>\(mission.description ?? mission.name.uppercased() + " mission")") }
        if globals["Descriptor"] == nil { set("Descriptor", id.instrument.uppercased()) }
        if globals["Instrument_type"] == nil { set("Instrument_type", "Engineering") }
        for required in ["Project", "Discipline", "Mission_group", "PI_name", "PI_affiliation"] where globals[required] == nil {
            set(required, mission.name.uppercased())
        }
        let description = recipe.description ?? "\(mission.name.uppercased()) \(id.instrument.uppercased()) \(levelWords) \(id.descriptor)"
        set("Logical_source", "\(mission.name)_\(id.instrument)_\(id.level.rawValue)_\(id.descriptor)")
        set("Logical_file_id", mission.naming.logicalFileID(mission: mission.name, product: id, day: day, version: version))
        set("Logical_source_description", description)
        if globals["TEXT"] == nil { set("TEXT", description) }
        set("Data_type", "\(levelName)_\(id.descriptor)>\(levelWords) \(id.descriptor)")
        set("Data_version", NamingRule.version(version))
        set("Data_level", levelName)
        set("Generation_date", Self.compactDate(generated))
        set("Software_version", "downlink")
        // ISTP's recommended globals that a mission may not configure: neutral values, so that
        // validators see them set (a mission overrides each under global_attributes). DOI and
        // spase_DatasetResourceID are never invented: a mission that has them configures them.
        let recommended: [(String, String)] = [
            ("Acknowledgement", "None"), ("File_naming_convention", "source_datatype_descriptor_yyyyMMdd"),
            ("Generated_by", "Downlink"), ("HTTP_LINK", "None"), ("LINK_TITLE", "None"), ("MODS", "Version \(version)"),
            ("Rules_of_use", "None"), ("Time_resolution", "See the epoch variable"),
        ]
        for (name, value) in recommended where globals[name] == nil { set(name, value) }

        var out = Dataset(attributes: globals)
        let names = Set(input.variables.map(\.name))
        let epochName = input.variables.first { $0.column.elementType == .tt2000 && $0.column.isRecordVarying }?.name
        var labelVariables: [Variable] = []
        // Variables others point at (DEPEND_1, energies) are support data.
        var referenced = Set<String>()
        for settings in recipe.variables.values {
            for (k, v) in settings.attributes where k.hasPrefix("DEPEND_") { if let s = v.string { referenced.insert(s) } }
        }
        for variable in input.variables {
            let settings = recipe.variables[variable.name]
            if settings?.write == false { continue }
            var attrs = try defaults(for: variable, epoch: epochName, referenced: referenced.contains(variable.name))
            for (name, value) in settings?.attributes ?? [] {
                if name.hasPrefix("LABL_PTR_"), let list = value.list {
                    // A list of labels: the engine writes the label variable.
                    let labelName = "\(variable.name)_label\(name.dropFirst("LABL_PTR_".count))"
                    let labels = list.compactMap { $0.string ?? ($0.int.map(String.init)) }
                    let width = max(1, labels.map(\.utf8.count).max() ?? 1)
                    do {
                        var labelAttrs = Attributes()
                        labelAttrs["CATDESC"] = .string("Labels of \(variable.name)")
                        labelAttrs["FIELDNAM"] = .string(labelName)
                        labelAttrs["VAR_TYPE"] = .string("metadata")
                    labelAttrs["FILLVAL"] = .string(" ")
                        labelAttrs["FORMAT"] = .string("A\(width)")
                        labelVariables.append(Variable(labelName, try Column(strings: labels, width: width, shape: [labels.count], recordVarying: false),
                                                       dimensions: [variable.dimensionNames.last ?? "\(labelName)_dim0"], attributes: labelAttrs))
                    } catch { throw ProductError(product: id.description, "labels of '\(variable.name)': \(error)") }
                    attrs[name] = .string(labelName)
                    attrs["LABLAXIS"] = nil
                    continue
                }
                attrs[name] = try convert(value, name: name, for: variable)
            }
            // A vector without DEPEND_1 or labels gets component labels, as ISTP wants.
            if attrs["VAR_TYPE"] == .string("data"), variable.column.shape.count == 1, attrs["DEPEND_1"] == nil, attrs["LABL_PTR_1"] == nil {
                let n = variable.column.shape[0]
                let labels = n == 3 ? ["\(variable.name) x", "\(variable.name) y", "\(variable.name) z"] : (0..<n).map { "\(variable.name)[\($0)]" }
                let labelName = "\(variable.name)_label1"
                if !names.contains(labelName) {
                    let width = labels.map(\.utf8.count).max() ?? 1
                    var labelAttrs = Attributes()
                    labelAttrs["CATDESC"] = .string("Labels of \(variable.name)")
                    labelAttrs["FIELDNAM"] = .string(labelName)
                    labelAttrs["VAR_TYPE"] = .string("metadata")
                    labelAttrs["FILLVAL"] = .string(" ")
                    labelAttrs["FORMAT"] = .string("A\(width)")
                    do {
                        labelVariables.append(Variable(labelName, try Column(strings: labels, width: width, shape: [n], recordVarying: false),
                                                       dimensions: [variable.dimensionNames.last ?? "\(labelName)_dim0"], attributes: labelAttrs))
                    } catch { throw ProductError(product: id.description, "labels of '\(variable.name)': \(error)") }
                    attrs["LABL_PTR_1"] = .string(labelName)
                }
            }
            do { try out.add(Variable(variable.name, variable.column, dimensions: variable.dimensionNames, attributes: attrs)) }
            catch { throw ProductError(product: id.description, "variable '\(variable.name)': \(error)") }
        }
        for label in labelVariables where out[label.name] == nil {
            do { try out.add(label) } catch { throw ProductError(product: id.description, "variable '\(label.name)': \(error)") }
        }
        return out
    }

    private func defaults(for v: Variable, epoch: String?, referenced: Bool) throws(ProductError) -> Attributes {
        var a = Attributes()
        let type = v.column.elementType
        a["FIELDNAM"] = .string(v.name)
        a["CATDESC"] = .string(v.name)
        let isText: Bool = { if case .string = type { return true }; return false }()
        let isBinary: Bool = { if case .binary = type { return true }; return false }()
        if type == .tt2000 {
            a["VAR_TYPE"] = .string("support_data")
            a["CATDESC"] = .string("Time (TT2000)")
            a["UNITS"] = .string("ns")
            a["TIME_BASE"] = .string("J2000")
            a["FILLVAL"] = .tt2000([Int64.min])
            a["VALIDMIN"] = .tt2000([-315575942816000000])  // 1990-01-01
            a["VALIDMAX"] = .tt2000([3155716868184000000])  // 2099-12-31
            a["FORMAT"] = .string("I21")
            a["LABLAXIS"] = .string(Self.axisLabel(v.name))
            if Self.isIncreasing(v.column) { a["MONOTON"] = .string("INCREASE") }
            if v.name != epoch, let epoch { a["DEPEND_0"] = .string(epoch) }
            return a
        }
        if isText || isBinary {
            a["VAR_TYPE"] = .string("metadata")
            a["FORMAT"] = .string("A\(max(1, type.byteWidth))")
            if isText { a["FILLVAL"] = .string(" ") }
            if v.column.isRecordVarying, let epoch { a["DEPEND_0"] = .string(epoch) }
            return a
        }
        a["VAR_TYPE"] = .string(v.column.isRecordVarying && !referenced ? "data" : "support_data")
        if v.column.isRecordVarying, let epoch { a["DEPEND_0"] = .string(epoch) }
        a["UNITS"] = .string(" ")
        a["FORMAT"] = .string(Self.format(type))
        if let (fill, min, max) = Self.limits(type) {
            a["FILLVAL"] = fill; a["VALIDMIN"] = min; a["VALIDMAX"] = max
        }
        // LABLAXIS on data and support data (astralint wants it on both), at most 10 characters.
        a["LABLAXIS"] = .string(Self.axisLabel(v.name))
        if a["VAR_TYPE"] == .string("data") {
            a["DISPLAY_TYPE"] = .string(v.column.shape.isEmpty ? "time_series" : (v.column.shape.count == 1 && v.column.shape[0] > 3 ? "spectrogram" : "time_series"))
        }
        return a
    }

    /// A configured value in the variable's own type for the numeric ISTP attributes, text otherwise.
    private func convert(_ value: ConfigValue, name: String, for v: Variable) throws(ProductError) -> AttributeValue {
        let numericAttributes: Set<String> = ["FILLVAL", "VALIDMIN", "VALIDMAX", "SCALEMIN", "SCALEMAX"]
        let values = value.listOrSingle()
        if numericAttributes.contains(name) {
            var numbers: [Double] = []
            for item in values {
                guard let d = item.double else {
                    throw ProductError(product: recipe.id.description, "\(item.location): \(name) of '\(v.name)' must be a number")
                }
                numbers.append(d)
            }
            if let typed = Self.typed(numbers, v.column.elementType) { return typed }
        }
        let strings = values.map { item -> String in
            switch item.kind {
            case .string(let s): return s
            case .int(let i): return String(i)
            case .double(let d): return String(d)
            case .bool(let b): return b ? "true" : "false"
            default: return ""
            }
        }
        return .text(strings)
    }

    static func typed(_ d: [Double], _ type: ElementType) -> AttributeValue? {
        func clamp<T: FixedWidthInteger>(_ x: Double, _: T.Type) -> T {
            x >= Double(T.max) ? T.max : x <= Double(T.min) ? T.min : T(x.rounded())
        }
        switch type {
        case .int8: return .int8(d.map { clamp($0, Int8.self) })
        case .int16: return .int16(d.map { clamp($0, Int16.self) })
        case .int32: return .int32(d.map { clamp($0, Int32.self) })
        case .int64: return .int64(d.map { clamp($0, Int64.self) })
        case .uint8: return .uint8(d.map { clamp($0, UInt8.self) })
        case .uint16: return .uint16(d.map { clamp($0, UInt16.self) })
        case .uint32: return .uint32(d.map { clamp($0, UInt32.self) })
        case .uint64: return .uint64(d.map { clamp($0, UInt64.self) })
        case .float32: return .float32(d.map { Float($0) })
        case .float64: return .float64(d)
        case .tt2000: return .tt2000(d.map { clamp($0, Int64.self) })
        default: return nil
        }
    }

    /// ISTP fill values and the type's full range as the valid range (FIELD-NOTES §3).
    static func limits(_ type: ElementType) -> (AttributeValue, AttributeValue, AttributeValue)? {
        switch type {
        case .int8: return (.int8([-128]), .int8([-127]), .int8([127]))
        case .int16: return (.int16([-32768]), .int16([-32767]), .int16([32767]))
        case .int32: return (.int32([Int32.min]), .int32([Int32.min + 1]), .int32([Int32.max]))
        case .int64: return (.int64([Int64.min]), .int64([Int64.min + 1]), .int64([Int64.max]))
        case .uint8: return (.uint8([255]), .uint8([0]), .uint8([254]))
        case .uint16: return (.uint16([65535]), .uint16([0]), .uint16([65534]))
        case .uint32: return (.uint32([4294967295]), .uint32([0]), .uint32([4294967294]))
        case .uint64: return (.uint64([UInt64.max]), .uint64([0]), .uint64([UInt64.max - 1]))
        case .float32: return (.float32([-1e31]), .float32([-1e30]), .float32([1e30]))
        case .float64: return (.float64([-1e31]), .float64([-1e30]), .float64([1e30]))
        default: return nil
        }
    }

    static func format(_ type: ElementType) -> String {
        switch type {
        case .int8, .uint8: return "I4"
        case .int16, .uint16: return "I6"
        case .int32, .uint32: return "I11"
        case .int64, .uint64: return "I20"
        case .float32: return "E12.5"
        case .float64: return "E14.7"
        default: return "A20"
        }
    }

    /// Whether a time column strictly increases (ISTP's MONOTON); one pass over the column.
    static func isIncreasing(_ column: Column) -> Bool {
        guard column.shape.isEmpty, column.elementType == .tt2000 else { return false }
        return column.withUnsafeBytes { raw in
            let values = raw.bindMemory(to: Int64.self)
            guard values.count > 0 else { return false }
            for i in 1..<values.count where values[i] <= values[i - 1] { return false }
            return true
        }
    }

    /// ISTP keeps axis labels to 10 characters.
    static func axisLabel(_ name: String) -> String { String(name.prefix(10)) }

    static func compactDate(_ date: Date) -> String {
        let day = MissionDay(dayNumber: Int((date.timeIntervalSince1970 / 86400).rounded(.down)))
        return day.compact
    }
}
