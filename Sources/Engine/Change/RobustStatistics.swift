/// Median-based location and spread, which a single outlier cannot drag.
public enum RobustStatistics {
    /// The median of `values` (the mean of the middle two for an even count); nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return median(sorted: values.sorted())
    }

    /// The median of values already in ascending order; 0 when empty.
    static func median(sorted: [Double]) -> Double {
        let mid = sorted.count / 2
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The spread of a reference sample, expressed as the scale the modified z-score divides by.
    /// It is the median absolute deviation (MAD) over 0.6745, so that `(x − median) / scale` is
    /// Iglewicz and Hoaglin's modified z-score. When more than half the values are equal the MAD
    /// is 0; the mean absolute deviation (times 1.2533) stands in, as IBM's SPSS does. When every
    /// value is equal the scale is 0 and any departure from that value is an infinite z-score.
    public struct Spread: Sendable, Hashable {
        public var median: Double
        public var mad: Double
        public var scale: Double

        public init?(_ values: [Double]) {
            guard let median = RobustStatistics.median(values) else { return nil }
            let deviations = values.map { abs($0 - median) }
            let mad = RobustStatistics.median(deviations) ?? 0
            self.median = median
            self.mad = mad
            if mad > 0 {
                scale = mad / 0.6745
            } else {
                scale = 1.2533 * deviations.reduce(0, +) / Double(deviations.count)
            }
        }

        /// The modified z-score of `x`, signed; ±infinity when the reference is constant and `x` differs.
        public func z(_ x: Double) -> Double {
            let distance = x - median
            if scale > 0 { return distance / scale }
            return distance == 0 ? 0 : (distance > 0 ? .infinity : -.infinity)
        }
    }
}
