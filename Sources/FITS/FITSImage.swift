import CFITSIO
import Dataset

/// One variable planned as an IMAGE extension: its BITPIX (cfitsio's unsigned and signed-byte codes
/// add BZERO), axes in FITS order (fastest first) and the cfitsio datatype of its values.
///
/// Costs nothing (a value). Writing lets cfitsio convert to big-endian, one call per image.
struct FITSImage: Sendable {
    let variableIndex: Int
    let name: String
    let bitpix: Int32
    let datatype: Int32
    let axes: [Int]

    init(_ variable: Variable, index: Int) throws(FITSError) {
        try FITSNames.checkColumnName(variable.name)     // EXTNAME: the same rules as a TTYPEn value
        let c = variable.column
        let dims = (c.isRecordVarying ? [c.records] : []) + c.shape
        guard dims.count == 2 || dims.count == 3 else {
            throw .invalidOption("variable '\(variable.name)' has \(dims.count) dimensions with its records; image extensions are for 2-D and 3-D products")
        }
        switch c.elementType {
        case .int8: (bitpix, datatype) = (SBYTE_IMG, TSBYTE)
        case .uint8: (bitpix, datatype) = (BYTE_IMG, TBYTE)
        case .int16: (bitpix, datatype) = (SHORT_IMG, TSHORT)
        case .uint16: (bitpix, datatype) = (USHORT_IMG, TUSHORT)
        case .int32: (bitpix, datatype) = (LONG_IMG, TINT)
        case .uint32: (bitpix, datatype) = (ULONG_IMG, TUINT)
        case .int64, .tt2000: (bitpix, datatype) = (LONGLONG_IMG, TLONGLONG)
        case .uint64: (bitpix, datatype) = (ULONGLONG_IMG, TULONGLONG)
        case .float32: (bitpix, datatype) = (FLOAT_IMG, TFLOAT)
        case .float64: (bitpix, datatype) = (DOUBLE_IMG, TDOUBLE)
        case .string, .binary:
            throw .unsupportedElementType(variable: variable.name, c.elementType, reason: "images hold numbers only")
        }
        self.variableIndex = index
        self.name = variable.name
        self.axes = dims.reversed()
    }

    /// Creates the extension, writes EXTNAME, the variable's attributes (UNITS as BUNIT) and the data.
    func write(_ variable: Variable, to file: borrowing FITSFile, longStringsAnnounced: inout Bool) throws(FITSError) {
        var naxes = axes.map { CLong($0) }
        try file.call("ffcrim(\(name))") { ffcrim($0, bitpix, Int32(naxes.count), &naxes, &$1) }
        try file.call("ffpkys(EXTNAME)") { ffpkys($0, "EXTNAME", name, "variable name", &$1) }
        var attributes = variable.attributes
        if let (k, v) = attributes.entries.first(where: { ["UNITS", "UNIT"].contains($0.name.uppercased()) }),
           case .text(let u) = v, u.count == 1, u[0].utf8.count <= 68 {
            try file.call("ffpkys(BUNIT)") { ffpkys($0, "BUNIT", u[0], nil, &$1) }
            attributes[k] = nil
        }
        if variable.column.elementType == .tt2000 { try FITSTimeKeywords.write(to: file) }
        try FITSHeader.write(attributes, to: file, longStringsAnnounced: &longStringsAnnounced)
        let count = variable.column.count
        guard count > 0 else { return }
        let pointer = file.pointer
        let status: Int32 = variable.column.withUnsafeBytes { raw in
            var status: Int32 = 0
            ffppr(pointer, datatype, 1, Int64(count), UnsafeMutableRawPointer(mutating: raw.baseAddress), &status)
            return status
        }
        try FITSFile.check(status, "ffppr(\(name))")
    }
}
