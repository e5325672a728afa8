import Engine
import Foundation
import Synchronization

/// `engine backtest` as a whole: every combination of the sweep's values run over the corpus
/// (each with its checkpoint), ranked, and the leaderboard, report and summary written. Progress
/// and results go to `report` as lines, so the command only parses and prints.
public struct BacktestSweep: Sendable {
    /// A batch YAML with the settings to test; nil for the built-in defaults.
    public var metricsConfig: URL?
    /// `key=value` overrides applied to every run.
    public var overrides: [String]
    /// `key=v1,v2,...`: the grid of every combination runs.
    public var sweep: [String]
    public var retrainEvery: Int?
    public var profiles: [NABProfile]
    /// Series run at once.
    public var jobs: Int
    /// The leaderboard's order, one of `BacktestOutput.rankable`.
    public var rankBy: String
    public var seed: UInt64
    /// Read back the series an interrupted run with the same settings finished.
    public var resume: Bool
    /// Score every run out of fold too, and choose among them by it (nil: in sample only).
    public var crossValidate: FoldScheme?

    public init(
        metricsConfig: URL?, overrides: [String], sweep: [String], retrainEvery: Int?, profiles: [NABProfile], jobs: Int,
        rankBy: String, seed: UInt64, resume: Bool, crossValidate: FoldScheme? = nil
    ) {
        self.metricsConfig = metricsConfig
        self.overrides = overrides
        self.sweep = sweep
        self.retrainEvery = retrainEvery
        self.profiles = profiles
        self.jobs = jobs
        self.rankBy = rankBy
        self.seed = seed
        self.resume = resume
        self.crossValidate = crossValidate
    }

    /// Runs every combination over `corpus` and writes the results under `output`; returns the
    /// runs, best first by `rankBy`.
    @discardableResult
    public func run(_ corpus: [NABSeries], output: BacktestOutput, report: @escaping @Sendable (String) -> Void) async throws -> [BacktestRun.Result]
    {
        let points = try SweepGrid(sweep).points
        let crossValidation = try crossValidate.map { try CrossValidation(scheme: $0, corpus: corpus) }
        if BacktestOutput.inSample(of: rankBy) != nil && crossValidation == nil {
            throw BacktestError("--rank-by \(rankBy): out-of-fold scores need --cross-validate")
        }
        let configText = try metricsConfig.map { url in
            do { return try String(contentsOf: url, encoding: .utf8) } catch {
                throw BacktestError("\(url.path): cannot read: \(error.localizedDescription)")
            }
        }
        var results: [BacktestRun.Result] = []
        for (n, assignments) in points.enumerated() {
            let overrides = self.overrides + assignments
            let batch = try BacktestConfig.load(file: metricsConfig, overrides: overrides)
            let label = points.count > 1 ? "run \(n + 1) of \(points.count)" : "backtest"
            if points.count > 1 { report("\(label): \(assignments.joined(separator: " "))") }
            let run = BacktestRun(
                label: label, overrides: overrides, backtester: Backtester(batch: batch, retrainEvery: retrainEvery, seed: seed),
                jobs: jobs)
            let settings = BacktestCheckpoint.settingsFingerprint(
                configText: configText, overrides: overrides, retrainEvery: retrainEvery, seed: seed)
            let checkpoint = BacktestCheckpoint(output: output, prefix: points.count > 1 ? "runs/\(n + 1)/" : "", settings: settings, resume: resume)
            let finished = Mutex(0)
            let result = try await run.run(corpus, profiles: profiles, checkpoint: checkpoint) { outcome, metrics, source in
                let count = finished.withLock { count in
                    count += 1
                    return count
                }
                report(
                    "  [\(count)/\(corpus.count)] \(outcome.series.path): windows \(metrics.windowsDetected)/\(metrics.windows), "
                        + "false alerts \(metrics.falseAlerts), changes \(metrics.changes), retrained \(outcome.retrainings)×"
                        + (source == .readBack ? " (read back from the earlier run)" : ""))
            }
            try output.write(WindowVerdicts.text(result.outcomes), to: (points.count > 1 ? "runs/\(n + 1)/" : "") + "events.csv")
            Self.summaryLines(result, batch: batch).forEach(report)
            results.append(result)
        }
        var summaryFields: [String: CanonicalJSON] = [:]
        if let crossValidation {
            let scores = crossValidation.evaluate(results, corpus: corpus, profiles: profiles)
            results = scores.annotate(results, profile: Self.profile(rankedBy: rankBy, among: profiles))
            scores.lines(results).forEach(report)
            summaryFields["cross_validation"] = scores.json(results)
        }
        let ranked = BacktestOutput.ranked(results, by: rankBy)
        let board = BacktestOutput.leaderboard(ranked, by: rankBy)
        try output.writeLeaderboard(board)
        let best = ranked[0]
        try output.writeReport(leaderboard: board, best: best, threshold: best.alertThreshold)
        if results.count == 1, case .object(let fields) = BacktestOutput.summary(results[0]) {
            summaryFields.merge(fields) { own, _ in own }
        } else {
            summaryFields["rank_by"] = .string(rankBy)
            summaryFields["best"] = .array(best.overrides.map(CanonicalJSON.string))
            summaryFields["runs"] = .array(results.map(BacktestOutput.summary))
        }
        try output.write(CanonicalJSON.object(summaryFields).text + "\n", to: "summary.json")
        if results.count > 1 {
            report("leaderboard (by \(rankBy)):")
            for (row, run) in zip(board.prefix(10), ranked) {
                let outOfFold = run.outOfFold["standard"].map {
                    ", out of fold \(Fixed.format($0, 2))\(run.leadSurvives == false ? " (in-sample lead lost)" : "")"
                }
                report("  \(row[0]). \(row[1]): NAB \(row[2]) / \(row[3]) / \(row[4])\(outOfFold ?? ""), F1 \(Fixed.format(run.total.f1, 4))")
            }
        }
        return ranked
    }

    /// The NAB profile a ranking is about: its own for an NAB column, standard otherwise (or the
    /// first scored, when standard is not).
    static func profile(rankedBy column: String, among profiles: [NABProfile]) -> String {
        let inSample = BacktestOutput.inSample(of: column) ?? column
        let named = inSample == "nab_standard" ? "standard" : inSample.hasPrefix("nab_") ? String(inSample.dropFirst(4)) : "standard"
        return profiles.contains { $0.name == named } ? named : profiles[0].name
    }

    /// One run's figures as the lines the command prints under it.
    static func summaryLines(_ result: BacktestRun.Result, batch: BatchConfig) -> [String] {
        let total = result.total
        var lines = NABReport.text(result.nab, perFile: false).split(separator: "\n").map { "  NAB \($0)" }
        lines.append(
            "  alerts: windows \(total.windowsDetected)/\(total.windows), false alerts \(total.falseAlerts) "
                + "(\(Fixed.format(total.falseAlertsPerDay, 3))/day), F1 \(Fixed.format(total.f1, 3)), "
                + "median delay \(total.medianDelay.map { Fixed.format($0 / 60, 0) + " min" } ?? "-"), \(Fixed.format(result.seconds, 1)) s")
        let verdicts = WindowVerdicts.counts(result.outcomes)
        lines.append(
            "  windows found \(verdicts.found) (alerted in their first half), late \(verdicts.late), missed \(verdicts.missed): "
                + "one row each, and one per false alert, in events.csv")
        lines.append(
            "  level changes: \(total.changes), windows \(total.changeWindowsDetected)/\(total.windows), "
                + "false changes \(total.falseChanges) (\(Fixed.format(total.falseChangesPerDay, 3))/day)")
        if !batch.isDisabled(.tholdalert) && !batch.tholdalertThresholds.isEmpty {
            lines.append(
                "  threshold alerts: \(total.thresholdAlerts), windows \(total.thresholdWindowsDetected)/\(total.windows), "
                    + "false threshold alerts \(total.falseThresholdAlerts) (\(Fixed.format(total.falseThresholdAlertsPerDay, 3))/day)")
        }
        if batch[.changeTrendWindowN] > 0 && !batch.isDisabled(.change) {
            lines.append(
                "  trends: \(total.trends), windows \(total.trendWindowsDetected)/\(total.windows), "
                    + "false trends \(total.falseTrends) (\(Fixed.format(total.falseTrendsPerDay, 3))/day)")
        }
        if NoDataWatch(batch: batch) != nil || StuckWatch(batch: batch) != nil {
            lines.append(
                "  silences announced: \(total.silences) (\(total.falseSilences) outside the windows); "
                    + "stuck runs: \(total.stuckRuns) (\(total.falseStuckRuns) outside); \(Fixed.format(total.falseWatchesPerDay, 3))/day")
        }
        lines.append(
            "  all notifications outside the windows: \(total.falseNotifications) "
                + "(\(Fixed.format(total.falseNotificationsPerDay, 3))/day)")
        return lines
    }
}
