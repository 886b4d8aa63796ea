import Dataset

/// One ISTP metadata finding: a missing, mistyped or dangling attribute. Costs a few strings.
public struct ISTPIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case missing
        case wrongType(expected: String, actual: String)
        case invalidValue(String)
        case danglingReference(String)
    }
    /// The variable, or nil for a global attribute.
    public let variable: String?
    public let attribute: String
    public let problem: Problem

    public var description: String {
        let what = variable.map { "variable '\($0)' attribute \(attribute)" } ?? "global attribute \(attribute)"
        switch problem {
        case .missing: return "\(what) is missing"
        case .wrongType(let e, let a): return "\(what) is \(a), expected \(e)"
        case .invalidValue(let r): return "\(what): \(r)"
        case .danglingReference(let n): return "\(what) names '\(n)', which is not a variable"
        }
    }
}

/// Checks a Dataset against the ISTP/SPDF required metadata (FIELD-NOTES §3): required global
/// attributes, per-variable CATDESC/FIELDNAM/VAR_TYPE/FORMAT, DEPEND_0/FILLVAL/VALIDMIN/VALIDMAX/UNITS
/// for data and record-varying support variables, DISPLAY_TYPE/LABLAXIS/DEPEND_i for data, values typed
/// like their variable, and references that name existing variables.
///
/// Costs: a pass over the metadata; never touches column data.
public enum ISTPChecker {
    public static let requiredGlobals = [
        "Project", "Source_name", "Discipline", "Data_type", "Descriptor", "Data_version", "Logical_file_id",
        "Logical_source", "Logical_source_description", "Mission_group", "PI_name", "PI_affiliation",
        "Instrument_type", "TEXT",
    ]

    public static func check(_ ds: Dataset) -> [ISTPIssue] {
        var issues: [ISTPIssue] = []
        for name in requiredGlobals {
            switch ds.attributes[name] {
            case nil: issues.append(ISTPIssue(variable: nil, attribute: name, problem: .missing))
            case .text(let s)? where !s.isEmpty && s.contains(where: { !$0.isEmpty }): break
            case let v?: issues.append(ISTPIssue(variable: nil, attribute: name, problem: .wrongType(expected: "non-empty text", actual: describe(v))))
            }
        }
        if case .text(let s)? = ds.attributes["Data_version"], let v = s.first, Double(v) == nil {
            issues.append(ISTPIssue(variable: nil, attribute: "Data_version", problem: .invalidValue("'\(v)' is not a number (e.g. '1', '1.0', '01')")))
        }
        let names = Set(ds.variables.map(\.name))
        for v in ds.variables {
            let a = v.attributes
            func need(_ attr: String) {
                if a[attr] == nil { issues.append(ISTPIssue(variable: v.name, attribute: attr, problem: .missing)) }
            }
            func needText(_ attr: String) {
                guard let val = a[attr] else { return need(attr) }
                if case .text = val { return }
                issues.append(ISTPIssue(variable: v.name, attribute: attr, problem: .wrongType(expected: "text", actual: describe(val))))
            }
            needText("CATDESC"); needText("FIELDNAM"); needText("VAR_TYPE")
            if a["FORMAT"] == nil && a["FORM_PTR"] == nil { need("FORMAT") }
            var varType = ""
            if case .text(let s)? = a["VAR_TYPE"], let t = s.first {
                varType = t
                if !["data", "support_data", "metadata", "ignore_data"].contains(t) {
                    issues.append(ISTPIssue(variable: v.name, attribute: "VAR_TYPE", problem: .invalidValue("'\(t)' is not data, support_data, metadata or ignore_data")))
                }
            }
            let isTime = v.column.elementType == .tt2000
            let isText: Bool = { if case .string = v.column.elementType { return true }; return false }()
            let recordVaryingSupport = varType == "support_data" && v.column.isRecordVarying
            if varType == "data" || recordVaryingSupport {
                if !isTime && v.column.isRecordVarying { needText("DEPEND_0") }
                if !isText {
                    for attr in ["FILLVAL", "VALIDMIN", "VALIDMAX"] {
                        guard let val = a[attr] else { need(attr); continue }
                        if !matches(val, v.column.elementType) {
                            issues.append(ISTPIssue(variable: v.name, attribute: attr, problem: .wrongType(expected: "\(v.column.elementType) like the variable", actual: describe(val))))
                        }
                    }
                    needText("UNITS")
                }
            }
            if varType == "data" {
                needText("DISPLAY_TYPE")
                if a["LABLAXIS"] == nil && a["LABL_PTR_1"] == nil { need("LABLAXIS") }
                for i in 1...max(1, v.column.shape.count) where i <= v.column.shape.count {
                    if a["DEPEND_\(i)"] == nil && a["LABL_PTR_\(i)"] == nil { need("DEPEND_\(i)") }
                }
            }
            for (attr, val) in a where attr.hasPrefix("DEPEND_") || attr.hasPrefix("LABL_PTR_") {
                if case .text(let s) = val, let target = s.first, !names.contains(target) {
                    issues.append(ISTPIssue(variable: v.name, attribute: attr, problem: .danglingReference(target)))
                }
            }
        }
        return issues
    }

    static func matches(_ value: AttributeValue, _ t: ElementType) -> Bool {
        if t == .tt2000 { return value.elementType == .tt2000 || value.elementType == .int64 }
        if case .binary = t { return value.elementType == .uint8 }
        return value.elementType == t
    }

    static func describe(_ v: AttributeValue) -> String { v.elementType.map { "\($0)" } ?? "text" }
}
