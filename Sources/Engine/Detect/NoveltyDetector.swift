import Foundation

/// A detector that alerts on what a series has not done before: a point scores by how far its
/// residuals go beyond the largest the series showed over its training window (its *record*),
/// and after a record-breaking point the series stays quiet for a while, so one incident is one
/// alert rather than a run of them.
///
/// Residuals come from `ResidualChannel`s on the preprocessed value (column 0): a spike against
/// the last `point_window` values; a shift, the mean of the last `shift_n` values against the
/// `shift_window` before them; and a slow shift, the mean of the last `slow_shift_n` values
/// against the `slow_shift_window` before them, for a change too gradual or too sparse (a few
/// more events an hour) for the others. For each season (a day and a week) that the training
/// window holds twice over and shows (its values correlate at that lag by at least
/// `season_min_autocorrelation`), a spike and a shift channel also run on the difference from
/// one season earlier, with `season_shift_n` for the run: a day unlike the day before, a
/// Thursday unlike last Thursday.
///
/// A point's *ratio* is its largest channel score over that channel's record; the record moves
/// up as points are scored (so the second of two equal spikes does not score as the first).
/// Within `quiet_n` points of a point whose ratio reached `record_margin`, probabilities are held
/// just under the alert threshold. The probability is `1 − 0.2^(ratio / record_margin)`: 0.8 —
/// the default alert threshold — for a point that beats the record by the margin, whatever the
/// series' scale or noise, which is what lets one threshold serve thousands of metrics.
///
/// Scoring needs the values before a point (`contextRows` of them); the score job reads them.
public struct NoveltyDetector: Sendable, Hashable, Codable {
    public var channels: [ResidualChannel]
    /// The least spread a residual is divided by: `resolution` (0.01) of the range the training
    /// values span, `quantum_steps` (1) of their smallest step (a count's 1), and at least a
    /// thousandth of their largest magnitude.
    public var floor: Double
    public var quietN: Int
    public var margin: Double
    /// Seconds between rows when trained (their median gap): a seasonal channel's lag of n rows
    /// means the row n × spacing earlier in time, so a gap in the data does not shift a day.
    public var spacing: Double?
    /// The last training point the records include (engine timestamp text); later points,
    /// training's last `quiet_n` among them, are walked again when scoring.
    public var recordThrough: String?
    /// The scores a channel's record must cover before the channel votes, besides its window:
    /// `learn_days` of rows at the training's spacing (nil in models from before it existed).
    public var learnRows: Int?
    /// In the second half of its learning (its record covering half of `learnRows` and its window,
    /// not yet all of `learnRows`), a channel votes against a record of at least this many robust
    /// z-scores, so only what no daily swing could be alerts; in the first half it does not vote
    /// (nil in models from before it existed: a channel does not vote until it has learnt).
    public var learnFloor: Double?

    enum CodingKeys: String, CodingKey {
        case channels, floor, margin, spacing
        case quietN = "quiet_n"
        case recordThrough = "record_through"
        case learnRows = "learn_rows"
        case learnFloor = "learn_floor"
    }

    /// The settings `model_params` may give, with their defaults.
    public struct Settings: Sendable, Hashable {
        public var pointWindow = 30
        public var shiftWindow = 100
        public var shiftN = 3
        public var slowShiftWindow = 400
        public var slowShiftN = 40
        public var seasonShiftN = 6
        public var quietN = 75
        public var margin = 1.1
        public var recordFloor = 5.0
        public var seasonMinAutocorrelation = 0.7
        public var learnDays = 2.0
        public var learnFloor = 20.0
        /// Chosen by leave-one-category-out cross-validation on NAB's public files (docs/detectors.md).
        public var resolution = 0.01
        /// How many of the training values' smallest step (`quantum`) the spread is at least: a
        /// count moving by one is not news. NAB's public files have no such series (1 and 0
        /// score alike there, in and out of fold); on clean and labelled synthetic counts
        /// (docs/detectors.md) one step halves the false alerts and finds as many windows, two
        /// miss bursts.
        public var quantumSteps = 1.0

        public init(_ params: [String: ConfigValue] = [:]) {
            pointWindow = max(params["point_window"]?.intValue ?? pointWindow, 2)
            shiftWindow = max(params["shift_window"]?.intValue ?? shiftWindow, 2)
            shiftN = max(params["shift_n"]?.intValue ?? shiftN, 1)
            slowShiftWindow = max(params["slow_shift_window"]?.intValue ?? slowShiftWindow, 2)
            slowShiftN = max(params["slow_shift_n"]?.intValue ?? slowShiftN, 1)
            seasonShiftN = max(params["season_shift_n"]?.intValue ?? seasonShiftN, 1)
            quietN = max(params["quiet_n"]?.intValue ?? quietN, 0)
            margin = max(params["record_margin"]?.doubleValue ?? margin, 1e-6)
            recordFloor = max(params["record_floor"]?.doubleValue ?? recordFloor, 0)
            seasonMinAutocorrelation = params["season_min_autocorrelation"]?.doubleValue ?? seasonMinAutocorrelation
            learnDays = max(params["learn_days"]?.doubleValue ?? learnDays, 0)
            learnFloor = max(params["learn_floor"]?.doubleValue ?? learnFloor, 0)
            resolution = max(params["resolution"]?.doubleValue ?? resolution, 0)
            quantumSteps = max(params["quantum_steps"]?.doubleValue ?? quantumSteps, 0)
        }
    }

    /// Fits on `x`. With a memo that keeps channel scores, rows of `x` the memo's last training
    /// under `memoKey` scored are not scored again.
    public static func fit(
        _ x: FeatureMatrix, params: [String: ConfigValue], memo: DetectorMemo? = nil,
        memoKey: String = ""
    ) -> NoveltyDetector {
        let settings = Settings(params)
        let values = (0..<x.rows).map { x[$0, 0] }
        let n = values.count
        // Windows shrink to half the training rows, so a short history still has a record to beat.
        let shrunk = { (window: Int) in min(window, max(n / 2, 2)) }
        let shortRun = { (run: Int) in min(run, max(n / 4, 1)) }
        var channels = [
            ResidualChannel(lag: 0, window: shrunk(settings.pointWindow), run: 1),
            ResidualChannel(lag: 0, window: shrunk(settings.shiftWindow), run: shortRun(settings.shiftN)),
            ResidualChannel(lag: 0, window: shrunk(settings.slowShiftWindow), run: shortRun(settings.slowShiftN)),
        ]
        let spacing = Self.medianSpacing(x.timestamps)
        let day = spacing.map(Self.dailyRows) ?? 0
        // Seasons are measured in time: a series that misses readings holds fewer rows than
        // its span has slots, and a row's value a day earlier is found by its timestamp.
        let slots = Self.slots(x.timestamps, spacing: spacing) ?? n
        for season in [day, 7 * day]
        where day >= 2 && slots >= 2 * season + settings.shiftWindow
            && Self.autocorrelation(values, timestamps: x.timestamps, lag: season, spacing: spacing)
                >= settings.seasonMinAutocorrelation
        {
            channels += [
                ResidualChannel(lag: season, window: settings.pointWindow, run: 1),
                ResidualChannel(lag: season, window: settings.shiftWindow, run: settings.seasonShiftN),
            ]
        }
        let largest = values.reduce(0) { max($0, abs($1)) }
        // The least change that counts: a fraction of the range the series spans in training, so
        // a wobble of a flat or quantised metric is not many spreads wide.
        let range = (values.max() ?? 0) - (values.min() ?? 0)
        // A step only counts where it is larger than the resolution's share of the range.
        let relevant = settings.resolution > 0 ? Int(min(settings.quantumSteps / settings.resolution, 1e6)) + 2 : Int.max
        let quantum = settings.quantumSteps > 0 ? Self.quantum(values, distinctLimit: relevant) : 0
        // A young metric has not yet shown its whole day: its first morning rise would otherwise
        // beat a record learnt from the night.
        let learnRows = Int((settings.learnDays * Double(day)).rounded(.up))
        var detector = NoveltyDetector(
            channels: channels,
            floor: max(largest * 1e-3, settings.resolution * range, settings.quantumSteps * quantum) + 1e-9,
            quietN: settings.quietN,
            margin: settings.margin,
            spacing: spacing, recordThrough: nil, learnRows: learnRows, learnFloor: settings.learnFloor)
        // The records leave out the last quiet_n rows (at most half the window): scoring walks
        // them again, so that a record set there still starts its quiet period.
        let covered = max(n - settings.quietN, n / 2)
        let cached = memo?.channelScores(memoKey)
        let (residuals, inputs) = detector.channelResiduals(
            values, timestamps: x.timestamps, rows: 0..<covered, reusing: cached)
        if let memo, memo.keepsChannelScores {
            var next = ChannelScoreCache(timestamps: x.timestamps, inputs: inputs, residuals: [:])
            for (channel, readings) in zip(detector.channels, residuals) { next.residuals[channel.shape] = readings }
            memo.store(memoKey, channelScores: next)
        }
        let scores = residuals.map { readings in readings.map { $0?.score(floor: detector.floor) } }
        for c in detector.channels.indices {
            let scored = scores[c].compactMap { $0 }
            // A floor under the record, so a short or very regular history does not make an
            // ordinary few-sigma wobble a record-breaker.
            detector.channels[c].record = max(scored.max() ?? 0, settings.recordFloor)
            detector.channels[c].recordRows = scored.count
        }
        detector.recordThrough = covered > 0 ? MetricTimestamp.format(x.timestamps[covered - 1]) : nil
        return detector
    }

    /// How many rows before the first scored one a score needs: the longest channel lookback,
    /// the quiet period, and the rows training's records left out.
    public var contextRows: Int {
        (channels.map(\.lookback).max() ?? 0) + 2 * quietN
    }

    /// Every channel's scores at `rows`, and the inputs they read (channels with the same lag
    /// share one differenced input).
    func channelScores(_ values: [Double], timestamps: [Date], rows: Range<Int>) -> [[Double?]] {
        channelResiduals(values, timestamps: timestamps, rows: rows).residuals.map { readings in
            readings.map { $0?.score(floor: floor) }
        }
    }

    /// Every channel's readings at `rows` before the floor, and the inputs they read. With
    /// `cache` (rows must then start at 0), rows whose inputs the cache has seen take its readings.
    func channelResiduals(
        _ values: [Double], timestamps: [Date], rows: Range<Int>,
        reusing cache: ChannelScoreCache? = nil
    ) -> (residuals: [[ResidualChannel.Residual?]], inputs: [Int: [Double?]]) {
        var inputs: [Int: [Double?]] = [:]
        let shift = rows.lowerBound == 0 ? cache?.shift(to: timestamps) : nil
        let residuals = channels.map { channel in
            let input = inputs[channel.lag] ?? channel.input(values, timestamps: timestamps, spacing: spacing)
            inputs[channel.lag] = input
            if let cache, let shift {
                return cache.residuals(of: channel, input: input, rows: rows, shift: shift)
            }
            return channel.residuals(input, rows: rows)
        }
        return (residuals, inputs)
    }

    /// Each row's ratio (its largest channel score over that channel's record, the records
    /// rising as rows are walked from the first after `recordThrough`), and whether the row falls
    /// in a quiet period: within `quiet_n` rows of one whose ratio reached the margin. Rows
    /// before the walk starts get 0 and are not quiet. With `bandRatio`, also each row's band:
    /// the values it could have taken with a ratio under `bandRatio`, against the same records
    /// (nil where no channel votes yet, or the channels agree on no value); rows before the walk,
    /// which the records already cover, are measured against the records as trained.
    func walk(_ x: FeatureMatrix, bandRatio: Double? = nil) -> (ratios: [Double], quiet: [Bool], bands: [ClosedRange<Double>?]) {
        let values = (0..<x.rows).map { x[$0, 0] }
        var start = 0
        if let through = recordThrough.flatMap(MetricTimestamp.parse) {
            start = x.timestamps.firstIndex { $0 > through } ?? x.rows
        }
        let first = bandRatio == nil ? start : 0
        // Rows whose values reach before the matrix cannot be scored by every channel; the
        // walk still starts there (a channel without enough context sits the row out).
        let residuals = channelResiduals(values, timestamps: x.timestamps, rows: first..<x.rows).residuals
        var bands = [ClosedRange<Double>?](repeating: nil, count: bandRatio == nil ? 0 : x.rows)
        func band(at t: Int, against records: [ResidualChannel], bandRatio: Double) -> ClosedRange<Double>? {
            var band: ClosedRange<Double>?
            for c in records.indices {
                guard let residual = residuals[c][t - first], let record = votingRecord(records[c]) else { continue }
                guard let interval = residual.interval(around: values[t], floor: floor, limit: bandRatio * record)
                else { return nil }
                guard let narrowed = band.map({ Self.intersection($0, interval) }) ?? interval else { return nil }
                band = narrowed
            }
            return band
        }
        if let bandRatio {
            for t in first..<start { bands[t] = band(at: t, against: channels, bandRatio: bandRatio) }
        }
        var learning = channels
        var ratios = [Double](repeating: 0, count: x.rows)
        var quiet = [Bool](repeating: false, count: x.rows)
        var lastLoud = Int.min / 2
        for t in start..<x.rows {
            if let bandRatio { bands[t] = band(at: t, against: learning, bandRatio: bandRatio) }
            var ratio = 0.0
            for c in learning.indices {
                guard let residual = residuals[c][t - first] else { continue }
                let score = residual.score(floor: floor)
                if let record = votingRecord(learning[c]) {
                    let r = record > 0 ? score / record : (score == 0 ? 0 : Self.cap)
                    ratio = max(ratio, min(r, Self.cap))
                }
                learning[c].record = max(learning[c].record, score)
                learning[c].recordRows += 1
            }
            if t - lastLoud <= quietN {
                quiet[t] = true
            } else if ratio >= margin {
                lastLoud = t
            }
            ratios[t] = ratio
        }
        return (ratios, quiet, bands)
    }

    /// Where two intervals overlap; nil when they do not.
    static func intersection(_ a: ClosedRange<Double>, _ b: ClosedRange<Double>) -> ClosedRange<Double>? {
        let low = max(a.lowerBound, b.lowerBound)
        let high = min(a.upperBound, b.upperBound)
        return low <= high ? low...high : nil
    }

    /// Whether `channel`'s record covers enough scores to be measured against: its window, and
    /// `learnRows`.
    func learnt(_ channel: ResidualChannel) -> Bool { channel.recordRows >= max(channel.window, learnRows ?? 0) }

    /// The record `channel` votes against: its own once learnt; in the second half of its
    /// learning, at least `learnFloor`; nil while it does not vote.
    func votingRecord(_ channel: ResidualChannel) -> Double? {
        if learnt(channel) { return channel.record }
        guard let learnFloor, channel.recordRows >= max(channel.window, (learnRows ?? 0) / 2) else { return nil }
        return max(channel.record, learnFloor)
    }

    /// Each row's residual: its largest channel score (a robust z-score), 0 where no channel has
    /// the context to score it. This is the raw score — a prediction error, continuous, before
    /// records and quiet periods — that a likelihood calibration (`calibration: likelihood`)
    /// judges against the residuals before it.
    public func residuals(_ x: FeatureMatrix) -> [Double] {
        let values = (0..<x.rows).map { x[$0, 0] }
        let scores = channelScores(values, timestamps: x.timestamps, rows: 0..<x.rows)
        return (0..<x.rows).map { t in scores.reduce(0) { max($0, $1[t] ?? 0) } }
    }

    /// The largest ratio a row can have (a channel whose record is 0 scoring above it).
    static let cap = 1e6

    /// Each row's probability, `1 − 0.2^(ratio / margin)`. In a quiet period it is held a step of
    /// the score job's rounding (0.001) under `alertThreshold`: the rest of an incident neither
    /// alerts again nor looks recovered, whatever threshold the batch alerts at.
    public func probability(_ x: FeatureMatrix, alertThreshold: Double = 0.8) -> [Double] {
        let held = Self.heldProbability(under: alertThreshold)
        let (ratios, quiet, _) = walk(x)
        return zip(ratios, quiet).map { ratio, quiet in
            let p = 1 - pow(0.2, ratio / margin)
            return quiet ? min(p, held) : p
        }
    }

    /// Each row's expected band: the values (of column 0) it could have taken and still scored
    /// under `alertThreshold`, given the rows before it — where no channel's score reaches the
    /// ratio `margin × ln(1 − threshold) / ln 0.2` of its record. The band ignores quiet periods
    /// (it is what the detector expects, whether or not it would speak), and is nil for rows
    /// where no channel has learnt yet or the channels agree on no value.
    public func expectedBand(_ x: FeatureMatrix, alertThreshold: Double) -> [ClosedRange<Double>?]? {
        guard alertThreshold > 0, alertThreshold < 1 else { return [ClosedRange<Double>?](repeating: nil, count: x.rows) }
        return walk(x, bandRatio: margin * log(1 - alertThreshold) / log(0.2)).bands
    }

    /// The largest score of 3 decimals under `threshold` (0.799 under 0.8), at least 0.
    static func heldProbability(under threshold: Double) -> Double {
        max(((threshold * 1000).rounded(.up) - 1) / 1000, 0)
    }

    /// The median gap between consecutive timestamps; nil with fewer than three or a median of 0.
    static func medianSpacing(_ timestamps: [Date]) -> Double? {
        guard timestamps.count >= 3 else { return nil }
        let gaps = zip(timestamps, timestamps.dropFirst()).map { $1.timeIntervalSince($0) }.sorted()
        return gaps[gaps.count / 2] > 0 ? gaps[gaps.count / 2] : nil
    }

    /// Rows in one day at `spacing` seconds apart; 0 when that is not a whole, useful number.
    static func dailyRows(_ spacing: Double) -> Int {
        let rows = (86_400 / spacing).rounded()
        return rows >= 2 && rows <= 100_000 ? Int(rows) : 0
    }

    /// How many rows the timestamps' span holds at `spacing` seconds apart (the rows there would
    /// be without a reading missing); nil without a spacing.
    static func slots(_ timestamps: [Date], spacing: Double?) -> Int? {
        guard let spacing, let first = timestamps.first, let last = timestamps.last else { return nil }
        return Int(min((last.timeIntervalSince(first) / spacing).rounded(), 1e9)) + 1
    }

    /// Pearson correlation of the series with itself `lag` rows of `spacing` seconds later, each
    /// row paired with the row that time earlier (as a seasonal channel reads it), so missing
    /// readings do not shift the lag; by rows without a spacing. 0 with fewer pairs than half a
    /// lag: too little of the cycle to judge it.
    static func autocorrelation(_ values: [Double], timestamps: [Date], lag: Int, spacing: Double?) -> Double {
        guard lag > 0 else { return 0 }
        let earlier = ResidualChannel.earlierRows(count: values.count, timestamps: timestamps, lag: lag, spacing: spacing)
        let pairs = values.indices.compactMap { i in earlier[i].map { (values[$0], values[i]) } }
        guard pairs.count > max(10, lag / 2) else { return 0 }
        let meanA = pairs.reduce(0) { $0 + $1.0 } / Double(pairs.count)
        let meanB = pairs.reduce(0) { $0 + $1.1 } / Double(pairs.count)
        var cross = 0.0
        var varA = 0.0
        var varB = 0.0
        for (u, v) in pairs {
            cross += (u - meanA) * (v - meanB)
            varA += (u - meanA) * (u - meanA)
            varB += (v - meanB) * (v - meanB)
        }
        let denominator = (varA * varB).squareRoot()
        return denominator > 0 ? cross / denominator : 0
    }
}

extension NoveltyDetector {
    /// The smallest step between two distinct training values: 1 for counts, the last digit
    /// kept for a gauge rounded to it, and next to nothing for a continuous series. A series of
    /// one or two values has none: its step is its signal (an on/off metric), not its unit.
    ///
    /// Past `distinctLimit` distinct values it answers 0 without sorting: n distinct values over a
    /// range leave a step of at most range / (n − 1), which the resolution already covers.
    static func quantum(_ values: [Double], distinctLimit: Int = .max) -> Double {
        var distinct = Set<Double>()
        for value in values where value.isFinite {
            distinct.insert(value)
            if distinct.count > distinctLimit { return 0 }
        }
        guard distinct.count >= 3 else { return 0 }
        let sorted = distinct.sorted()
        return zip(sorted, sorted.dropFirst()).map { $1 - $0 }.min() ?? 0
    }
}

extension NoveltyDetector: Detector {
    public static let fileKey = "novelty"
    public static let modelNames = ["NOVELTY"]
    public static let parameters: [String: ConfigSchema.Kind] =
        [
            "point_window": .int, "shift_window": .int, "shift_n": .int, "slow_shift_window": .int, "slow_shift_n": .int,
            "season_shift_n": .int, "quiet_n": .int, "record_margin": .number, "record_floor": .number,
            "season_min_autocorrelation": .number, "learn_days": .number, "learn_floor": .number, "resolution": .number,
            "quantum_steps": .number,
        ]

    public static func fit(_ x: FeatureMatrix, _ context: DetectorFitContext) throws -> (NoveltyDetector, [Double]) {
        // Its ratios are already calibrated against the records; min-max scaling is not used.
        (fit(x, params: context.params, memo: context.memo, memoKey: context.memoKey), [])
    }

    public func calibratedProbability(_ x: FeatureMatrix) -> [Double]? { probability(x) }

    public func decisionFunction(_ x: FeatureMatrix) -> [Double] { residuals(x) }

    public func contextualProbability(_ x: FeatureMatrix, alertThreshold: Double) -> [Double]? {
        probability(x, alertThreshold: alertThreshold)
    }

    public func modelFileJSON() throws -> String {
        let channels = try self.channels.map {
            "{\"lag\":\($0.lag),\"record\":\(try JSONText.number($0.record)),\"record_rows\":\($0.recordRows),"
                + "\"run\":\($0.run),\"window\":\($0.window)}"
        }
        return "{\"channels\":[\(channels.joined(separator: ","))],\"floor\":\(try JSONText.number(floor)),"
            // Left out when absent, so a model file from before it existed writes back unchanged.
            + (try learnFloor.map { "\"learn_floor\":\(try JSONText.number($0))," } ?? "")
            + "\"learn_rows\":\(learnRows.map(String.init) ?? "null"),"
            + "\"margin\":\(try JSONText.number(margin)),\"quiet_n\":\(quietN),"
            + "\"record_through\":\(recordThrough.map(JSONText.quote) ?? "null"),"
            + "\"spacing\":\(try spacing.map(JSONText.number) ?? "null")}"
    }
}
