import Foundation
import Synchronization

/// A one-line progress display on standard error, shown only when standard error is a terminal
/// and the input is large enough for progress to matter (256 MiB or more).
///
/// Cost: a mutex and at most ten redraws a second.
final class TerminalProgress: Sendable {
    private let label: String
    private let total: Int
    private let lastDraw = Mutex<Double>(0)
    private let shown = Atomic<Bool>(false)

    /// Nil when nothing should be displayed.
    init?(label: String, total: Int) {
        guard isatty(STDERR_FILENO) != 0, total >= 256 << 20 else { return nil }
        self.label = label
        self.total = total
    }

    func update(_ done: Int) {
        let now = Date().timeIntervalSince1970
        let draw = lastDraw.withLock { last -> Bool in
            guard now - last >= 0.1 || done >= total else { return false }
            last = now
            return true
        }
        guard draw else { return }
        shown.store(true, ordering: .relaxed)
        let percent = total > 0 ? min(100, done * 100 / total) : 100
        FileHandle.standardError.write(Data("\r\(label) \(ByteCount.format(done)) of \(ByteCount.format(total)) (\(percent)%)\u{1B}[K".utf8))
    }

    func finish() {
        if shown.load(ordering: .relaxed) { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

extension Optional where Wrapped == TerminalProgress {
    func finish() { self?.finish() }
}

/// Byte counts as people read and write them.
enum ByteCount {
    static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// Parses `123`, `64K`, `64KiB`, `1.5MB`, `2G`, `2GiB` (K/M/G are powers of 1024; KB/MB/GB of 1000).
    static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number >= 0 else { return nil }
        let multipliers: [String: Double] = [
            "": 1, "B": 1, "K": 1024, "KIB": 1024, "M": 1_048_576, "MIB": 1_048_576, "G": 1_073_741_824, "GIB": 1_073_741_824,
            "KB": 1e3, "MB": 1e6, "GB": 1e9,
        ]
        guard let multiplier = multipliers[text.dropFirst(digits.count).uppercased()] else { return nil }
        return Int(number * multiplier)
    }
}
