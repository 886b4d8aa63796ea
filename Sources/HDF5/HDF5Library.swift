import CHDF5

/// Process-wide libhdf5 setup, done once: opens the library and registers the zstd filter (id 32015)
/// so that files using it can be written and read in this process; per thread, turns off libhdf5's
/// automatic printing of error stacks (errors are thrown as `HDF5Error` with the stack instead).
///
/// Costs: opening libhdf5 and hdf5_hl with their dependencies (dlopen: 5-7 ms of CPU on the 2-core
/// VM, measured with a C program that only opens them), one `H5open` and one `H5Zregister` per
/// process. Known limitation (libhdf5 1.10): after a write whose final flush fails, the library
/// keeps that (already unlinked) file's handle until exit.
enum HDF5Library {
    /// Set up on first use (Swift runs a static initialiser exactly once, thread-safely).
    static let ready: Result<Void, HDF5Error> = {
        var why = [CChar](repeating: 0, count: 1024)
        guard dl_hdf5_load(&why, why.count) == 0 else {
            return .failure(.libraryUnavailable(String(decoding: why.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)))
        }
        // (Loading also turned off libhdf5's exit-time cleanup: see hdf5_loader.c.)
        guard H5open() >= 0 else { return .failure(.library(call: "H5open", stack: [])) }
        H5Eset_auto2(dl_H5E_DEFAULT(), nil, nil)
        return Result { () throws(HDF5Error) in try ZstdFilter.register() }
    }()

    /// Sets the library up once, and turns off automatic error printing for the calling thread
    /// (a thread-safe libhdf5 keeps that setting per thread). Call before any other libhdf5 call.
    static func setUp() throws(HDF5Error) {
        try ready.get()
        H5Eset_auto2(dl_H5E_DEFAULT(), nil, nil)
    }

    /// Throws `HDF5Error.library` with the current thread's error stack when `status` is negative.
    @discardableResult
    static func check<T: BinaryInteger>(_ status: T, _ call: @autoclosure () -> String) throws(HDF5Error) -> T {
        guard status < 0 else { return status }
        throw .library(call: call(), stack: errorStack())
    }

    /// The current thread's error stack as "function: description" lines, then cleared.
    static func errorStack() -> [String] {
        final class Lines { var items: [String] = [] }
        let lines = Lines()
        let walker: H5E_walk2_t = { _, desc, client in
            guard let desc, let client else { return 0 }
            let box = Unmanaged<Lines>.fromOpaque(client).takeUnretainedValue()
            let function = desc.pointee.func_name.map { String(cString: $0) } ?? "?"
            let text = desc.pointee.desc.map { String(cString: $0) } ?? ""
            box.items.append("\(function): \(text)")
            return 0
        }
        withExtendedLifetime(lines) {
            _ = H5Ewalk2(dl_H5E_DEFAULT(), H5E_WALK_DOWNWARD, walker, Unmanaged.passUnretained(lines).toOpaque())
        }
        H5Eclear2(dl_H5E_DEFAULT())
        return lines.items
    }
}
