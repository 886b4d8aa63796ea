// XTCE-specific helpers over the XML tree: namespaces, attribute parsing with located errors.

/// The XTCE namespaces the loader accepts.
enum XTCENamespace {
    /// XTCE 1.1 (and 1.0), used by every IMAP definition.
    static let v1_1 = "http://www.omg.org/space/xtce"
    /// XTCE 1.2.
    static let v1_2 = "http://www.omg.org/spec/XTCE/20180204"

    static func contains(_ uri: String?) -> Bool { uri == v1_1 || uri == v1_2 }
}

extension XMLElement {
    /// Whether the element is in an XTCE namespace.
    var isXTCE: Bool { XTCENamespace.contains(namespaceURI) }

    /// XTCE children with this local name, in order.
    func xtceChildren(_ localName: String) -> [XMLElement] {
        children.filter { $0.localName == localName && $0.isXTCE }
    }

    /// The first XTCE child with this local name.
    func xtceChild(_ localName: String) -> XMLElement? {
        children.first { $0.localName == localName && $0.isXTCE }
    }

    /// All XTCE children.
    var xtceElements: [XMLElement] { children.filter(\.isXTCE) }
}

/// Attribute and text parsing that reports the file and line of the offending element.
struct XTCEReader {
    let file: String

    func location(_ e: XMLElement) -> SourceLocation { SourceLocation(file: file, line: e.line) }

    func error(_ e: XMLElement, _ kind: DefinitionError.Kind) -> DefinitionError {
        DefinitionError(kind, at: location(e))
    }

    func invalid(_ e: XMLElement, _ message: String) -> DefinitionError {
        error(e, .invalidDefinition(message))
    }

    func required(_ e: XMLElement, _ name: String) throws(DefinitionError) -> String {
        guard let v = e.attribute(name) else {
            throw invalid(e, "<\(e.localName)> is missing required attribute '\(name)'")
        }
        return v
    }

    func requiredChild(_ e: XMLElement, _ name: String, context: String) throws(DefinitionError) -> XMLElement {
        guard let c = e.xtceChild(name) else {
            throw invalid(e, "<\(e.localName)> of \(context) is missing required element <\(name)>")
        }
        return c
    }

    func int(_ e: XMLElement, _ name: String, default d: Int? = nil) throws(DefinitionError) -> Int {
        guard let text = e.attribute(name) else {
            if let d { return d }
            throw invalid(e, "<\(e.localName)> is missing required attribute '\(name)'")
        }
        guard let v = parseXTCEInteger(text), let i = Int(exactly: v) else {
            throw invalid(e, "attribute '\(name)' of <\(e.localName)> is not an integer: '\(text)'")
        }
        return i
    }

    func double(_ e: XMLElement, _ name: String, default d: Double? = nil) throws(DefinitionError) -> Double {
        guard let text = e.attribute(name) else {
            if let d { return d }
            throw invalid(e, "<\(e.localName)> is missing required attribute '\(name)'")
        }
        guard let v = Double(text.trimmingASCIIWhitespace()), v.isFinite else {
            throw invalid(e, "attribute '\(name)' of <\(e.localName)> is not a number: '\(text)'")
        }
        return v
    }

    func bool(_ e: XMLElement, _ name: String, default d: Bool) throws(DefinitionError) -> Bool {
        guard let text = e.attribute(name) else { return d }
        switch text.trimmingASCIIWhitespace() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw invalid(e, "attribute '\(name)' of <\(e.localName)> is not a boolean: '\(text)'")
        }
    }

    func int64Text(_ e: XMLElement) throws(DefinitionError) -> Int64 {
        guard let v = parseXTCEInteger(e.text) else {
            throw invalid(e, "<\(e.localName)> does not contain an integer: '\(e.trimmedText)'")
        }
        return v
    }

    /// Hex digits (XTCE `hexBinary`, as in `TerminationChar` and `binaryValue`) to bytes.
    func hexBytes(_ e: XMLElement, _ text: String, what: String) throws(DefinitionError) -> [UInt8] {
        let t = Array(text.trimmingASCIIWhitespace().utf8)
        guard !t.isEmpty, t.count % 2 == 0 else {
            throw invalid(e, "\(what) must be an even number of hex digits, got '\(text)'")
        }
        var out: [UInt8] = []
        var i = 0
        while i < t.count {
            guard let v = UInt8(String(decoding: t[i..<i + 2], as: UTF8.self), radix: 16) else {
                throw invalid(e, "\(what) must be an even number of hex digits, got '\(text)'")
            }
            out.append(v)
            i += 2
        }
        return out
    }
}
