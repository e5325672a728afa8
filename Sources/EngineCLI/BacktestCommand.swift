import ArgumentParser
import Backtest
import Engine
import Foundation

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
            (timestamp,value,anomaly_score,label,alert,change,tholdalert), events.csv (each window found, late or missed, and \
            each false alert), summary.json and report.html; with --sweep, one run \
            per combination under <out>/runs/<n>/ and leaderboard.csv, ranked by --rank-by. With --cross-validate, every \
            run is also scored out of fold (each fold at the threshold its other folds chose) and, with --sweep, the \
            setting each fold's other folds choose is scored on it: the honest figure for "sweep, then keep the best". \
            Each series' file \
            is written, and entered in checkpoint.json, as soon as it finishes: a run stopped half way and \
            started again with --resume reads those series back and runs only the rest.
            """
    )

    @Option(name: .long, help: "The data folder (<category>/<file>.csv with timestamp,value).")
    var data: String?

    @Option(name: .long, help: "The labels file (NAB's combined_windows.json shape).")
    var labels: String?

    @Option(
        name: .long,
        help:
            "Instead of --data and --labels: an engine store (an SQLite file or a postgresql:// URL) whose 👍/👎 feedback rows label the history of --batch."
    )
    var feedbackDb: String?

    @Option(name: .long, help: "The batch whose metrics and feedback --feedback-db holds.")
    var batch: String?

    @Option(name: .long, help: "The metrics table in --feedback-db.")
    var table: String = "metrics"

    @Option(
        name: .long,
        help:
            "Instead: a replay scenario folder whose series and expected alerts are the labelled data (repeatable; 'all' for every folder under ./scenarios)."
    )
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

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Leaderboard order, best first: \(BacktestOutput.rankable.joined(separator: ", ")) (default: nab_standard, or oof_nab_standard with --cross-validate).",
            valueName: "column"))
    var rankBy: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Score out of fold too: folds by category (the data's first folder), file, or k=N folds of whole series; each fold's threshold and setting are chosen on the other folds.",
            valueName: "folds"))
    var crossValidate: String?

    @Option(name: .long, help: "The run seed.")
    var seed: UInt64 = 0

    @Flag(
        name: .long,
        help:
            "Read back the series an interrupted run with the same settings, data and engine version finished under --out, instead of running them again."
    )
    var resume = false

    func validate() throws {
        let files = data != nil && labels != nil
        let feedback = feedbackDb != nil && batch != nil
        let modes = [files, feedback, !scenario.isEmpty].filter { $0 }.count
        guard modes == 1, (data == nil) == (labels == nil), (feedbackDb == nil) == (batch == nil) else {
            throw ValidationError("give --data and --labels, or --feedback-db and --batch, or --scenario")
        }
        if let n = retrainEvery, n < 1 { throw ValidationError("--retrain-every must be at least 1") }
        guard NABProfile.named(profile) != nil else { throw ValidationError("--profile: unknown profile '\(profile)'") }
        if let rankBy {
            guard BacktestOutput.rankable.contains(rankBy) else { throw ValidationError("--rank-by: unknown metric '\(rankBy)'") }
            if BacktestOutput.inSample(of: rankBy) != nil && crossValidate == nil {
                throw ValidationError("--rank-by \(rankBy): out-of-fold scores need --cross-validate")
            }
        }
        do { _ = try crossValidate.map(FoldScheme.init(parsing:)) } catch let error as BacktestError { throw ValidationError("\(error)") }
    }

    func run() async throws {
        do {
            let corpus = try source.load(report: printLine)
            let sweep = BacktestSweep(
                metricsConfig: metricsConfig.map { URL(fileURLWithPath: $0) }, overrides: set, sweep: sweep,
                retrainEvery: retrainEvery, profiles: NABProfile.named(profile)!, jobs: jobs,
                rankBy: rankBy ?? (crossValidate == nil ? "nab_standard" : "oof_nab_standard"), seed: seed, resume: resume,
                crossValidate: try crossValidate.map(FoldScheme.init(parsing:)))
            try await sweep.run(corpus, output: BacktestOutput(folder: URL(fileURLWithPath: out)), report: printLine)
            printLine("wrote \(out)/summary.json, leaderboard.csv, report.html")
        } catch let error as BacktestError {
            printError("error: \(error)")
            throw ExitCode(2)
        }
    }

    /// The corpus the options name (`validate` made sure exactly one is given).
    var source: BacktestCorpusSource {
        if let data, let labels { return .files(data: URL(fileURLWithPath: data), labels: URL(fileURLWithPath: labels)) }
        if let feedbackDb, let batch { return .feedback(database: feedbackDb, batch: batch, table: table) }
        return .scenarios(names: scenario == ["all"] ? [] : scenario, root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }
}
