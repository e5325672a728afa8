/// `missing_data`: what a missing point means before training and scoring. Missing points are the
/// empty buckets of a resampled series (`preprocess_params.freq`) or, without one, the slots of the
/// metric's own interval (the median gap between its points) where no point came.
public enum MissingDataPolicy: String, Sendable, Hashable, CaseIterable {
    /// Nothing: the rows whose features would reach into a gap are left out (Anomstack's way).
    case skip
    /// The metric counted nothing then (counters, sales).
    case zero
    /// The last value held (gauges that report on change).
    case ffill
    /// A straight line between the points on either side.
    case interpolate

    /// `series` with its NaN (missing) values filled.
    public func fill(_ series: [Double]) -> [Double] {
        switch self {
        case .skip:
            return series
        case .zero:
            return series.map { $0.isNaN ? 0 : $0 }
        case .ffill:
            var held = Double.nan
            return series.map { value in
                if !value.isNaN { held = value }
                return held
            }
        case .interpolate:
            var out = series
            var previous: Int?
            for i in series.indices where !series[i].isNaN {
                if let p = previous, i - p > 1 {
                    for j in (p + 1)..<i { out[j] = series[p] + (series[i] - series[p]) * Double(j - p) / Double(i - p) }
                }
                previous = i
            }
            return out
        }
    }
}
