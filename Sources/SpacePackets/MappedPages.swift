#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The page-cache side of a file mapping (`MappedFile`): whether a file looks read lately, and
/// mapping a stretch of it in one system call before a walk reads it.
///
/// Why: a walk over a file not in the page cache faults it in where its loads land. The chunked
/// header walk reads in two places at once (two chunks; lanes spread over each slice), and both
/// share the file's one read-ahead state, so the kernel reads in small pieces, keeps them as small
/// page-cache folios and maps them 4 KiB at a time, in that scan and in every later one. One reader
/// going front to back instead gets large folios (most of the file mapped 2 MiB at a time
/// afterwards). Populating windows from both chunks' threads did not: as slow as faulting.
///
/// Measured on the 2-core VM (`downlink inspect`, whole process, file dropped from the page cache
/// before each run, medians of 8-10 alternating runs): mixed 256 MiB, four batches, wall 280-315 ->
/// 160-295 ms, CPU 140-170 -> 40-150 ms (the worst of each in one noisy batch; the other three
/// 160-200 ms and 40-70 ms); interleaved 64 MiB, two batches, 90-95 -> 65-70 ms, 50-60 -> 30 ms;
/// each later (warm) scan of the file 34-42 -> 15-22 ms of scan CPU. 1 GiB of 1 KiB packets: in 5
/// of 12 runs 0.41-0.54 s against 0.73-0.99 s; in the other 7, 0.99-1.91 s, with 0.5-1.1 s of user
/// time on loads from freshly read pages. `cat` of the same dropped file shows the same two modes
/// (0.06-0.11 against 0.37-0.73 s of system time). Likely (not proven): this VM (Firecracker, free
/// page reporting) pays on the first touch of memory it had handed back to its host, and large
/// folios come from such memory more often than small ones. Faulting each window in by touching a
/// byte a page, instead of populating it, read as well but hit that slow mode in every run of one
/// batch.
///
/// Cost: `looksUncached`, one `mincore` of one page a probe; `populate`, one
/// `madvise(MADV_POPULATE_READ)`, which on cached pages does what the faults would have done.
/// Linux 5.14 or later; elsewhere, or where the kernel refuses, nothing happens and the pages fault
/// in as the walk reads them.
enum MappedPages {
    /// Probes of the page cache a residency check makes.
    static let residencyProbes = 16

    /// Whether any of `residencyProbes` pages spread evenly over `bytes` (a file mapping with a
    /// page-aligned base) is not in the page cache: then the file has not been read lately, and a
    /// walk over it should read it front to back. One `mincore` of one page a probe (microseconds;
    /// a check of every page costs 6-9 ms for 256 MiB). False where it cannot tell.
    static func looksUncached(_ bytes: UnsafeRawBufferPointer) -> Bool {
        #if os(Linux)
        guard let base = bytes.baseAddress, Int(bitPattern: base) & 4095 == 0, bytes.count > 0 else { return false }
        let pages = (bytes.count + 4095) / 4096
        var resident: UInt8 = 0
        var probed = -1
        for probe in 0..<residencyProbes {
            let page = pages * probe / residencyProbes
            if page == probed { continue }  // a file of fewer pages than probes
            probed = page
            guard mincore(UnsafeMutableRawPointer(mutating: base + page * 4096), 1, &resident) == 0 else { return false }
            if resident & 1 == 0 { return true }
        }
        #endif
        return false
    }

    /// `MADV_POPULATE_READ` (Linux 5.14+), not in every libc's headers.
    static let populateRead: Int32 = 22

    /// Maps the pages that hold `range` of `bytes` (pages counted from the base, which a mapping has
    /// page-aligned), reading them from the file where they are not cached. Errors (an old kernel, a
    /// base not page-aligned, a file cut short under the mapping) are ignored: the walk's loads then
    /// fault as they would have.
    static func populate(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        #if os(Linux)
        guard let base = bytes.baseAddress, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= bytes.count else { return }
        let lower = range.lowerBound & ~4095
        _ = madvise(UnsafeMutableRawPointer(mutating: base + lower), range.upperBound - lower, populateRead)
        #endif
    }
}
