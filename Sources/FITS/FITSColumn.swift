import Dataset

/// One binary-table column planned from a `Variable`: its TFORM/TDIM, where it sits in a row and how
/// its bytes are encoded (big-endian, sign bit flipped where FITS stores an unsigned or signed-byte
/// type with TZERO).
///
/// Costs nothing (a value computed once per column before the file is created).
struct FITSColumn: Sendable {
    let variableIndex: Int
    let name: String
    /// TFORMn as cfitsio takes it: `S`, `U`, `V`, `W` become `B`, `I`, `J`, `K` plus TZEROn.
    let tform: String
    /// TDIMn in FITS order (fastest-varying first), nil when the column is a scalar or a plain vector.
    let tdim: [Int64]?
    /// Byte offset of this column in a row, and its bytes per row.
    var offset = 0
    let bytesPerRow: Int
    /// Width of one byte-swapped unit (1 for text and bytes).
    let swapWidth: Int
    /// Whether the stored value is the Swift value with its top bit flipped (TZERO = -2^(n-1) or 2^(n-1)).
    let flipSign: Bool
    let isTime: Bool

    /// Plans the column for `variable`. Throws for names FITS cannot hold.
    init(_ variable: Variable, index: Int) throws(FITSError) {
        try FITSNames.checkColumnName(variable.name)
        let column = variable.column
        let type = column.elementType
        let n = column.elementsPerRecord
        self.variableIndex = index
        self.name = variable.name
        self.bytesPerRow = column.bytesPerRecord
        self.isTime = type == .tt2000
        let code: String
        switch type {
        case .int8: code = "S"
        case .uint8: code = "B"
        case .int16: code = "I"
        case .uint16: code = "U"
        case .int32: code = "J"
        case .uint32: code = "V"
        case .int64, .tt2000: code = "K"
        case .uint64: code = "W"
        case .float32: code = "E"
        case .float64: code = "D"
        case .string: code = "A"
        case .binary: code = "B"
        }
        switch type {
        case .string(let w), .binary(let w):
            self.tform = "\(n * w)\(code)"
            self.swapWidth = 1
            self.flipSign = false
            // Text and byte columns carry the element width as their fastest FITS axis.
            self.tdim = (column.shape.isEmpty && (code == "A" || w == 1)) ? nil
                : [Int64(w)] + column.shape.reversed().map(Int64.init)
        default:
            self.tform = "\(n)\(code)"
            self.swapWidth = type.byteWidth
            self.flipSign = ["S", "U", "V", "W"].contains(code)
            self.tdim = column.shape.count >= 2 ? column.shape.reversed().map(Int64.init) : nil
        }
    }
}
