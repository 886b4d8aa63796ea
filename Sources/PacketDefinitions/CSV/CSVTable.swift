// Splitting comma-separated text into records, with the line each record starts on.

/// One CSV record: its fields and the 1-based line where it starts.
struct CSVRecord {
    var fields: [String]
    var line: Int
}

/// Parses CSV as Python's `csv` module does with `skipinitialspace=True` (what CCSDSPy uses):
/// comma separators, double-quoted fields with `""` escapes (which may span lines), LF or CRLF
/// line ends, spaces after a separator skipped. Blank lines are dropped. Linear in the input.
func parseCSV(_ text: String, file: String) throws(DefinitionError) -> [CSVRecord] {
    var records: [CSVRecord] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var line = 1
    var recordLine = 1
    var inQuotes = false
    var atFieldStart = true
    var wasQuoted = false
    let bytes = Array(text.utf8)
    var i = 0

    func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        atFieldStart = true
        wasQuoted = false
    }
    func endRecord() {
        endField()
        if !(fields.count == 1 && fields[0].isEmpty) {
            records.append(CSVRecord(fields: fields, line: recordLine))
        }
        fields.removeAll(keepingCapacity: true)
    }

    while i < bytes.count {
        let b = bytes[i]
        if inQuotes {
            if b == UInt8(ascii: "\"") {
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                    field.append(b)
                    i += 2
                    continue
                }
                inQuotes = false
            } else {
                if b == 0x0A { line += 1 }
                field.append(b)
            }
            i += 1
            continue
        }
        switch b {
        case UInt8(ascii: ","):
            endField()
        case 0x0A:
            endRecord()
            line += 1
            recordLine = line
        case 0x0D:
            break // CR of CRLF
        case UInt8(ascii: " ") where atFieldStart:
            break // skipinitialspace
        case UInt8(ascii: "\"") where atFieldStart:
            inQuotes = true
            wasQuoted = true
            atFieldStart = false
        default:
            if wasQuoted {
                if b == 0x20 || b == 0x09 { break }
                throw DefinitionError(file: file, line: line, kind: .invalidCSV("unexpected character after a closing quote"))
            }
            field.append(b)
            atFieldStart = false
        }
        i += 1
    }
    if inQuotes {
        throw DefinitionError(file: file, line: recordLine, kind: .invalidCSV("unterminated quoted field"))
    }
    if !field.isEmpty || !fields.isEmpty { endRecord() }
    return records
}
