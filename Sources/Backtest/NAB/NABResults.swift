import Engine
import Foundation

/// Reads a results folder in NAB's layout: for each data file `<category>/<file>.csv`, a file
/// with an `anomaly_score` column at the same relative path (or NAB's own naming,
/// `<category>/<detector>_<file>.csv`), one row per data row, matched by position.
public enum NABResults {
    public static func scores(results: URL, series: [NABSeries]) throws -> [[Double]] {
        try series.map { s in
            let file = try locate(s.path, in: results)
            let scores = try CSVTable.read(file).numbers("anomaly_score")
            guard scores.count == s.timestamps.count else {
                throw BacktestError("\(file.path): \(scores.count) rows, but the data file \(s.path) has \(s.timestamps.count)")
            }
            return scores
        }
    }

    static func locate(_ path: String, in results: URL) throws -> URL {
        let exact = results.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: exact.path) { return exact }
        let folder = exact.deletingLastPathComponent()
        let name = exact.lastPathComponent
        let candidates = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix("_" + name) }.sorted()
        guard candidates.count == 1 else {
            throw BacktestError(
                "\(results.path): no results file for \(path)"
                    + (candidates.count > 1 ? " (several match: \(candidates.joined(separator: ", ")))" : ""))
        }
        return folder.appendingPathComponent(candidates[0])
    }
}
