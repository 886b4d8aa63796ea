import CFITSIO
import CFITSIODirectDriver

/// An open cfitsio file handle for writing, closed exactly once: by `close()` (which reports errors)
/// or, when the owner is abandoned on an error path, by `deinit` (which ignores them).
///
/// What it is for: every cfitsio call Downlink makes goes through `check`, which turns a non-zero
/// status into `FITSError.cfitsio` with cfitsio's status text and message stack.
/// Costs: cfitsio's own buffers (a few hundred KiB) while open. Not copyable, not Sendable: one task
/// owns one handle, which is what makes cfitsio reentrant.
struct FITSFile: ~Copyable {
    private(set) var pointer: UnsafeMutablePointer<fitsfile>?

    /// Creates a new file at `path`, replacing an existing one (cfitsio's `!` prefix), written
    /// through Downlink's direct-I/O driver (CFITSIODirectDriver) when it registered.
    init(creating path: String) throws(FITSError) {
        try FITSFile.libraryLoaded.get()
        var p: UnsafeMutablePointer<fitsfile>?
        var status: Int32 = 0
        let driver = FITSFile.directDriverReady ? String(cString: dl_fits_direct_driver_prefix()) : ""
        ffinit(&p, "!" + driver + path, &status)
        try FITSFile.check(status, "ffinit(\(path))")
        pointer = p
    }

    /// cfitsio, opened once per process when the first file is created (dlopen: 4-6 ms of CPU on the
    /// 2-core VM with its dependencies; every other cfitsio call Downlink makes comes after that).
    static let libraryLoaded: Result<Void, FITSError> = {
        var why = [CChar](repeating: 0, count: 1024)
        guard dl_cfitsio_load(&why, why.count) == 0 else {
            return .failure(.libraryUnavailable(String(decoding: why.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)))
        }
        return .success(())
    }()

    /// Whether the direct-I/O driver is registered: once per process, when the first file is
    /// created. cfitsio's driver table has no lock, and every cfitsio call Downlink makes comes after
    /// a `FITSFile` was created, so nothing reads the table while it changes.
    static let directDriverReady: Bool = dl_fits_direct_driver_register() == 0

    /// Runs one cfitsio call with a fresh status and throws when it fails.
    func call(_ name: @autoclosure () -> String,
              _ body: (UnsafeMutablePointer<fitsfile>, inout Int32) -> Int32) throws(FITSError) {
        var status: Int32 = 0
        _ = body(pointer!, &status)
        try FITSFile.check(status, name())
    }

    /// Flushes and closes; a failure here (e.g. disk full) is reported.
    consuming func close() throws(FITSError) {
        var status: Int32 = 0
        ffclos(pointer, &status)
        pointer = nil
        try FITSFile.check(status, "ffclos")
    }

    deinit {
        if let pointer {
            var status: Int32 = 0
            ffclos(pointer, &status)
            ffcmsg()
        }
    }

    /// Throws `FITSError.cfitsio` for a non-zero status, with the status text and drained message stack.
    static func check(_ status: Int32, _ call: @autoclosure () -> String) throws(FITSError) {
        guard status != 0 else { return }
        var text = [CChar](repeating: 0, count: Int(FLEN_STATUS) + 1)
        ffgerr(status, &text)
        var messages: [String] = []
        var buf = [CChar](repeating: 0, count: Int(FLEN_ERRMSG) + 1)
        while ffgmsg(&buf) != 0 && messages.count < 50 {
            messages.append(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        throw .cfitsio(call: call(), status: status,
                       text: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                       messages: messages)
    }
}
