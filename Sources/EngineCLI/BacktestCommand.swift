import ArgumentParser
import Backtest
import Engine
import Foundation
import Logging
import Replay

struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run the engine over labelled series as if deployed, and score it (NAB and event-level metrics).",
        discussion: """
            Each series (<data>/<category>/<file>.csv, labelled in --labels) runs through the real train and \
            score jobs: the probationary rows (first 15%, at most 750) only train; then every point is scored \
            by the latest model trained strictly before it, retrained every --retrain-every points or when \
            train_cron_schedule fires on the series' own clock; the change job's tests run where change_cron_schedule \
            fires (unless disable_change), and its level changes are counted apart; so are the threshold alerts of \
            tholdalert_thresholds (unless disable_tholdalert), where the ingest cron fires. Writes <out>/<category>/<file>.csv \
            (timestamp,value,anomaly_score,label,alert,change,tholdalert), summary.json and report.html; with --sweep, one run \
            per combination under <out>/runs/<n>/ and leaderboard.csv, ranked by --rank-by. Each series' file \
            is written, and entered in checkpoint.json, as soon as it finishes: a run stopped half way and \
            started again with --resume reads those series back and runs only the rest.
            """
    )

    @Option(name: .long, help: "The data folder (<category>/<file>.csv with timestamp,value).")
    var data: String?

    @Option(name: .long, help: "The labels file (NAB's combined_windows.json shape).")
    var labels: String?

    @Option(name: .long, help: "Instead of --data and --labels: an engine store (an SQLite file or a postgresql:// URL) whose 👍/👎 feedback rows label the history of --batch.")
    var feedbackDb: String?

    @Option(name: .long, help: "The batch whose metrics and feedback --feedback-db holds.")
    var batch: String?

    @Option(name: .long, help: "The metrics table in --feedback-db.")
    var table: String = "metrics"

    @Option(name: .long, help: "Instead: a replay scenario folder whose series and expected alerts are the labelled data (repeatable; 'all' for every folder under ./scenarios).")
    var scenario: [String] = []

    @Option(name: .long, help: "Where to write the results.")
    var out: String

    @Option(name: .long, help: "A batch YAML with the settings to test (default: the built-in defaults).")
    var metricsConfig: String?

    @Option(name: .long, help: "Override a setting: key=value (repeatable).")
    var set: [String] = []

    @Option(name: .long, help: "Sweep a setting over values: key=v1,v2,... (repeatable; the grid of every combination runs).")
    var sweep: [String] = []

    @Option(name: .long, help: "Retrain every N points instead of on train_cron_schedule.")
    var retrainEvery: Int?

    @Option(name: .long, help: "NAB profile(s) to score: standard, reward_low_FP_rate, reward_low_FN_rate or all.")
    var profile: String = "all"

    @Option(name: .long, help: "Series run at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: ArgumentHelp("Leaderboard order, best first: \(BacktestOutput.rankable.joined(separator: ", ")).", valueName: "column"))
    var rankBy: String = "nab_standard"

    @Option(name: .long, help: "The run seed.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Read back the series an interrupted run with the same settings, data and engine version finished under --out, instead of running them again.")
    var resume = false

    func validate() throws {
        let files = data != nil && labels != nil, feedback = feedbackDb != nil && batch != nil
        let modes = [files, feedback, !scenario.isEmpty].filter { $0 }.count
        guard modes == 1, (data == nil) == (labels == nil), (feedbackDb == nil) == (batch == nil) else {
            throw ValidationError("give --data and --labels, or --feedback-db and --batch, or --scenario")
        }
        if let n = retrainEvery, n < 1 { throw ValidationError("--retrain-every must be at least 1") }
        guard NABProfile.named(profile) != nil else { throw ValidationError("--profile: unknown profile '\(profile)'") }
        guard BacktestOutput.rankable.contains(rankBy) else { throw ValidationError("--rank-by: unknown metric '\(rankBy)'") }
    }

    func run() async throws {
        do {
            let corpus = try loadCorpus()
            let grid = try SweepGrid(sweep)
            let points = grid.points
            let output = BacktestOutput(folder: URL(fileURLWithPath: out))
            let profiles = NABProfile.named(profile)!
            let configText = try metricsConfig.map { path in
                do { return try String(contentsOfFile: path, encoding: .utf8) } catch { throw BacktestError("\(path): cannot read: \(error.localizedDescription)") }
            }
            var results: [BacktestRun.Result] = []
            for (n, assignments) in points.enumerated() {
                let overrides = set + assignments
                let batch = try BacktestConfig.load(file: metricsConfig.map { URL(fileURLWithPath: $0) }, overrides: overrides)
                let label = points.count > 1 ? "run \(n + 1) of \(points.count)" : "backtest"
                if points.count > 1 { printLine("\(label): \(assignments.joined(separator: " "))") }
                let run = BacktestRun(label: label, overrides: overrides, backtester: Backtester(batch: batch, retrainEvery: retrainEvery, seed: seed),
                                      jobs: jobs)
                let checkpoint = BacktestCheckpoint(output: output, prefix: points.count > 1 ? "runs/\(n + 1)/" : "",
                                                    settings: BacktestCheckpoint.settingsFingerprint(configText: configText, overrides: overrides,
                                                                                                     retrainEvery: retrainEvery, seed: seed),
                                                    resume: resume)
                let finished = Counter()
                let result = try await run.run(corpus, profiles: profiles, checkpoint: checkpoint) { outcome, metrics, source in
                    printLine("  [\(finished.next())/\(corpus.count)] \(outcome.series.path): windows \(metrics.windowsDetected)/\(metrics.windows), "
                              + "false alerts \(metrics.falseAlerts), changes \(metrics.changes), retrained \(outcome.retrainings)×"
                              + (source == .readBack ? " (read back from the earlier run)" : ""))
                }
                printLine(NABReport.text(result.nab, perFile: false).split(separator: "\n").map { "  NAB \($0)" }.joined(separator: "\n"))
                printLine("  alerts: windows \(result.total.windowsDetected)/\(result.total.windows), false alerts \(result.total.falseAlerts) "
                          + "(\(Fixed.format(result.total.falseAlertsPerDay, 3))/day), F1 \(Fixed.format(result.total.f1, 3)), "
                          + "median delay \(result.total.medianDelay.map { Fixed.format($0 / 60, 0) + " min" } ?? "-"), \(Fixed.format(result.seconds, 1)) s")
                printLine("  level changes: \(result.total.changes), windows \(result.total.changeWindowsDetected)/\(result.total.windows), "
                          + "false changes \(result.total.falseChanges) (\(Fixed.format(result.total.falseChangesPerDay, 3))/day)")
                if !batch.isDisabled(.tholdalert) && !batch.tholdalertThresholds.isEmpty {
                    printLine("  threshold alerts: \(result.total.thresholdAlerts), windows \(result.total.thresholdWindowsDetected)/\(result.total.windows), "
                              + "false threshold alerts \(result.total.falseThresholdAlerts) (\(Fixed.format(result.total.falseThresholdAlertsPerDay, 3))/day)")
                }
                printLine("  all notifications outside the windows: \(result.total.falseNotifications) "
                          + "(\(Fixed.format(result.total.falseNotificationsPerDay, 3))/day)")
                results.append(result)
            }
            let ranked = BacktestOutput.ranked(results, by: rankBy)
            let board = BacktestOutput.leaderboard(ranked)
            try output.writeLeaderboard(board)
            let best = ranked[0]
            try output.writeReport(leaderboard: board, best: best, threshold: best.alertThreshold)
            let summary: CanonicalJSON = results.count == 1 ? BacktestOutput.summary(results[0])
                : .object(["rank_by": .string(rankBy), "best": .array(best.overrides.map(CanonicalJSON.string)),
                           "runs": .array(results.map(BacktestOutput.summary))])
            try output.write(summary.text + "\n", to: "summary.json")
            if results.count > 1 {
                printLine("leaderboard (by \(rankBy)):")
                for row in board.prefix(10) { printLine("  \(row[0]). \(row[1]): NAB \(row[2]) / \(row[3]) / \(row[4]), F1 \(row[5])") }
            }
            printLine("wrote \(out)/summary.json, leaderboard.csv, report.html")
        } catch let error as BacktestError {
            printError("error: \(error)")
            throw ExitCode(2)
        }
    }
}

extension BacktestCommand {
    func loadCorpus() throws -> [NABSeries] {
        if let data, let labels {
            return try NABCorpus.load(data: URL(fileURLWithPath: data), labels: URL(fileURLWithPath: labels))
        }
        if !scenario.isEmpty {
            var logger = Logger(label: "backtest")
            logger.logLevel = .error
            let suite = ReplaySuite(root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                    options: ReplaySuite.Options(record: .never, logger: logger))
            do {
                let folders = try suite.scenarioFolders(scenario == ["all"] ? [] : scenario)
                let corpus = ScenarioCorpus.load(try folders.map(suite.load))
                printLine("\(corpus.count) series from \(folders.count) scenarios; \(corpus.reduce(0) { $0 + $1.windows.count }) expected-alert windows")
                return corpus
            } catch let error as ScenarioError {
                throw BacktestError("\(error)")
            }
        }
        guard let feedbackDb, let batch else { throw BacktestError("give --feedback-db and --batch") }
        let postgres = LocalInstallation.isPostgres(feedbackDb)
        let shown = postgres ? PostgresConnection.hidePassword(feedbackDb) : feedbackDb
        guard postgres || FileManager.default.fileExists(atPath: feedbackDb) else { throw BacktestError("\(feedbackDb): no such database") }
        let corpus: [NABSeries]
        do {
            corpus = try FeedbackCorpus.load(store: try LocalInstallation.openDatabase(at: feedbackDb).store(table: table), batch: batch)
        } catch {
            throw BacktestError("\(shown): cannot read the feedback of batch '\(batch)' from table \(table): \(error)")
        }
        guard !corpus.isEmpty else { throw BacktestError("\(shown): batch '\(batch)' has no metric with 👍/👎 feedback in table \(table)") }
        printLine("\(corpus.count) metrics of \(batch) with feedback; \(corpus.reduce(0) { $0 + $1.windows.count }) confirmed anomalies after probation")
        return corpus
    }
}

/// Counts finished series for the progress lines (they finish on several tasks).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
