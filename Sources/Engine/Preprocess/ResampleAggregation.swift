/// How points falling in one resampling bucket are combined (pandas' `freq_agg` names).
public enum ResampleAggregation: String, Sendable, Hashable, CaseIterable {
    case mean, sum, min, max, first, last, median, count

    /// Combines one bucket's values; NaN for an empty bucket, except `sum` and `count` (0), as pandas does.
    func combine(_ values: ArraySlice<Double>) -> Double {
        switch self {
        case .sum: return values.reduce(0, +)
        case .count: return Double(values.count)
        default: break
        }
        guard !values.isEmpty else { return .nan }
        switch self {
        case .mean: return values.reduce(0, +) / Double(values.count)
        case .min: return values.min()!
        case .max: return values.max()!
        case .first: return values.first!
        case .last: return values.last!
        case .median:
            let sorted = values.sorted()
            let mid = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        case .sum, .count: return 0
        }
    }
}
