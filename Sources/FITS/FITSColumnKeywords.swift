import Dataset

/// A variable's attributes sorted into the FITS column keywords they map to, and the rest.
///
/// Mapping (attribute names compared case-insensitively): `UNITS`/`UNIT` -> TUNITn (a TT2000 column
/// without units gets `ns`); `FORMAT`/`TDISP` -> TDISPn when it is a Fortran display format;
/// `FILLVAL` of a signed 16/32/64-bit or uint8 column -> TNULLn; `CATDESC`/`DESCRIPTION`/`LONG_NAME`
/// -> the TTYPEn comment (truncated to the card) as well as a keyword. Everything else, and whatever
/// could not be mapped, becomes a `HIERARCH <column> <attribute>` keyword. Costs a scan of the attributes.
struct FITSColumnKeywords {
    var unit: String?
    var display: String?
    var null: Int64?
    var comment: String?
    var rest: Attributes = [:]

    /// `nullKeywords: false` keeps FILLVAL as a keyword (tile-compressed tables: cfitsio would carry
    /// TNULLn over to the compressed byte columns, where it does not fit).
    init(_ variable: Variable, nullKeywords: Bool = true) throws(FITSError) {
        let type = variable.column.elementType
        for (name, value) in variable.attributes {
            let key = name.uppercased()
            if (key == "UNITS" || key == "UNIT"), unit == nil, case .text(let v) = value, v.count == 1, v[0].utf8.count <= 68 {
                try FITSHeader.checkText(v[0], keyword: name)
                unit = v[0]
                continue
            }
            if (key == "FORMAT" || key == "TDISP"), display == nil, case .text(let v) = value, v.count == 1,
               Self.isDisplayFormat(v[0]) {
                display = v[0]
                continue
            }
            if key == "FILLVAL", nullKeywords, null == nil, value.count == 1, let n = Self.nullValue(value, type) {
                null = n
                continue
            }
            if key == "CATDESC" || key == "DESCRIPTION" || key == "LONG_NAME", comment == nil, case .text(let v) = value, v.count == 1 {
                comment = String(v[0].prefix(47))
            }
            rest[name] = value
        }
        if type == .tt2000 && unit == nil { unit = "ns" }
        try FITSHeader.validate(rest, prefix: variable.name + " ")
    }

    /// TNULLn applies to integer columns stored without TZERO, in the column's own type.
    static func nullValue(_ v: AttributeValue, _ type: ElementType) -> Int64? {
        switch (v, type) {
        case (.int16(let x), .int16): Int64(x[0])
        case (.int32(let x), .int32): Int64(x[0])
        case (.int64(let x), .int64), (.tt2000(let x), .tt2000), (.int64(let x), .tt2000): x[0]
        case (.uint8(let x), .uint8): Int64(x[0])
        default: nil
        }
    }

    /// Whether `s` is a FITS TDISPn format: Aw, Iw[.m], Bw[.m], Ow[.m], Zw[.m], Fw.d, Ew.d[Ee],
    /// ENw.d, ESw.d, Gw.d[Ee], Dw.d[Ee], Lw.
    static func isDisplayFormat(_ s: String) -> Bool {
        var u = Array(s.uppercased().utf8)
        guard let first = u.first else { return false }
        u.removeFirst()
        let letter = Character(UnicodeScalar(first))
        if letter == "E", let n = u.first, n == UInt8(ascii: "N") || n == UInt8(ascii: "S") { u.removeFirst() }
        func digits() -> Int {
            var n = 0
            while let d = u.first, d >= 0x30 && d <= 0x39 { n += 1; u.removeFirst() }
            return n
        }
        guard digits() > 0 else { return false }
        var hasDot = false
        if u.first == UInt8(ascii: ".") {
            u.removeFirst()
            guard digits() > 0 else { return false }
            hasDot = true
        }
        if "EGD".contains(letter), u.first == UInt8(ascii: "E") {
            u.removeFirst()
            guard digits() > 0 else { return false }
        }
        guard u.isEmpty else { return false }
        switch letter {
        case "A", "L": return !hasDot
        case "I", "B", "O", "Z": return true
        case "F", "E", "G", "D": return hasDot
        default: return false
        }
    }
}
