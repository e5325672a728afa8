import ArgumentParser
import Backtest
import Engine
import Foundation

struct ScoreNABCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score-nab",
        abstract: "Score a results folder in NAB's layout with NAB's method.",
        discussion: """
            Reads every labelled data file (<data>/<category>/<file>.csv) and its results file \
            (<results>/<category>/<file>.csv, or NAB's <category>/<detector>_<file>.csv) with an \
            anomaly_score column, matched by row. For each profile it chooses the corpus-wide \
            threshold with the best score and prints the normalised score (null detector 0, \
            perfect 100), the threshold and the windows detected and missed.
            """
    )

    @Option(name: .long, help: "The data folder (<category>/<file>.csv with timestamp,value).")
    var data: String

    @Option(name: .long, help: "The labels file (NAB's combined_windows.json shape).")
    var labels: String

    @Option(name: .long, help: "The results folder to score.")
    var results: String

    @Option(name: .long, help: "standard, reward_low_FP_rate, reward_low_FN_rate or all.")
    var profile: String = "all"

    @Flag(name: .long, help: "Print the scores as one JSON object (per profile, with every file).")
    var json = false

    @Flag(name: .long, help: "Also print each file's score.")
    var perFile = false

    func run() throws {
        guard let profiles = NABProfile.named(profile) else {
            throw ValidationError("--profile: expected standard, reward_low_FP_rate, reward_low_FN_rate or all, got '\(profile)'")
        }
        do {
            let series = try NABCorpus.load(data: URL(fileURLWithPath: data), labels: URL(fileURLWithPath: labels))
            let scores = try NABResults.scores(results: URL(fileURLWithPath: results), series: series)
            let scored = profiles.map { NABScorer(profile: $0).score(series: series, scores: scores) }
            print(json ? NABReport.json(scored).text : NABReport.text(scored, perFile: perFile))
        } catch let error as BacktestError {
            printError("error: \(error)")
            throw ExitCode(2)
        }
    }
}
