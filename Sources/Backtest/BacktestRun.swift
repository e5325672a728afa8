import Engine
import Foundation

/// A backtest of one setting over a whole corpus: every series through `Backtester` (in
/// parallel, at most `jobs` at a time, longest first, results in corpus order), then NAB's
/// scores and the event-level metrics.
public struct BacktestRun: Sendable {
    public var label: String
    public var overrides: [String]
    public var backtester: Backtester
    public var jobs: Int

    public init(label: String, overrides: [String], backtester: Backtester, jobs: Int) {
        self.label = label
        self.overrides = overrides
        self.backtester = backtester
        self.jobs = max(jobs, 1)
    }

    /// What the run produced.
    public struct Result: Sendable {
        public var label: String
        public var overrides: [String]
        public var outcomes: [Backtester.SeriesOutcome]
        public var metrics: [BacktestMetrics]
        public var total: BacktestMetrics
        public var nab: [NABScorer.Result]
        public var seconds: Double
        /// The alert threshold the run used (for charts of its scores).
        public var alertThreshold: Double
        /// Threshold-free figures of the scores (AUC-PR, point-adjusted F1).
        public var ranking = RankingMetrics(aucPR: 0, pointAdjustedF1: 0)
        /// With cross-validation: the pooled out-of-fold NAB score per profile name.
        public var outOfFold: [String: Double] = [:]
        /// With cross-validation: whether the run still beats, out of fold, every run it beats in
        /// sample (on the ranking's NAB profile); nil without.
        public var leadSurvives: Bool?

        public func nabScore(_ profile: String) -> Double {
            nab.first { $0.profile == profile }?.normalizedScore ?? 0
        }
    }

    /// How a series' outcome was had, for progress lines.
    public enum Source: Sendable, Hashable {
        case computed
        /// Read back from the checkpoint of an earlier, interrupted run.
        case readBack
    }

    /// Runs every series of `corpus`. With a checkpoint, series it holds are read back rather
    /// than run, and each series run is recorded in it (its results file written) as it finishes.
    public func run(
        _ corpus: [NABSeries], profiles: [NABProfile] = NABProfile.all, checkpoint: BacktestCheckpoint? = nil,
        progress: @Sendable (Backtester.SeriesOutcome, BacktestMetrics, Source) -> Void = { _, _, _ in }
    ) async throws -> Result {
        let started = ContinuousClock.now
        let backtester = self.backtester
        let snooze = backtester.batch.alertSnoozeN
        var outcomes = [Backtester.SeriesOutcome?](repeating: nil, count: corpus.count)
        var metrics = [BacktestMetrics](repeating: BacktestMetrics(), count: corpus.count)
        func finish(_ index: Int, _ outcome: Backtester.SeriesOutcome, _ source: Source) {
            outcomes[index] = outcome
            metrics[index] = BacktestMetrics(outcome: outcome, snoozeN: snooze)
            progress(outcome, metrics[index], source)
        }
        var pending: [Int] = []
        for index in corpus.indices {
            if let earlier = checkpoint?.finished(corpus[index]) { finish(index, earlier, .readBack) } else { pending.append(index) }
        }
        // Longest series first, so the last to finish are short ones and no core idles
        // while one long series runs alone.
        let order = pending.sorted { (-corpus[$0].values.count, $0) < (-corpus[$1].values.count, $1) }
        try await withThrowingTaskGroup(of: (Int, Backtester.SeriesOutcome).self) { group in
            var next = 0
            func launch() {
                let index = order[next]
                next += 1
                group.addTask { (index, try await backtester.run(corpus[index])) }
            }
            while next < min(jobs, order.count) { launch() }
            while let (index, outcome) = try await group.next() {
                try checkpoint?.record(outcome)
                finish(index, outcome, .computed)
                if next < order.count { launch() }
            }
        }
        let done = outcomes.map { $0! }
        let nab = profiles.map { NABScorer(profile: $0).score(series: corpus, scores: done.map(\.scores)) }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            label: label, overrides: overrides, outcomes: done, metrics: metrics, total: .total(metrics), nab: nab, seconds: seconds,
            alertThreshold: backtester.batch.alertThreshold, ranking: RankingMetrics(series: corpus, scores: done.map(\.scores)))
    }
}

/// The settings grid of `--sweep key=v1,v2 ...`: every combination, in a fixed order (the first
/// key varies slowest).
public struct SweepGrid: Sendable, Hashable {
    public var axes: [(key: String, values: [String])] { zip(keys, values).map { ($0, $1) } }
    let keys: [String]
    let values: [[String]]

    public init(_ specs: [String]) throws {
        var keys: [String] = []
        var values: [[String]] = []
        for spec in specs {
            guard let eq = spec.firstIndex(of: "="), !spec[..<eq].isEmpty else {
                throw BacktestError("--sweep '\(spec)': expected key=v1,v2,...")
            }
            let key = String(spec[..<eq])
            let options = spec[spec.index(after: eq)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !options.isEmpty else { throw BacktestError("--sweep '\(spec)': no values") }
            guard !keys.contains(key) else { throw BacktestError("--sweep: '\(key)' is swept twice") }
            keys.append(key)
            values.append(options)
        }
        self.keys = keys
        self.values = values
    }

    /// Every combination as `key=value` assignments.
    public var points: [[String]] {
        var result: [[String]] = [[]]
        for (key, options) in zip(keys, values) {
            result = result.flatMap { prefix in options.map { prefix + ["\(key)=\($0)"] } }
        }
        return result
    }
}
