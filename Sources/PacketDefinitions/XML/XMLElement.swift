// The small in-memory XML tree the XTCE loader walks.

/// An XML element with namespace-resolved name, attributes in document order, children, the
/// character data directly inside it, and the line of its start tag.
///
/// Built by `XMLParser`; internal to the module. Costs one allocation per element for its arrays;
/// the largest IMAP file (0.9 MB, ~40 k elements) parses in well under a second in debug builds.
struct XMLElement: Sendable {
    /// Local name (without prefix).
    var localName: String
    /// Namespace URI the element's prefix (or the default namespace) resolves to; `nil` if none.
    var namespaceURI: String?
    /// Name as written, with prefix.
    var qualifiedName: String
    /// Attributes as (name as written, decoded value); namespace declarations excluded.
    var attributes: [(name: String, value: String)]
    var children: [XMLElement]
    /// Decoded character data directly inside this element (CDATA included), concatenated.
    var text: String
    /// 1-based line of the start tag.
    var line: Int

    /// Value of the attribute named `name` (unprefixed), if present.
    func attribute(_ name: String) -> String? {
        for a in attributes where a.name == name { return a.value }
        return nil
    }

    /// Character data with surrounding whitespace removed.
    var trimmedText: String { text.trimmingASCIIWhitespace() }
}
