import Foundation

/// The interval a metric reports at, read from its points: the median of the positive gaps
/// between consecutive times. Shared by the no-data watch and the missing-data fill, so both
/// agree on where a point was due.
public enum MetricInterval {
    /// The median gap of `times` (ascending), or nil with fewer than `minimumGaps` gaps.
    public static func median(of times: [Date], minimumGaps: Int = 1) -> TimeInterval? {
        let gaps = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }.filter { $0 > 0 }.sorted()
        guard gaps.count >= max(minimumGaps, 1) else { return nil }
        return gaps[gaps.count / 2]
    }
}
