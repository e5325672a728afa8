import Foundation

/// The range every integer setting must lie in. Settings reach the jobs' arithmetic (window
/// sizes added together, days turned into seconds), so an absurd value such as 2^63−1 is refused
/// by `validate`, the API and the settings page alike, naming the key and its range, instead of
/// overflowing in a job.
public enum IntegerBounds {
    /// The most points a count setting may name: ten million, beyond any window the engine reads.
    public static let maxPoints = 10_000_000
    /// The most days a day setting may name: a century.
    public static let maxDays = 36_500

    /// The range of a top-level integer key.
    public static func range(for key: String) -> ClosedRange<Int> {
        switch key {
        case _ where key.hasSuffix("_metric_rounding"): return -1...15
        case _ where key.hasSuffix("_days_ago") || key.hasSuffix("_n_days"): return 0...maxDays
        case _ where key.hasSuffix("_seconds"): return 1...7 * 86_400
        case "alert_delivery_max_attempts": return 1...100
        case "llm_max_tokens_per_run": return 0...100_000_000
        default: return 0...maxPoints
        }
    }

    /// The range of an integer `preprocess_params` entry (differences, smoothing, lags).
    public static func preprocessRange(for key: String) -> ClosedRange<Int> { 0...10_000 }

    /// The range of an integer detector parameter (`model_params`).
    public static func detectorRange(for parameter: String) -> ClosedRange<Int> {
        switch parameter {
        case "n_neighbors", "n_estimators", "leaf_size": return 1...100_000
        case "random_state": return 0...Int(UInt32.max)
        case "n_jobs": return -1...1_024
        case "n_bins": return 2...10_000
        default: return 0...maxPoints
        }
    }

    /// "must lie between 0 and 10000000, got N", or nil when `value` is a whole number in `range`
    /// (a number too large for an integer is out of every range).
    static func problem(_ value: ConfigValue, in range: ClosedRange<Int>) -> String? {
        if let n = value.intValue, range.contains(n) { return nil }
        return "must lie between \(range.lowerBound) and \(range.upperBound), got \(value.scalarText ?? value.kindName)"
    }
}
