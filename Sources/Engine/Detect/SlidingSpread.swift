import Algorithms
import Foundation

/// The median and robust spread (`RobustStatistics.Spread`'s) of a fixed-length window that
/// slides along a series one value at a time. The window is kept sorted, so a slide is two
/// binary searches and a short move, and the MAD is two selections from the deviations on
/// either side of the median, which are sorted already — instead of sorting the window again
/// at every point, which training over thousands of points cannot afford.
struct SlidingSpread: Sendable {
    private(set) var sorted: [Double]

    init<S: Sequence>(_ values: S) where S.Element == Double {
        sorted = values.sorted()
    }

    var count: Int { sorted.count }

    /// Replaces one occurrence of `old` with `new`; a nil on either side is a missing value
    /// leaving or entering the window, which only removes or only inserts.
    mutating func slide(out old: Double?, in new: Double?) {
        if let old {
            let at = lowerBound(old)
            if at < sorted.count, sorted[at] == old { sorted.remove(at: at) }
        }
        if let new { sorted.insert(new, at: lowerBound(new)) }
    }

    var median: Double { RobustStatistics.median(sorted: sorted) }

    /// MAD / 0.6745, or 1.2533 × the mean absolute deviation when the MAD is 0 (as `Spread`).
    var scale: Double {
        let n = sorted.count
        guard n > 0 else { return 0 }
        let m = median
        let split = lowerBound(m)
        let mad = (deviation(rank: (n - 1) / 2, from: m, split: split) + deviation(rank: n / 2, from: m, split: split)) / 2
        if mad > 0 { return mad / 0.6745 }
        return 1.2533 * sorted.reduce(0) { $0 + abs($1 - m) } / Double(n)
    }

    /// The `rank`-th smallest (from 0) distance of a value from `m`. Below `split` the distances
    /// grow leftwards and from `split` on they grow rightwards: two sorted runs, so the rank is
    /// found by a binary search on how many of the smallest come from the left run, in
    /// O(log n) rather than by merging the runs.
    private func deviation(rank: Int, from m: Double, split: Int) -> Double {
        let leftCount = split
        let rightCount = sorted.count - split
        func left(_ i: Int) -> Double { m - sorted[split - 1 - i] }
        func right(_ j: Int) -> Double { sorted[split + j] - m }
        // Invariant: the rank + 1 smallest take `low...high` values from the left run.
        var low = max(0, rank + 1 - rightCount)
        var high = min(leftCount, rank + 1)
        while low < high {
            let fromLeft = (low + high) / 2
            if left(fromLeft) < right(rank - fromLeft) { low = fromLeft + 1 } else { high = fromLeft }
        }
        let lastLeft = low > 0 ? left(low - 1) : -Double.infinity
        let lastRight = rank - low >= 0 ? right(rank - low) : -Double.infinity
        return max(lastLeft, lastRight)
    }

    private func lowerBound(_ value: Double) -> Int { sorted.partitioningIndex { !($0 < value) } }
}
