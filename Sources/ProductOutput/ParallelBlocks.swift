import Dispatch
import Foundation

/// Runs `produce` for consecutive blocks on up to `workers` threads while the calling thread consumes
/// finished blocks in order (`consume`), so that packing or compressing block k+1.. overlaps writing
/// block k. At most `2 * workers` blocks are in memory at once.
///
/// What it is for: feeding a serial C library (cfitsio, libhdf5) from parallel Swift work.
/// Costs: one Dispatch worker thread per worker plus a lock and semaphores; blocks are handed over by
/// reference, never copied. The first error (from either side) stops the work and is rethrown.
public enum ParallelBlocks {
    public static func run<Block: Sendable>(
        count: Int, workers: Int,
        produce: @escaping @Sendable (Int) throws -> Block,
        consume: (Int, Block) throws -> Void
    ) throws {
        guard count > 0 else { return }
        let workers = max(1, min(workers, count))
        if workers == 1 && count == 1 {
            try consume(0, try produce(0))
            return
        }
        let state = State<Block>(count: count, window: 2 * workers)
        let group = DispatchGroup()
        for _ in 0..<workers {
            DispatchQueue.global(qos: .userInitiated).async(group: group) {
                while let i = state.nextIndex() {
                    do { state.finish(i, .success(try produce(i))) } catch { state.finish(i, .failure(error)) }
                }
            }
        }
        defer {
            state.stop()
            group.wait()
        }
        for i in 0..<count {
            let block = try state.take(i).get()
            try consume(i, block)
        }
    }

    /// Shared state of one run. Invariant for `@unchecked Sendable`: every field is read and written
    /// with `lock` held.
    private final class State<Block>: @unchecked Sendable {
        private let lock = NSCondition()
        private var next = 0
        private var consumed = 0
        private var stopped = false
        private var done: [Int: Result<Block, any Error>] = [:]
        private let count: Int
        private let window: Int

        init(count: Int, window: Int) { self.count = count; self.window = window }

        /// The next block to produce, waiting while `window` blocks are ahead of the consumer.
        func nextIndex() -> Int? {
            lock.lock(); defer { lock.unlock() }
            while !stopped && next < count && next - consumed >= window { lock.wait() }
            guard !stopped, next < count else { return nil }
            next += 1
            return next - 1
        }

        func finish(_ i: Int, _ r: Result<Block, any Error>) {
            lock.lock(); defer { lock.unlock() }
            done[i] = r
            lock.broadcast()
        }

        func take(_ i: Int) -> Result<Block, any Error> {
            lock.lock(); defer { lock.unlock() }
            while done[i] == nil { lock.wait() }
            let r = done.removeValue(forKey: i)!
            consumed = i + 1
            lock.broadcast()
            return r
        }

        func stop() {
            lock.lock(); defer { lock.unlock() }
            stopped = true
            lock.broadcast()
        }
    }
}
