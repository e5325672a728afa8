import Foundation

/// The median and robust spread (`RobustStatistics.Spread`'s) of a fixed-length window that
/// slides along a series one value at a time. The window is kept sorted, so a slide is two
/// binary searches and a short move, and the MAD comes from one merge of the deviations on
/// either side of the median — instead of sorting the window again at every point, which
/// training over thousands of points cannot afford.
struct SlidingSpread: Sendable {
    private(set) var sorted: [Double]

    init<S: Sequence>(_ values: S) where S.Element == Double {
        sorted = values.sorted()
    }

    var count: Int { sorted.count }

    /// Replaces one occurrence of `old` with `new`.
    mutating func slide(out old: Double, in new: Double) {
        let at = lowerBound(old)
        if at < sorted.count, sorted[at] == old { sorted.remove(at: at) }
        sorted.insert(new, at: lowerBound(new))
    }

    var median: Double { RobustStatistics.median(sorted: sorted) }

    /// MAD / 0.6745, or 1.2533 × the mean absolute deviation when the MAD is 0 (as `Spread`).
    var scale: Double {
        let n = sorted.count
        guard n > 0 else { return 0 }
        let m = median
        // Deviations grow leftwards from `split - 1` and rightwards from `split`: merge the two
        // runs up to the middle of the merged order.
        let split = lowerBound(m)
        var left = split - 1, right = split
        var lower = 0.0, upper = 0.0
        for taken in 0...(n / 2) {
            let takeLeft = right >= n || (left >= 0 && m - sorted[left] <= sorted[right] - m)
            let deviation: Double
            if takeLeft { deviation = m - sorted[left]; left -= 1 } else { deviation = sorted[right] - m; right += 1 }
            if taken == (n - 1) / 2 { lower = deviation }
            upper = deviation
        }
        let mad = (lower + upper) / 2
        if mad > 0 { return mad / 0.6745 }
        return 1.2533 * sorted.reduce(0) { $0 + abs($1 - m) } / Double(n)
    }

    private func lowerBound(_ value: Double) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
