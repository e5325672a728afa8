import Foundation

/// A detector in the spirit of Smirnov's Contextual Anomaly Detector (CAD OSE): a series is read
/// as a sequence of coarse *levels*, and a point is anomalous when the short sequence of levels
/// it ends — its *context* — has never occurred before.
///
/// - **Levels**: the training window's range (trimmed by `tail` at each end; 0 keeps its minimum
///   and maximum) is cut into `levels` equal bands, with one more band below it and one above, so
///   a value beyond anything trained on is a level of its own.
/// - **Contexts**: at each point, the sequences of the last 1, 2, … `order` levels. A point's
///   novelty is set by the shortest of them never seen: `(order − k + 1) / order` when the
///   shortest unseen has length k (1 for a level never visited, `1/order` for a new ordering of
///   familiar transitions), 0 when all were seen. Every context is learnt once scored, so a new
///   pattern is news once: its repeats are not.
/// - **A quiet period**: within `quiet_n` points after a point whose novelty reached
///   `quiet_above`, scores are held just under the alert threshold, so one incident is one alert.
///
/// It needs no scale and no seasonality: a level is a fraction of the series' own range, and a
/// daily cycle is a context like any other once seen. Scoring walks the rows after training's
/// last (`contextRows` of them), learning as it goes, so hourly and per-point retraining agree.
public struct ContextDetector: Sendable, Hashable, Codable {
    /// The lower edge of the first band and the width of a band (0 for a flat training window).
    public var low: Double
    public var step: Double
    public var levels: Int
    public var order: Int
    public var quietN: Int
    public var quietAbove: Double
    /// Every context seen in training, encoded (see `code`), sorted.
    public var seen: [Int]
    /// The last training point `seen` includes (engine timestamp text); later rows are walked again when scoring.
    public var learntThrough: String?

    enum CodingKeys: String, CodingKey {
        case low, step, levels, order, seen
        case quietN = "quiet_n"
        case quietAbove = "quiet_above"
        case learntThrough = "learnt_through"
    }

    /// The settings `model_params` may give, with their defaults.
    public struct Settings: Sendable, Hashable {
        public var levels = 8
        public var order = 3
        public var tail = 0.0
        public var quietN = 50
        public var quietAbove = 0.6

        public init(_ params: [String: ConfigValue] = [:]) {
            levels = min(max(params["levels"]?.intValue ?? levels, 2), ContextDetector.maxLevels)
            order = min(max(params["order"]?.intValue ?? order, 1), ContextDetector.maxOrder)
            tail = min(max(params["tail"]?.doubleValue ?? tail, 0), 0.49)
            quietN = max(params["quiet_n"]?.intValue ?? quietN, 0)
            quietAbove = params["quiet_above"]?.doubleValue ?? quietAbove
        }
    }

    static let maxLevels = 32
    static let maxOrder = 6

    /// Fits on the values of column 0 of `x`: the bands from their range, then the contexts of
    /// every row but the last `quiet_n` (at most half), which scoring walks again so that a novelty
    /// there still starts its quiet period.
    public static func fit(_ x: FeatureMatrix, params: [String: ConfigValue]) -> ContextDetector {
        let settings = Settings(params)
        let values = (0..<x.rows).map { x[$0, 0] }.filter(\.isFinite)
        let sorted = values.sorted()
        var low = 0.0
        var high = 0.0
        if !sorted.isEmpty {
            let cut = Int((settings.tail * Double(sorted.count - 1)).rounded(.down))
            low = sorted[cut]
            high = sorted[sorted.count - 1 - cut]
        }
        let width = high - low
        var detector = ContextDetector(
            low: low, step: width.isFinite && width > 0 ? width / Double(settings.levels) : 0, levels: settings.levels,
            order: settings.order, quietN: settings.quietN, quietAbove: settings.quietAbove, seen: [], learntThrough: nil)
        let covered = max(x.rows - settings.quietN, x.rows / 2)
        var seen = Set<Int>()
        let levels = (0..<covered).map { detector.level(x[$0, 0]) }
        for t in levels.indices { detector.learn(levels, at: t, into: &seen) }
        detector.seen = seen.sorted()
        detector.learntThrough = covered > 0 ? MetricTimestamp.format(x.timestamps[covered - 1]) : nil
        return detector
    }

    /// The band of `value`: 1…`levels` inside the trained range, 0 below it, `levels + 1` above
    /// (and for a value that is not finite).
    func level(_ value: Double) -> Int {
        guard step > 0 else { return value == low ? 1 : value < low ? 0 : levels + 1 }
        let position = (value - low) / step
        guard position >= 0 else { return 0 }
        guard position < Double(levels) else { return value <= low + step * Double(levels) ? levels : levels + 1 }
        return Int(position) + 1
    }

    /// The context of length `k` ending at `t`: its levels in base `levels + 2`, tagged with `k`.
    func code(_ levels: [Int], at t: Int, length k: Int) -> Int {
        var code = 0
        for i in (t - k + 1)...t { code = code * (self.levels + 2) + levels[i] }
        return code * 8 + k
    }

    /// The lengths of context available at `t`.
    func lengths(at t: Int) -> ClosedRange<Int> { 1...min(order, t + 1) }

    func learn(_ levels: [Int], at t: Int, into seen: inout Set<Int>) {
        for k in lengths(at: t) { seen.insert(code(levels, at: t, length: k)) }
    }

    /// Each row's novelty and whether it falls in a quiet period, walking the rows after
    /// `learntThrough` and learning each as it is scored. Rows before the walk get 0.
    func walk(_ x: FeatureMatrix) -> (novelty: [Double], quiet: [Bool]) {
        var start = 0
        if let through = learntThrough.flatMap(MetricTimestamp.parse) {
            start = x.timestamps.firstIndex { $0 > through } ?? x.rows
        }
        let levels = (0..<x.rows).map { level(x[$0, 0]) }
        var seen = Set(self.seen)
        var novelty = [Double](repeating: 0, count: x.rows)
        var quiet = [Bool](repeating: false, count: x.rows)
        var lastLoud = Int.min / 2
        for t in start..<x.rows {
            if let k = lengths(at: t).first(where: { !seen.contains(code(levels, at: t, length: $0)) }) {
                novelty[t] = Double(order - k + 1) / Double(order)
            }
            learn(levels, at: t, into: &seen)
            if t - lastLoud <= quietN {
                quiet[t] = true
            } else if novelty[t] >= quietAbove {
                lastLoud = t
            }
        }
        return (novelty, quiet)
    }

    /// Each row's probability: its novelty, held a step under `alertThreshold` in a quiet period.
    public func probability(_ x: FeatureMatrix, alertThreshold: Double = 0.8) -> [Double] {
        let held = NoveltyDetector.heldProbability(under: alertThreshold)
        let (novelty, quiet) = walk(x)
        return zip(novelty, quiet).map { score, isQuiet in isQuiet ? min(score, held) : score }
    }
}

extension ContextDetector: Detector {
    public static let fileKey = "context"
    public static let modelNames = ["CONTEXT"]
    public static let parameters: [String: ConfigSchema.Kind] =
        ["levels": .int, "order": .int, "tail": .number, "quiet_n": .int, "quiet_above": .number]

    public static func problems(in params: [String: ConfigValue]) -> [String] {
        var problems: [String] = []
        if let levels = params["levels"]?.intValue, !(2...maxLevels).contains(levels) {
            problems.append("levels must be from 2 to \(maxLevels), not \(levels)")
        }
        if let order = params["order"]?.intValue, !(1...maxOrder).contains(order) {
            problems.append("order must be from 1 to \(maxOrder), not \(order)")
        }
        if let tail = params["tail"]?.doubleValue, !(0..<0.5).contains(tail) {
            problems.append("tail must be at least 0 and under 0.5, not \(tail)")
        }
        if let quiet = params["quiet_n"]?.intValue, quiet < 0 { problems.append("quiet_n must be at least 0, not \(quiet)") }
        return problems
    }

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (ContextDetector, [Double]) {
        // Novelty is its own calibration: min-max scaling is not used.
        (fit(x, params: context.params), [])
    }

    public func decisionFunction(_ x: FeatureMatrix) -> [Double] { walk(x).novelty }

    public func calibratedProbability(_ x: FeatureMatrix) -> [Double]? { probability(x) }

    public var contextRows: Int { order - 1 + 2 * quietN }

    public func contextualProbability(_ x: FeatureMatrix, alertThreshold: Double) -> [Double]? {
        probability(x, alertThreshold: alertThreshold)
    }

    public func modelFileJSON() throws -> String {
        "{\"learnt_through\":\(learntThrough.map(JSONText.quote) ?? "null"),\"levels\":\(levels),\"low\":\(try JSONText.number(low)),"
            + "\"order\":\(order),\"quiet_above\":\(try JSONText.number(quietAbove)),\"quiet_n\":\(quietN),"
            + "\"seen\":[\(seen.map(String.init).joined(separator: ","))],\"step\":\(try JSONText.number(step))}"
    }
}
