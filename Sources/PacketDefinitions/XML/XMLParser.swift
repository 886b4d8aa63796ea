// A small, strict, non-validating XML 1.0 parser for definition files.

/// Parses a UTF-8 XML document into an `XMLElement` tree.
///
/// Why our own: exact line numbers for every error, no external entity resolution by construction
/// (DOCTYPE and ENTITY declarations are refused, so nothing is ever fetched or expanded), and no
/// dependency on FoundationXML/libxml2. Handles comments, CDATA, processing instructions, the five
/// predefined entities, numeric character references, single- or double-quoted attributes and
/// namespace prefixes. One pass over the bytes; time and memory linear in the input.
struct XMLParser {
    private let bytes: [UInt8]
    private let file: String
    /// Deepest element nesting accepted. Real XTCE files nest about 10 deep; the limit keeps every
    /// recursive walk of the tree (and its deallocation) far from the stack's end.
    static let maxDepth = 256
    private var pos = 0
    private var line = 1

    /// Parses `bytes` (UTF-8, optional BOM). `file` names the input in errors.
    static func parse(_ bytes: [UInt8], file: String) throws(DefinitionError) -> XMLElement {
        var parser = XMLParser(bytes: bytes, file: file)
        return try parser.parseDocument()
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    // MARK: - Errors

    private func fail(_ message: String, line: Int? = nil) -> DefinitionError {
        DefinitionError(file: file, line: line ?? self.line, kind: .malformedXML(message))
    }

    // MARK: - Byte helpers

    private var atEnd: Bool { pos >= bytes.count }

    private func peek(_ offset: Int = 0) -> UInt8? {
        let i = pos + offset
        return i < bytes.count ? bytes[i] : nil
    }

    private func hasPrefix(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard pos + n <= bytes.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where bytes[pos + k] != p[k] { return false }
        return true
    }

    /// Advances one byte, counting lines.
    private mutating func advance() {
        if bytes[pos] == 0x0A { line += 1 }
        pos += 1
    }

    private mutating func advance(by n: Int) {
        for _ in 0..<n { advance() }
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private static func isNameByte(_ b: UInt8) -> Bool {
        // ASCII letters, digits, '_', '-', '.', ':' and any non-ASCII byte (UTF-8 name characters).
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            || b == 0x5F || b == 0x2D || b == 0x2E || b == 0x3A || b >= 0x80
    }

    private mutating func skipSpace() {
        while let b = peek(), Self.isSpace(b) { advance() }
    }

    /// Advances past the next occurrence of `terminator`; fails with `what` at EOF.
    private mutating func skip(past terminator: StaticString, what: String) throws(DefinitionError) -> Range<Int> {
        let start = pos, startLine = line
        while !atEnd {
            if hasPrefix(terminator) {
                let range = start..<pos
                advance(by: terminator.utf8CodeUnitCount)
                return range
            }
            advance()
        }
        throw fail("unterminated \(what)", line: startLine)
    }

    private mutating func readName(_ what: String) throws(DefinitionError) -> String {
        let start = pos
        guard let first = peek(), Self.isNameByte(first), !(first >= 0x30 && first <= 0x39), first != 0x2D, first != 0x2E
        else {
            throw fail("expected \(what)" + (peek().map { " but found '\(Self.show($0))'" } ?? " but found end of file"))
        }
        while let b = peek(), Self.isNameByte(b) { pos += 1 }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private static func show(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "\\u{\(String(b, radix: 16))}"
    }

    // MARK: - Document

    private mutating func parseDocument() throws(DefinitionError) -> XMLElement {
        try validateUTF8()
        if hasPrefix("\u{FEFF}") { pos += 3 }
        if hasPrefix("<?xml") && peek(5).map(Self.isSpace) == true { try parseXMLDeclaration() }

        var stack: [XMLElement] = []
        var namespaceStack: [[String: String]] = [["xml": "http://www.w3.org/XML/1998/namespace"]]
        var root: XMLElement?

        while !atEnd {
            if peek() == UInt8(ascii: "<") {
                if hasPrefix("<!--") {
                    advance(by: 4)
                    _ = try skip(past: "-->", what: "comment")
                } else if hasPrefix("<![CDATA[") {
                    let startLine = line
                    advance(by: 9)
                    let r = try skip(past: "]]>", what: "CDATA section")
                    guard !stack.isEmpty else { throw fail("character data outside the root element", line: startLine) }
                    stack[stack.count - 1].text += String(decoding: bytes[r], as: UTF8.self)
                } else if hasPrefix("<!DOCTYPE") || hasPrefix("<!ENTITY") || hasPrefix("<!ELEMENT")
                            || hasPrefix("<!ATTLIST") || hasPrefix("<!NOTATION") {
                    throw DefinitionError(file: file, line: line, kind: .doctypeNotAllowed)
                } else if hasPrefix("<!") {
                    throw fail("unexpected markup declaration")
                } else if hasPrefix("<?") {
                    let startLine = line
                    advance(by: 2)
                    let target = try readName("processing instruction target")
                    if target.lowercased() == "xml" {
                        throw fail("XML declaration is only allowed at the very start of the document", line: startLine)
                    }
                    _ = try skip(past: "?>", what: "processing instruction")
                } else if hasPrefix("</") {
                    let startLine = line
                    advance(by: 2)
                    let name = try readName("element name in end tag")
                    skipSpace()
                    guard peek() == UInt8(ascii: ">") else { throw fail("expected '>' to close end tag </\(name)>") }
                    advance()
                    guard let open = stack.popLast() else {
                        throw fail("end tag </\(name)> without a matching start tag", line: startLine)
                    }
                    guard open.qualifiedName == name else {
                        throw fail("end tag </\(name)> does not match start tag <\(open.qualifiedName)> on line \(open.line)",
                                   line: startLine)
                    }
                    namespaceStack.removeLast()
                    if stack.isEmpty {
                        root = open
                    } else {
                        stack[stack.count - 1].children.append(open)
                    }
                } else {
                    if root != nil { throw fail("content after the root element") }
                    let (element, selfClosing, scope) = try parseStartTag(namespaces: namespaceStack[namespaceStack.count - 1])
                    if selfClosing {
                        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                    } else {
                        stack.append(element)
                        namespaceStack.append(scope)
                        if stack.count > Self.maxDepth {
                            throw fail("elements nested deeper than \(Self.maxDepth) levels")
                        }
                    }
                }
            } else {
                let startLine = line
                let text = try parseText()
                if stack.isEmpty {
                    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                    if let firstText = text.firstIndex(where: { !isSpace($0) }) {
                        let newlines = text[..<firstText].reduce(0) { $0 + ($1 == "\n" || $1 == "\r\n" ? 1 : 0) }
                        throw fail(root == nil ? "text before the root element" : "text after the root element",
                                   line: startLine + newlines)
                    }
                } else {
                    stack[stack.count - 1].text += text
                }
            }
        }
        if let open = stack.last {
            throw fail("unexpected end of file: element <\(open.qualifiedName)> opened on line \(open.line) is not closed")
        }
        guard let root else { throw fail("no root element") }
        return root
    }

    /// Checks that the input is UTF-8 so that every later `String(decoding:)` is exact.
    private func validateUTF8() throws(DefinitionError) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                if s == "\n" { line += 1 }
            case .emptyInput:
                return
            case .error:
                throw fail("invalid UTF-8 byte sequence (only UTF-8 definitions are supported)", line: line)
            }
        }
    }

    private mutating func parseXMLDeclaration() throws(DefinitionError) {
        let startLine = line
        advance(by: 5)
        let r = try skip(past: "?>", what: "XML declaration")
        let decl = String(decoding: bytes[r], as: UTF8.self).lowercased()
        // encoding="..." or encoding='...'
        if let range = decl.firstRange(of: "encoding") {
            let rest = decl[range.upperBound...].drop(while: { $0 == " " || $0 == "=" || $0 == "\t" })
            if let quote = rest.first, quote == "\"" || quote == "'" {
                let value = rest.dropFirst().prefix(while: { $0 != quote })
                let accepted = ["utf-8", "utf8", "us-ascii", "ascii"]
                if !accepted.contains(String(value)) {
                    throw fail("unsupported document encoding '\(value)' (only UTF-8 is supported)", line: startLine)
                }
            }
        }
    }

    /// Parses `<name attr="v" ...>` or `<name ... />` with `pos` at '<'.
    private mutating func parseStartTag(namespaces: [String: String]) throws(DefinitionError)
        -> (XMLElement, selfClosing: Bool, scope: [String: String]) {
        let startLine = line
        advance()
        let name = try readName("element name")
        var rawAttributes: [(name: String, value: String, line: Int)] = []
        var selfClosing = false
        while true {
            let hadSpace = peek().map(Self.isSpace) ?? false
            skipSpace()
            guard let b = peek() else { throw fail("unexpected end of file in start tag <\(name)>", line: startLine) }
            if b == UInt8(ascii: ">") { advance(); break }
            if b == UInt8(ascii: "/") {
                advance()
                guard peek() == UInt8(ascii: ">") else { throw fail("expected '>' after '/' in start tag <\(name)>") }
                advance()
                selfClosing = true
                break
            }
            guard hadSpace else { throw fail("expected whitespace before attribute in start tag <\(name)>") }
            let attrLine = line
            let attrName = try readName("attribute name")
            skipSpace()
            guard peek() == UInt8(ascii: "=") else { throw fail("expected '=' after attribute name '\(attrName)'") }
            advance()
            skipSpace()
            guard let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw fail("attribute '\(attrName)' value must be quoted")
            }
            advance()
            let value = try parseAttributeValue(quote: quote, attribute: attrName)
            if rawAttributes.contains(where: { $0.name == attrName }) {
                throw fail("duplicate attribute '\(attrName)' in <\(name)>", line: attrLine)
            }
            rawAttributes.append((attrName, value, attrLine))
        }

        var scope = namespaces
        var attributes: [(name: String, value: String)] = []
        attributes.reserveCapacity(rawAttributes.count)
        for a in rawAttributes {
            if a.name == "xmlns" {
                scope[""] = a.value
            } else if a.name.hasPrefix("xmlns:") {
                scope[String(a.name.dropFirst(6))] = a.value
            } else {
                attributes.append((a.name, a.value))
            }
        }
        let prefix: String
        let localName: String
        if let colon = name.firstIndex(of: ":") {
            prefix = String(name[..<colon])
            localName = String(name[name.index(after: colon)...])
        } else {
            prefix = ""
            localName = name
        }
        let uri = scope[prefix]
        if !prefix.isEmpty && uri == nil {
            throw fail("undeclared namespace prefix '\(prefix)' in <\(name)>", line: startLine)
        }
        let element = XMLElement(localName: localName, namespaceURI: uri?.isEmpty == true ? nil : uri,
                                 qualifiedName: name, attributes: attributes, children: [], text: "", line: startLine)
        return (element, selfClosing, scope)
    }

    private mutating func parseAttributeValue(quote: UInt8, attribute: String) throws(DefinitionError) -> String {
        let startLine = line
        var out: [UInt8] = []
        while let b = peek() {
            if b == quote { advance(); return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "<") { throw fail("'<' is not allowed in attribute '\(attribute)' value") }
            if b == UInt8(ascii: "&") {
                try parseReference(into: &out)
            } else {
                // Attribute-value normalisation: whitespace characters become spaces.
                out.append(Self.isSpace(b) ? 0x20 : b)
                advance()
            }
        }
        throw fail("unterminated value of attribute '\(attribute)'", line: startLine)
    }

    /// Character data up to the next '<', with references decoded.
    private mutating func parseText() throws(DefinitionError) -> String {
        var out: [UInt8] = []
        while let b = peek(), b != UInt8(ascii: "<") {
            if b == UInt8(ascii: "&") {
                try parseReference(into: &out)
            } else {
                if b == UInt8(ascii: ">") && hasPrefix("]]>") { throw fail("']]>' is not allowed in character data") }
                out.append(b)
                advance()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `&name;` (the five predefined entities) or `&#N;` / `&#xH;` at `pos`.
    private mutating func parseReference(into out: inout [UInt8]) throws(DefinitionError) {
        let start = pos
        advance()
        while let b = peek(), b != UInt8(ascii: ";") {
            guard Self.isNameByte(b) || b == UInt8(ascii: "#"), pos - start < 32 else {
                throw fail("malformed entity or character reference")
            }
            advance()
        }
        guard peek() == UInt8(ascii: ";") else { throw fail("unterminated entity or character reference") }
        let body = String(decoding: bytes[(start + 1)..<pos], as: UTF8.self)
        advance()
        switch body {
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "amp": out.append(UInt8(ascii: "&"))
        case "quot": out.append(UInt8(ascii: "\""))
        case "apos": out.append(UInt8(ascii: "'"))
        default:
            guard body.hasPrefix("#") else {
                throw fail("undefined entity '&\(body);' (only the five predefined XML entities are allowed)")
            }
            let digits = body.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") { value = UInt32(digits.dropFirst(), radix: 16) } else { value = UInt32(digits) }
            guard let value, let scalar = Unicode.Scalar(value), value != 0 else {
                throw fail("invalid character reference '&\(body);'")
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
    }
}
