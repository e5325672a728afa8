import Foundation

/// Threshold-free figures of a run's scores against the labelled windows, as the recent benchmark
/// literature (TSB-AD and others) reports them beside NAB: every row after probation is a point,
/// positive inside a window.
///
/// - `aucPR`: the area under the precision-recall curve (average precision: the precision at
///   each threshold a positive is reached, weighted by the recall it adds); 1 when every window
///   row outscores every other row, the share of window rows for scores that know nothing.
/// - `pointAdjustedF1`: the best F1 over thresholds when a window counts as wholly detected once
///   any of its rows is (the point-adjusted protocol). It is generous — one lucky row finds a
///   long window — which is why NAB's early-detection credit and the event counts stand beside it.
/// - `vusPR`: the volume under the range-PR surface (`VolumeUnderSurface`), which credits a score
///   just outside a window in part and rewards finding every window, not only many rows of one.
public struct RankingMetrics: Sendable, Hashable {
    public var aucPR: Double
    public var pointAdjustedF1: Double
    public var vusPR: Double

    public init(aucPR: Double, pointAdjustedF1: Double, vusPR: Double = 0) {
        self.aucPR = aucPR
        self.pointAdjustedF1 = pointAdjustedF1
        self.vusPR = vusPR
    }

    /// The figures of `scores` (one array per series, rows in the series' order) on `series`.
    public init(series: [NABSeries], scores: [[Double]]) {
        var points: [(score: Double, positive: Bool)] = []
        // Per window: its rows after probation and its best score.
        var windows: [(rows: Int, best: Double)] = []
        var negatives: [Double] = []
        var surfaces: [VolumeUnderSurface.Series] = []
        for (s, rowScores) in zip(series, scores) {
            let scored = s.probation..<min(s.timestamps.count, rowScores.count)
            var inWindow = [Int: (rows: Int, best: Double)]()
            var surface = VolumeUnderSurface.Series(scores: [], positive: [])
            for i in scored {
                let score = rowScores[i].isFinite ? rowScores[i] : 0
                let window = s.windows.firstIndex(where: { $0.contains(s.timestamps[i]) })
                surface.scores.append(score)
                surface.positive.append(window != nil)
                if let w = window {
                    points.append((score, true))
                    let current = inWindow[w] ?? (0, -.infinity)
                    inWindow[w] = (current.rows + 1, max(current.best, score))
                } else {
                    points.append((score, false))
                    negatives.append(score)
                }
            }
            windows += inWindow.keys.sorted().map { inWindow[$0]! }
            surfaces.append(surface)
        }
        self.init(
            aucPR: Self.averagePrecision(points), pointAdjustedF1: Self.bestAdjustedF1(windows: windows, negatives: negatives),
            vusPR: VolumeUnderSurface(series: surfaces).prVolume())
    }

    /// Average precision: over thresholds from the highest score down, the precision where
    /// positives are reached times the recall they add; rows with equal scores enter together.
    static func averagePrecision(_ points: [(score: Double, positive: Bool)]) -> Double {
        let positives = points.filter(\.positive).count
        guard positives > 0 else { return 0 }
        var area = 0.0
        var previous = 0
        for (truePositives, falsePositives) in cumulativeCounts(points.map { ($0.score, $0.positive ? 1 : 0, $0.positive ? 0 : 1) }) {
            let added = truePositives - previous
            if added > 0 { area += Double(added) / Double(positives) * Double(truePositives) / Double(truePositives + falsePositives) }
            previous = truePositives
        }
        return area
    }

    /// The best point-adjusted F1: at a threshold, each window whose best row reaches it counts
    /// all its rows as true positives; each other row reaching it is a false positive.
    static func bestAdjustedF1(windows: [(rows: Int, best: Double)], negatives: [Double]) -> Double {
        let positives = windows.reduce(0) { $0 + $1.rows }
        guard positives > 0 else { return 0 }
        // A window's rows enter all at once, at its best score; a negative row alone.
        let events = windows.map { ($0.best, $0.rows, 0) } + negatives.map { ($0, 0, 1) }
        var best = 0.0
        for (truePositives, falsePositives) in cumulativeCounts(events) {
            let precision = Double(truePositives) / Double(truePositives + falsePositives)
            let recall = Double(truePositives) / Double(positives)
            if precision + recall > 0 { best = max(best, 2 * precision * recall / (precision + recall)) }
        }
        return best
    }

    /// The true and false positives reached at each distinct threshold, from the highest score
    /// down, of events that each bring some positive and negative rows at a score.
    static func cumulativeCounts(_ events: [(score: Double, positives: Int, negatives: Int)]) -> [(Int, Int)] {
        let sorted = events.sorted { $0.score > $1.score }
        var counts: [(Int, Int)] = []
        var truePositives = 0
        var falsePositives = 0
        var i = 0
        while i < sorted.count {
            let threshold = sorted[i].score
            while i < sorted.count && sorted[i].score == threshold {
                truePositives += sorted[i].positives
                falsePositives += sorted[i].negatives
                i += 1
            }
            counts.append((truePositives, falsePositives))
        }
        return counts
    }
}
