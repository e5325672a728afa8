/// The alert job's smoothing: the smoothed score of a point is the mean of the last `window`
/// scores up to and including it (fewer at the start of a series). Shared by the alert job and
/// every output that shows smoothed scores, so they cannot drift apart.
public enum ScoreSmoothing {
    public static func smoothed(_ scores: [Double], window: Int) -> [Double] {
        scores.indices.map { smoothed(scores, at: $0, window: window) }
    }

    /// The smoothed score of one point. Each window is summed afresh (no running sum), so the
    /// value is bit-for-bit the same wherever it is computed.
    public static func smoothed(_ scores: [Double], at index: Int, window: Int) -> Double {
        let lower = max(0, index - max(window, 1) + 1)
        return scores[lower...index].reduce(0, +) / Double(index - lower + 1)
    }
}
