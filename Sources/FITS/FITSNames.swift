/// The FITS rules for names Downlink writes: column names (TTYPEn values) and header keywords.
///
/// Keywords of up to 8 characters from `A-Z 0-9 _ -` are written as standard keywords; any other
/// printable ASCII name without `=` is written with the ESO HIERARCH convention, as long as the card
/// still fits in 80 characters. Costs a scan of the name.
enum FITSNames {
    /// Longest TTYPEn value (a keyword string value holds 68 characters).
    static let maxColumnName = 68

    static func checkColumnName(_ name: String) throws(FITSError) {
        guard !name.isEmpty else { throw .invalidName(name, reason: "column names cannot be empty") }
        guard name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw .invalidName(name, reason: "FITS column names are printable ASCII")
        }
        guard name.utf8.count <= maxColumnName else {
            throw .invalidName(name, reason: "FITS column names have at most \(maxColumnName) characters")
        }
    }

    /// Keywords that give an HDU its structure or that the writer sets itself: an attribute of that
    /// name would corrupt or contradict the header.
    static let reserved: Set<String> = [
        "SIMPLE", "BITPIX", "NAXIS", "EXTEND", "XTENSION", "PCOUNT", "GCOUNT", "TFIELDS", "THEAP", "END",
        "EXTNAME", "BZERO", "BSCALE", "BUNIT", "BLANK", "CHECKSUM", "DATASUM", "LONGSTRN", "CONTINUE",
        "TIMESYS", "MJDREFI", "MJDREFF", "TIMEUNIT", "ZIMAGE", "ZTABLE", "ZNAXIS", "ZBITPIX", "ZPCOUNT",
        "ZTILELEN", "ZCMPTYPE", "ZTHEAP",
    ]
    /// Indexed keyword families (NAXISn, TTYPEn, ...).
    static let reservedFamilies = ["NAXIS", "TTYPE", "TFORM", "TUNIT", "TDIM", "TDISP", "TNULL", "TZERO", "TSCAL",
                                   "TBCOL", "ZFORM", "ZCTYP", "ZNAXIS", "ZTILE", "ZNAME", "ZVAL"]

    /// Throws when `name` is a keyword the writer owns.
    static func checkNotReserved(_ name: String) throws(FITSError) {
        let upper = name.uppercased()
        let family = reservedFamilies.first { f in
            upper.hasPrefix(f) && upper.count > f.count && upper.dropFirst(f.count).allSatisfy(\.isNumber)
        }
        if reserved.contains(upper) || family != nil {
            throw .invalidName(name, reason: "a FITS keyword the writer sets itself; rename the attribute")
        }
    }

    /// Whether `name` is a standard (non-HIERARCH) keyword name.
    static func isStandard(_ name: String) -> Bool {
        name.utf8.count <= 8 && !name.isEmpty
            && name.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }

    /// The keyword name to hand cfitsio for an attribute name: the name itself when standard, else
    /// `HIERARCH <name>`. Throws for names no keyword can hold.
    static func keyword(for name: String, valueLength: Int = 0) throws(FITSError) -> String {
        if isStandard(name) { return name }
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F || $0 == 0x20 }), !name.contains("=") else {
            throw .invalidName(name, reason: "keyword names are printable ASCII without '='")
        }
        guard !name.hasPrefix(" "), !name.hasSuffix(" ") else {
            throw .invalidName(name, reason: "keyword names cannot start or end with a space")
        }
        // "HIERARCH " + name + " = " leaves room for a value in an 80-character card.
        guard 9 + name.utf8.count + 3 + min(valueLength, 20) <= 80 else {
            throw .invalidName(name, reason: "too long for a HIERARCH keyword card")
        }
        return "HIERARCH " + name
    }
}
