// Reading a definition file into memory without Foundation.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file with C stdio. Definition files are small (the largest IMAP XTCE file is
/// 0.9 MB); costs one read into one array. Errors name the file as given.
func readDefinitionFile(_ path: String) throws(DefinitionError) -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        throw DefinitionError(file: path, line: nil, kind: .unreadable(reason: String(cString: strerror(errno))))
    }
    defer { fclose(f) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n > 0 { out.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count {
            if ferror(f) != 0 {
                throw DefinitionError(file: path, line: nil, kind: .unreadable(reason: String(cString: strerror(errno))))
            }
            break
        }
    }
    return out
}
