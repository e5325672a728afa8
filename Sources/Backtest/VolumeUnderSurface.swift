import Foundation

/// VUS-PR, the volume under the range-precision-recall surface (Paparrizos et al., VLDB 2022, as
/// TSB-AD reports it): the mean, over buffer lengths ℓ, of the area under a range-based PR curve
/// whose labels are widened by a soft buffer, so that a score just before or after a window earns
/// part of its credit and no single choice of buffer decides the figure.
///
/// For one ℓ, each window gains ℓ/2 rows on either side labelled √(1 − d/ℓ) at distance d (capped
/// at 1 where buffers meet). At a threshold, with TP the sum of labels of the rows at or above it:
/// recall is TP over the mean of the positive rows and the label sum (at most 1), multiplied by
/// the share of widened windows with a row at or above it (existence); precision is TP over the
/// rows at or above it. The curve runs from (0, 1) through every distinct score, highest first,
/// and its area is taken by trapezoids. Every threshold is used, not 250 quantiles as in the
/// published code, so the figure is exact and does not depend on how scores bunch.
public struct VolumeUnderSurface: Sendable {
    /// One series' rows after probation: its scores and whether each row lies in a window.
    public struct Series: Sendable {
        public var scores: [Double]
        public var positive: [Bool]

        public init(scores: [Double], positive: [Bool]) {
            self.scores = scores
            self.positive = positive
        }
    }

    /// The buffer lengths averaged over: 0 (the exact windows) to 100 rows, TSB-AD's default
    /// sliding window where a series shows no period, in steps of 10.
    public static let buffers = Array(stride(from: 0, through: 100, by: 10))

    public let series: [Series]
    /// Every series' scores end to end (non-finite ones as 0), and their order, highest first:
    /// the same for every buffer.
    let scores: [Double]
    let order: [Int]

    public init(series: [Series]) {
        self.series = series
        let scores = series.flatMap { $0.scores.map { $0.isFinite ? $0 : 0 } }
        self.scores = scores
        order = scores.indices.sorted { scores[$0] > scores[$1] }
    }

    /// VUS-PR over `buffers`; 0 when no row is positive.
    public func prVolume(buffers: [Int] = Self.buffers) -> Double {
        guard !buffers.isEmpty, series.contains(where: { $0.positive.contains(true) }) else { return 0 }
        return buffers.map(prArea(buffer:)).reduce(0, +) / Double(buffers.count)
    }

    /// The area under the range-PR curve with buffer length `buffer`, pooled over the series.
    public func prArea(buffer: Int) -> Double {
        var labels: [Double] = []
        var segment: [Int] = []  // each row's widened window (pooled numbering), or -1
        var segments = 0
        var positives = 0.0
        for s in series {
            let widened = Self.widened(s.positive, buffer: buffer)
            var open = false
            for label in widened {
                if label > 0 && !open { segments += 1 }
                open = label > 0
                labels.append(label)
                segment.append(label > 0 ? segments - 1 : -1)
            }
            positives += Double(s.positive.filter { $0 }.count)
        }
        guard segments > 0 else { return 0 }
        let reach = (positives + labels.reduce(0, +)) / 2
        var found = Set<Int>()
        var truePositive = 0.0
        var predicted = 0
        var area = 0.0
        var previous = (recall: 0.0, precision: 1.0)
        var i = 0
        while i < order.count {
            let threshold = scores[order[i]]
            while i < order.count && scores[order[i]] == threshold {
                let row = order[i]
                truePositive += labels[row]
                predicted += 1
                if segment[row] >= 0 { found.insert(segment[row]) }
                i += 1
            }
            let recall = min(truePositive / reach, 1) * Double(found.count) / Double(segments)
            let precision = truePositive / Double(predicted)
            area += (recall - previous.recall) * (precision + previous.precision) / 2
            previous = (recall, precision)
        }
        return area
    }

    /// `positive` as soft labels: 1 inside a window, √(1 − d/ℓ) at distance d ≤ ℓ/2 outside one.
    static func widened(_ positive: [Bool], buffer: Int) -> [Double] {
        var labels = positive.map { $0 ? 1.0 : 0.0 }
        guard buffer >= 2 else { return labels }
        let reach = buffer / 2
        for (i, isPositive) in positive.enumerated() where isPositive {
            let startsWindow = i == 0 || !positive[i - 1]
            let endsWindow = i == positive.count - 1 || !positive[i + 1]
            for d in 1...reach {
                let weight = (1 - Double(d) / Double(buffer)).squareRoot()
                if startsWindow && i - d >= 0 { labels[i - d] = min(1, labels[i - d] + weight) }
                if endsWindow && i + d < positive.count { labels[i + d] = min(1, labels[i + d] + weight) }
            }
        }
        return labels
    }
}
