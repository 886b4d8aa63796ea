import CFITSIO

/// Tile-compresses every binary table of a finished FITS file into a new file with cfitsio's
/// `fits_compress_table` (it picks a lossless algorithm per column: Rice for integers, GZIP_2 for
/// floating point, GZIP_1 otherwise); the primary HDU and images are copied as they are.
///
/// Costs: reads the uncompressed file once and compresses it on one thread inside cfitsio.
enum FITSTableCompression {
    static func compress(_ source: String, into destination: String, checksum: Bool) throws(FITSError) {
        var inPointer: UnsafeMutablePointer<fitsfile>?
        var status: Int32 = 0
        ffopen(&inPointer, source, READONLY, &status)
        try FITSFile.check(status, "ffopen(\(source))")
        defer { var s: Int32 = 0; ffclos(inPointer, &s) }
        let out = try FITSFile(creating: destination)
        var hdus: Int32 = 0
        status = 0
        ffthdu(inPointer, &hdus, &status)
        try FITSFile.check(status, "ffthdu")
        for h in 1...max(hdus, 1) {
            var type: Int32 = 0
            status = 0
            ffmahd(inPointer, h, &type, &status)
            try FITSFile.check(status, "ffmahd(\(h))")
            if type == BINARY_TBL {
                try out.call("fits_compress_table(HDU \(h))") { fits_compress_table(inPointer, $0, &$1) }
            } else {
                try out.call("ffcopy(HDU \(h))") { ffcopy(inPointer, $0, 0, &$1) }
            }
            if checksum { try out.call("ffpcks(HDU \(h))") { ffpcks($0, &$1) } }
        }
        try out.close()
    }
}
