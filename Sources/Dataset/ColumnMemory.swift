#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if os(Linux)
import CPageMapping
#endif
import Synchronization

/// Where the bytes of large columns come from: pages the process already holds, recycled from columns
/// it has dropped, before fresh ones from the kernel.
///
/// Why: a product chain makes and drops day-long columns step after step (decode, unpack, expand,
/// scale, select), and on the virtual machines data centres run on the first write to a fresh page
/// costs a guest and a host fault: measured 0.4-0.8 GB/s, against 25-75 GB/s for rewriting pages the
/// process already has (`/tmp` C test, 1 GiB, 2-core VM). Before this, a third of `downlink process`'s
/// CPU time on a large demo day was the kernel clearing fresh pages.
///
/// How: columns of at least `pooledMinimum` bytes are anonymous mappings. A dropped one goes into a
/// reservoir instead of back to the kernel. A new column takes the smallest reservoir block that fits
/// (splitting off the rest); when none fits, it grows the largest with `mremap` and moves further
/// blocks' pages into the tail (`MREMAP_FIXED`), so pages are moved, never copied or re-faulted.
/// Recycled bytes are zeroed when the caller asks for zeroed memory (at memory speed).
///
/// What it costs: the process keeps up to `retainedLimit` bytes of dropped columns resident (a quarter
/// of physical memory by default); new mappings are made only when the reservoir cannot cover a request,
/// so resident memory stays at the peak of live columns (`DOWNLINK_RETAINED_COLUMN_MEMORY=BYTES` in the
/// environment sets the limit; 0 turns recycling off). `releaseUnused()` hands the reservoir back,
/// for long-lived processes between jobs. Smaller columns, and every column on non-Linux systems, use
/// `calloc`.
public enum ColumnMemory {
    /// Columns smaller than this use `calloc` (the reservoir's bookkeeping is not worth it).
    public static let pooledMinimum = 1 << 20

    #if os(Linux)
    struct Block {
        var address: UInt
        var size: Int
        var pointer: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: address)! }
    }

    struct Reservoir {
        var blocks: [Block] = []
        var retained = 0
        var limit = ColumnMemory.defaultLimit()

        /// Removes and returns blocks covering `size` bytes: the smallest single block that does, else
        /// the largest blocks until their sum does (or the reservoir is empty).
        mutating func take(_ size: Int) -> [Block] {
            var best: Int? = nil
            for (i, b) in blocks.enumerated() where b.size >= size {
                if best == nil || b.size < blocks[best!].size { best = i }
            }
            if let best {
                let b = blocks.remove(at: best)
                retained -= b.size
                return [b]
            }
            blocks.sort { $0.size > $1.size }
            var taken: [Block] = []
            var sum = 0
            while sum < size, !blocks.isEmpty {
                let b = blocks.removeFirst()
                sum += b.size
                taken.append(b)
            }
            retained -= sum
            return taken
        }

        /// Adds `block`; returns the blocks to unmap to stay within the limit (largest first).
        mutating func put(_ block: Block) -> [Block] {
            blocks.append(block)
            retained += block.size
            var evicted: [Block] = []
            if retained > limit {
                blocks.sort { $0.size > $1.size }
                while retained > limit, !blocks.isEmpty {
                    let b = blocks.removeFirst()
                    retained -= b.size
                    evicted.append(b)
                }
            }
            return evicted
        }
    }

    static let reservoir = Mutex(Reservoir())
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// `DOWNLINK_RETAINED_COLUMN_MEMORY` (bytes; 0 turns recycling off) when set, else a quarter of
    /// physical memory.
    static func defaultLimit() -> Int {
        if let text = getenv("DOWNLINK_RETAINED_COLUMN_MEMORY"), let bytes = Int(String(cString: text)), bytes >= 0 {
            return bytes
        }
        let pages = Int(sysconf(Int32(_SC_PHYS_PAGES)))
        return pages > 0 ? pages * pageSize / 4 : 1 << 30
    }
    #endif

    /// Bytes of dropped columns the process keeps for reuse at most.
    public static var retainedLimit: Int {
        get {
            #if os(Linux)
            reservoir.withLock { $0.limit }
            #else
            0
            #endif
        }
        set {
            #if os(Linux)
            let evicted = reservoir.withLock { r -> [Block] in
                r.limit = max(0, newValue)
                var out: [Block] = []
                r.blocks.sort { $0.size > $1.size }
                while r.retained > r.limit, !r.blocks.isEmpty {
                    let b = r.blocks.removeFirst()
                    r.retained -= b.size
                    out.append(b)
                }
                return out
            }
            for b in evicted { munmap(b.pointer, b.size) }
            #endif
        }
    }

    /// Bytes of dropped columns held for reuse now.
    public static var retainedBytes: Int {
        #if os(Linux)
        reservoir.withLock { $0.retained }
        #else
        0
        #endif
    }

    /// Hands every retained block back to the kernel.
    public static func releaseUnused() {
        #if os(Linux)
        let all = reservoir.withLock { r -> [Block] in
            let all = r.blocks
            r.blocks = []
            r.retained = 0
            return all
        }
        for b in all { munmap(b.pointer, b.size) }
        #endif
    }

    /// For tests and debugging: when on, the column sets `Column.makeSet(_:zeroed: false)` makes are
    /// filled with 0xA5 first, so that a reader of a byte its writer skipped sees garbage instead of a
    /// lucky zero.
    public static var poisonsUnzeroedMemory: Bool {
        get { poison.load(ordering: .relaxed) }
        set { poison.store(newValue, ordering: .relaxed) }
    }
    private static let poison = Atomic(false)

    /// `byteCount` bytes (zero-filled when `zeroed`), 16-byte aligned, and the size of the mapping
    /// behind them (0: a `calloc` block, to be given back with `free`). Nil when memory cannot be had.
    static func allocate(byteCount: Int, zeroed: Bool) -> (base: UnsafeMutableRawPointer, mappedBytes: Int)? {
        #if os(Linux)
        if byteCount >= pooledMinimum {
            return allocateMapped(byteCount: byteCount, zeroed: zeroed)
        }
        #endif
        guard let p = calloc(max(byteCount, 1), 1) else { return nil }
        return (p, 0)
    }

    /// Gives back what `allocate` returned.
    static func release(base: UnsafeMutableRawPointer, mappedBytes: Int) {
        #if os(Linux)
        if mappedBytes > 0 {
            let block = Block(address: UInt(bitPattern: base), size: mappedBytes)
            let evicted = reservoir.withLock { $0.put(block) }
            for b in evicted { munmap(b.pointer, b.size) }
            return
        }
        #endif
        free(base)
    }

    #if os(Linux)
    static func allocateMapped(byteCount: Int, zeroed: Bool) -> (base: UnsafeMutableRawPointer, mappedBytes: Int)? {
        let size = (byteCount + pageSize - 1) / pageSize * pageSize
        var taken = reservoir.withLock { $0.take(size) }
        if taken.isEmpty { return fresh(size) }

        // One block large enough: split off what is not needed.
        if taken.count == 1, taken[0].size >= size {
            var block = taken[0]
            if block.size - size >= pooledMinimum {
                giveBack(Block(address: block.address + UInt(size), size: block.size - size))
                block.size = size
            }
            if zeroed { memset(block.pointer, 0, byteCount) }
            return (block.pointer, block.size)
        }

        // Several blocks: grow the first (its pages stay at the start, the tail is reserved but not yet
        // faulted), then move the others' pages into the tail.
        let first = taken.removeFirst()
        guard let grown = downlink_remap(first.pointer, first.size, size) else {
            munmap(first.pointer, first.size)
            for b in taken { giveBack(b) }
            return fresh(size)
        }
        var filled = first.size
        while filled < size, !taken.isEmpty {
            let b = taken.removeFirst()
            let move = min(b.size, size - filled)
            guard downlink_remap_to(b.pointer, move, grown + filled) != nil else {
                giveBack(b)
                break
            }
            if move < b.size { giveBack(Block(address: b.address + UInt(move), size: b.size - move)) }
            filled += move
        }
        for b in taken { giveBack(b) }
        advise(grown, size)
        if zeroed { memset(grown, 0, min(filled, byteCount)) }
        return (grown, size)
    }

    /// A new anonymous mapping (zero pages, faulted on first write).
    static func fresh(_ size: Int) -> (base: UnsafeMutableRawPointer, mappedBytes: Int)? {
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            return nil
        }
        advise(p, size)
        return (p, size)
    }

    /// Transparent huge pages for the whole mapping, only with `DOWNLINK_COLUMN_HUGE_PAGES=1`: one
    /// fault per 2 MiB when first written, and one flag over the block so that moves and splits do not
    /// leave differently-flagged pieces. Off by default because, measured on the 2-core VM, it made
    /// decoding faster (hs file 1.7 -> 2.3-2.7 GB/s per core) but writing the same columns to a
    /// contiguous HDF5 file 3-4x slower (0.42 -> 1.3-1.9 s for 600 MB: the kernel compacting memory for
    /// huge pages while the page cache fills). Decoded columns of 2 MiB or more get the advice from
    /// Decom's ColumnSink as before.
    static func advise(_ p: UnsafeMutableRawPointer, _ size: Int) {
        if hugePages { _ = madvise(p, size, MADV_HUGEPAGE) }
    }

    static let hugePages = getenv("DOWNLINK_COLUMN_HUGE_PAGES").map { String(cString: $0) == "1" } ?? false

    /// Returns a block to the reservoir, or to the kernel when it is a sliver.
    static func giveBack(_ block: Block) {
        guard block.size >= pooledMinimum else {
            munmap(block.pointer, block.size)
            return
        }
        let evicted = reservoir.withLock { $0.put(block) }
        for b in evicted { munmap(b.pointer, b.size) }
    }
    #endif
}
