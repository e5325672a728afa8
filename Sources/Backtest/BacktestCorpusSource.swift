import Engine
import Foundation
import Logging
import Replay

/// Where a backtest's labelled series come from: NAB-shaped files, replay scenarios, or the
/// 👍/👎 feedback in an engine store.
public enum BacktestCorpusSource: Sendable {
    /// `<data>/<category>/<file>.csv` labelled by a NAB `combined_windows.json`.
    case files(data: URL, labels: URL)
    /// Scenario folders under `root` (empty names: every folder), their expected alerts as labels.
    case scenarios(names: [String], root: URL)
    /// A store (SQLite file or `postgresql://` URL) whose feedback labels `batch`'s history.
    case feedback(database: String, batch: String, table: String)

    /// Loads the series; `report` hears one line about what was found.
    public func load(report: (String) -> Void) throws -> [NABSeries] {
        switch self {
        case .files(let data, let labels):
            return try NABCorpus.load(data: data, labels: labels)
        case .scenarios(let names, let root):
            var logger = Logger(label: "backtest")
            logger.logLevel = .error
            let suite = ReplaySuite(root: root, options: ReplaySuite.Options(record: .never, logger: logger))
            do {
                let folders = try suite.scenarioFolders(names)
                let corpus = ScenarioCorpus.load(try folders.map(suite.load))
                report("\(corpus.count) series from \(folders.count) scenarios; \(corpus.reduce(0) { $0 + $1.windows.count }) expected-alert windows")
                return corpus
            } catch let error as ScenarioError {
                throw BacktestError("\(error)")
            }
        case .feedback(let database, let batch, let table):
            let postgres = LocalInstallation.isPostgres(database)
            let shown = postgres ? PostgresConnection.hidePassword(database) : database
            guard postgres || FileManager.default.fileExists(atPath: database) else { throw BacktestError("\(database): no such database") }
            let corpus: [NABSeries]
            do {
                corpus = try FeedbackCorpus.load(store: try LocalInstallation.openDatabase(at: database).store(table: table), batch: batch)
            } catch {
                throw BacktestError("\(shown): cannot read the feedback of batch '\(batch)' from table \(table): \(error)")
            }
            guard !corpus.isEmpty else { throw BacktestError("\(shown): batch '\(batch)' has no metric with 👍/👎 feedback in table \(table)") }
            report(
                "\(corpus.count) metrics of \(batch) with feedback; \(corpus.reduce(0) { $0 + $1.windows.count }) confirmed anomalies after probation"
            )
            return corpus
        }
    }
}
