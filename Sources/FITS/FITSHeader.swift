import CFITSIO
import Dataset

/// Writes `Attributes` as header keywords of the current HDU.
///
/// Mapping: a single value becomes one keyword of its type (integers exact, including uint64;
/// float64 with 17 and float32 with 9 significant digits, so they re-read bit-exactly; TT2000 as an
/// integer); text longer than a card goes over CONTINUE cards (long-string convention, LONGSTRN
/// written once); `COMMENT` and `HISTORY` entries become commentary cards; an attribute with several
/// values becomes keywords `<name>_1`, `<name>_2`, ... Names that are not standard keywords use
/// HIERARCH. Costs one cfitsio call per keyword.
struct FITSHeader {
    /// Checks that every attribute can be written, before any file exists.
    static func validate(_ attributes: Attributes, prefix: String = "") throws(FITSError) {
        for (name, value) in attributes {
            let upper = name.uppercased()
            if prefix.isEmpty && (upper == "COMMENT" || upper == "HISTORY") {
                guard case .text(let lines) = value else {
                    throw .unrepresentableValue(keyword: name, reason: "COMMENT and HISTORY hold text")
                }
                for l in lines { try checkText(l, keyword: name) }
                continue
            }
            for (k, _) in keywords(prefix + name, value) {
                if prefix.isEmpty { try FITSNames.checkNotReserved(k) }
                _ = try FITSNames.keyword(for: k)
            }
            switch value {
            case .text(let lines): for l in lines { try checkText(l, keyword: name) }
            case .float32(let v): if v.contains(where: { !$0.isFinite }) { throw .unrepresentableValue(keyword: name, reason: "FITS keywords cannot hold NaN or infinity") }
            case .float64(let v): if v.contains(where: { !$0.isFinite }) { throw .unrepresentableValue(keyword: name, reason: "FITS keywords cannot hold NaN or infinity") }
            default: break
            }
        }
    }

    static func checkText(_ s: String, keyword: String) throws(FITSError) {
        guard s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw .unrepresentableValue(keyword: keyword, reason: "FITS header text is printable ASCII (no newlines, no UTF-8)")
        }
    }

    /// The keyword names an attribute is written under (one per value when it has several).
    static func keywords(_ name: String, _ value: AttributeValue) -> [(String, Int)] {
        value.count == 1 ? [(name, 0)] : (0..<value.count).map { ("\(name)_\($0 + 1)", $0) }
    }

    /// Writes `attributes` into the current HDU; `prefix` (e.g. "epoch ") scopes a column's attributes.
    static func write(_ attributes: Attributes, prefix: String = "", to file: borrowing FITSFile,
                      longStringsAnnounced: inout Bool) throws(FITSError) {
        for (name, value) in attributes {
            let upper = name.uppercased()
            if prefix.isEmpty, upper == "COMMENT" || upper == "HISTORY", case .text(let lines) = value {
                for l in lines {
                    if upper == "COMMENT" { try file.call("ffpcom") { ffpcom($0, l, &$1) } }
                    else { try file.call("ffphis") { ffphis($0, l, &$1) } }
                }
                continue
            }
            for (k, i) in keywords(prefix + name, value) {
                try writeValue(value, index: i, keyword: try FITSNames.keyword(for: k), file: file,
                               longStringsAnnounced: &longStringsAnnounced)
            }
        }
    }

    private static func writeValue(_ value: AttributeValue, index i: Int, keyword key: String, file: borrowing FITSFile,
                                   longStringsAnnounced: inout Bool) throws(FITSError) {
        switch value {
        case .text(let v):
            // 68 characters fit a standard card's string value; HIERARCH names leave less room.
            let room = key.hasPrefix("HIERARCH ") ? 80 - key.utf8.count - 5 : 68
            if v[i].utf8.count > room {
                if !longStringsAnnounced {
                    try file.call("ffplsw") { ffplsw($0, &$1) }
                    longStringsAnnounced = true
                }
                try file.call("ffpkls(\(key))") { ffpkls($0, key, v[i], nil, &$1) }
            } else {
                try file.call("ffpkys(\(key))") { ffpkys($0, key, v[i], nil, &$1) }
            }
        case .int8(let v): try integer(Int64(v[i]), key, file)
        case .int16(let v): try integer(Int64(v[i]), key, file)
        case .int32(let v): try integer(Int64(v[i]), key, file)
        case .int64(let v), .tt2000(let v): try integer(v[i], key, file)
        case .uint8(let v): try integer(Int64(v[i]), key, file)
        case .uint16(let v): try integer(Int64(v[i]), key, file)
        case .uint32(let v): try integer(Int64(v[i]), key, file)
        case .uint64(let v): try file.call("ffpkyuj(\(key))") { ffpkyuj($0, key, v[i], nil, &$1) }
        case .float32(let v): try file.call("ffpkye(\(key))") { ffpkye($0, key, v[i], -9, nil, &$1) }
        case .float64(let v): try file.call("ffpkyd(\(key))") { ffpkyd($0, key, v[i], -17, nil, &$1) }
        }
    }

    private static func integer(_ v: Int64, _ key: String, _ file: borrowing FITSFile) throws(FITSError) {
        try file.call("ffpkyj(\(key))") { ffpkyj($0, key, v, nil, &$1) }
    }
}
