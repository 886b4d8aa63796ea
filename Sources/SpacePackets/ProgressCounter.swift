import Synchronization

/// Adds up progress reported by several scanning tasks and forwards the running total.
///
/// Cost: one atomic add per report (reports come every `PacketScanner.progressStep` bytes).
final class ProgressCounter: Sendable {
    private let total = Atomic<Int>(0)
    private let report: @Sendable (Int) -> Void

    init(report: @escaping @Sendable (Int) -> Void) {
        self.report = report
    }

    func add(_ bytes: Int) {
        let now = total.add(bytes, ordering: .relaxed).newValue
        report(now)
    }
}
