import Algorithms
import Foundation

/// NAB's scoring, from its published method (Lavin and Ahmad 2015; NAB v1.1's sweeper):
///
/// - Each row after the probationary period gets a *sweep score* for the case it is detected.
///   Inside a window it is a true positive worth `tpWeight · σ(position) / σ(-1)`, where
///   `σ(x) = 2/(1+e^{5x}) − 1` and the position runs from −1 at the window's left edge towards 0
///   at its right edge, so early detections earn more. Outside, it is a false positive worth
///   `fpWeight · σ(distance past the previous window, in window widths)` (−`fpWeight` before any
///   window or 3 widths past one): a detection just after a window costs less.
/// - At a threshold t, a file scores the sum of its false positives' sweep scores plus, per
///   window, the best sweep score among its detected rows, or −`fnWeight` if none is detected.
/// - The threshold is chosen once for the whole corpus: every distinct anomaly score is tried
///   (rows of all files sorted together) and the one with the highest total wins.
/// - The total is normalised so that the null detector (which detects nothing: −`fnWeight` per
///   window) scores 0 and a perfect one (every window detected on its first row: `tpWeight` per
///   window) scores 100.
public struct NABScorer: Sendable {
    public let profile: NABProfile

    public init(profile: NABProfile) {
        self.profile = profile
    }

    /// One scored row of one file.
    struct Row {
        var score: Double
        var sweep: Double
        /// The window's index in the corpus, nil outside every window.
        var window: Int?
    }

    /// What scoring one file at the chosen threshold gave.
    public struct FileResult: Sendable, Hashable {
        public var path: String
        public var score: Double
        public var truePositives: Int
        public var falsePositives: Int
        public var falseNegatives: Int
        public var windows: Int
        public var windowsDetected: Int
    }

    /// A whole corpus scored under this profile.
    public struct Result: Sendable, Hashable {
        public var profile: String
        public var threshold: Double
        public var rawScore: Double
        public var normalizedScore: Double
        public var files: [FileResult]
        public var windows: Int { files.reduce(0) { $0 + $1.windows } }
        public var windowsDetected: Int { files.reduce(0) { $0 + $1.windowsDetected } }
    }

    static func sigmoid(_ position: Double) -> Double {
        position >= 3 ? -1 : 2 / (1 + exp(5 * position)) - 1
    }

    /// The sweep rows of one file (probationary rows left out), windows numbered from `firstWindow`.
    /// A window holds the rows whose time falls in it, as NAB labels rows: its bounds need not be
    /// rows' timestamps (a user's labels, or a series sampled at irregular times); a window that
    /// holds no row cannot be found and counts as missed.
    func rows(timestamps: [Date], scores: [Double], windows: [ClosedRange<Date>], firstWindow: Int) -> [Row] {
        let probation = NABSeries.probation(rows: timestamps.count)
        let maxTP = Self.sigmoid(-1)
        var spans: [(index: Int, left: Int, right: Int)] = []
        for (k, window) in windows.enumerated() {
            let left = timestamps.partitioningIndex { $0 >= window.lowerBound }
            let right = timestamps.partitioningIndex { $0 > window.upperBound } - 1
            if left <= right { spans.append((firstWindow + k, left, right)) }
        }
        var pending = spans[...]
        var current: (index: Int, right: Int, width: Double)?
        var previous: (right: Int, width: Double)?
        var out: [Row] = []
        out.reserveCapacity(timestamps.count)
        for i in timestamps.indices {
            if current == nil, let next = pending.first, next.left == i {
                pending.removeFirst()
                current = (next.index, next.right, Double(next.right - next.left + 1))
            }
            let sweep: Double
            if let window = current {
                sweep = Self.sigmoid(-Double(window.right - i + 1) / window.width) * profile.tpWeight / maxTP
            } else if let previous {
                sweep = Self.sigmoid(Double(abs(previous.right - i)) / (previous.width - 1)) * profile.fpWeight
            } else {
                sweep = Self.sigmoid(3) * profile.fpWeight
            }
            if i >= probation { out.append(Row(score: scores[i], sweep: sweep, window: current?.index)) }
            if let window = current, i == window.right {
                previous = (window.right, window.width)
                current = nil
            }
        }
        return out
    }

    /// Scores `results` (anomaly scores by row, one array per series, same order) on `series`, at
    /// the threshold that gives the whole corpus its best score.
    public func score(series: [NABSeries], scores: [[Double]]) -> Result {
        let perFile = sweepRows(series: series, scores: scores)
        let threshold = bestThreshold(perFile.flatMap { $0 })
        return score(series: series, rows: perFile, threshold: threshold)
    }

    /// Scores `scores` on `series` at a threshold chosen elsewhere: how cross-validation scores a
    /// held-out fold, at the threshold its training folds chose.
    public func score(series: [NABSeries], scores: [[Double]], threshold: Double) -> Result {
        score(series: series, rows: sweepRows(series: series, scores: scores), threshold: threshold)
    }

    /// The sweep rows of every file, windows numbered across the corpus.
    func sweepRows(series: [NABSeries], scores: [[Double]]) -> [[Row]] {
        var perFile: [[Row]] = []
        var windowCount = 0
        for (s, anomaly) in zip(series, scores) {
            perFile.append(rows(timestamps: s.timestamps, scores: anomaly, windows: s.windows, firstWindow: windowCount))
            windowCount += s.windows.count
        }
        return perFile
    }

    func score(series: [NABSeries], rows perFile: [[Row]], threshold: Double) -> Result {
        var files: [FileResult] = []
        var total = 0.0
        for (s, rows) in zip(series, perFile) {
            // Every labelled window counts: one that holds no scored row is missed.
            let file = scoreFile(path: s.path, rows: rows, threshold: threshold, windows: s.windows.count)
            files.append(file)
            total += file.score
        }
        let labelled = series.reduce(0) { $0 + $1.windows.count }
        return Result(
            profile: profile.name, threshold: threshold, rawScore: total, normalizedScore: normalized(total, windows: labelled), files: files)
    }

    /// A raw total over `windows` labelled windows on NAB's scale: 0 for detecting nothing, 100 for
    /// detecting every window on its first row; 0 when there are no windows to find.
    public func normalized(_ raw: Double, windows: Int) -> Double {
        let null = -profile.fnWeight * Double(windows)
        let perfect = profile.tpWeight * Double(windows)
        return perfect > null ? 100 * (raw - null) / (perfect - null) : 0
    }

    /// The threshold that gives `scores` on `series` their best total: what a training fold chooses.
    public func bestThreshold(series: [NABSeries], scores: [[Double]]) -> Double {
        bestThreshold(sweepRows(series: series, scores: scores).flatMap { $0 })
    }

    /// The anomaly score whose threshold gives the highest corpus score (the highest threshold
    /// among equals); 1.1 (nothing detected) when no threshold beats detecting nothing.
    func bestThreshold(_ rows: [Row]) -> Double {
        let sorted = rows.enumerated().sorted { ($0.element.score, $1.offset) > ($1.element.score, $0.offset) }.map(\.element)
        var best = Set(rows.compactMap(\.window)).count == 0 ? 0.0 : -profile.fnWeight * Double(Set(rows.compactMap(\.window)).count)
        var bestThreshold = 1.1
        var windowScore = [Int: Double]()
        for w in Set(rows.compactMap(\.window)) { windowScore[w] = -profile.fnWeight }
        var fp = 0.0
        var windowTotal = best
        var i = 0
        while i < sorted.count {
            let threshold = sorted[i].score
            while i < sorted.count && sorted[i].score == threshold {
                let row = sorted[i]
                if let w = row.window {
                    let old = windowScore[w]!
                    if row.sweep > old {
                        windowScore[w] = row.sweep
                        windowTotal += row.sweep - old
                    }
                } else {
                    fp += row.sweep
                }
                i += 1
            }
            if fp + windowTotal > best {
                best = fp + windowTotal
                bestThreshold = threshold
            }
        }
        return bestThreshold
    }

    func scoreFile(path: String, rows: [Row], threshold: Double, windows: Int) -> FileResult {
        var windowScore = [Int: Double]()
        var fp = 0.0
        var tp = 0
        var fpCount = 0
        var fn = 0
        for row in rows {
            let detected = row.score >= threshold
            if let w = row.window {
                if detected {
                    tp += 1
                    windowScore[w] = max(windowScore[w] ?? -.infinity, row.sweep)
                } else {
                    fn += 1
                }
            } else if detected {
                fpCount += 1
                fp += row.sweep
            }
        }
        let missed = windows - windowScore.count
        let score = fp + windowScore.values.reduce(0, +) - profile.fnWeight * Double(missed)
        return FileResult(
            path: path, score: score, truePositives: tp, falsePositives: fpCount, falseNegatives: fn,
            windows: windows, windowsDetected: windowScore.count)
    }
}
