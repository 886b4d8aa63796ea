/// An ordered name -> `AttributeValue` list (insertion order is kept, names are unique).
///
/// What it is for: global and per-variable metadata, written in the order given. Costs a linear search
/// per lookup, which is right for the tens of attributes a product carries.
public struct Attributes: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(name: String, value: AttributeValue)] = []

    public init() {}
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        for (k, v) in elements { self[k] = v }
    }

    /// Gets a value, or sets/replaces it (keeping its place), or removes it with `nil`.
    public subscript(name: String) -> AttributeValue? {
        get { entries.first { $0.name == name }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((name, newValue))
            }
        }
    }

    public var names: [String] { entries.map(\.name) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: AttributeValue)]> {
        entries.makeIterator()
    }

    public static func == (a: Attributes, b: Attributes) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
