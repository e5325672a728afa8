import Foundation

/// The range every integer setting must lie in. Settings reach the jobs' arithmetic (window
/// sizes added together, days turned into seconds), so an absurd value such as 2^63−1 is refused
/// by `validate`, the API and the settings page alike, naming the key and its range, instead of
/// overflowing in a job.
public enum IntegerBounds {
    /// The most points (or days) a count setting may name: ten million, beyond any window the
    /// engine reads, while sums of a few such settings stay far from overflowing. Large day counts
    /// (100000) are the usual way to say "no limit", so days share the bound.
    public static let maxPoints = 10_000_000

    /// The range of a top-level integer key.
    public static func range(for key: String) -> ClosedRange<Int> {
        switch key {
        // 10^100 times any value ingest keeps is still finite; negative means "keep every digit".
        case _ where key.hasSuffix("_metric_rounding"): return -100...100
        case _ where key.hasSuffix("_seconds"): return 1...maxPoints
        case "llm_max_tokens_per_run": return 0...1_000_000_000
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
        case "n_jobs": return -1_024...1_024
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
