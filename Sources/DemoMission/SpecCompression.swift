import Foundation

/// The spectrometer's 8-bit count compression (calibration/spec_decompression.csv): codes 0-63 are
/// exact counts, code c >= 64 stands for round(64 * r^(c - 63)) with r = (1e6 / 64)^(1/192), so code
/// 255 is 1,000,000 counts. Compression picks the code whose counts are nearest (ties: lower code).
///
/// Cost: a 1 KiB table built once; compressing is a binary search (8 compares).
public enum SpecCompression {
    /// Counts of each code 0...255, strictly increasing.
    public static let table: [UInt32] = {
        let ratio = pow(1e6 / 64, 1.0 / 192)
        return (0..<256).map { code in
            code < 64 ? UInt32(code) : UInt32((64 * pow(ratio, Double(code - 63))).rounded(.toNearestOrAwayFromZero))
        }
    }()

    public static func decompress(_ code: UInt8) -> UInt32 { table[Int(code)] }

    /// The code whose counts are nearest to `counts` (ties to the lower code; beyond the top, 255).
    public static func compress(_ counts: UInt32) -> UInt8 {
        if counts < 64 { return UInt8(counts) }
        return table.withUnsafeBufferPointer { t in
            // First code whose counts are >= `counts`.
            var low = 64, high = 256
            while low < high {
                let mid = (low + high) >> 1
                if t[mid] < counts { low = mid + 1 } else { high = mid }
            }
            if low == 256 { return 255 }
            if t[low] == counts { return UInt8(low) }
            let above = t[low] - counts, below = counts - t[low - 1]
            return UInt8(below <= above ? low - 1 : low)
        }
    }
}
