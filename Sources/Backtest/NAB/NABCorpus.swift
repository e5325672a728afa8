import Engine
import Foundation

/// A data file of a NAB-layout folder with its labelled windows.
public struct NABSeries: Sendable {
    /// `<category>/<file>.csv`.
    public var path: String
    public var timestamps: [Date]
    public var values: [Double]
    /// Inclusive [start, end] windows, in time order.
    public var windows: [ClosedRange<Date>]
    /// The metric name the series runs under in a backtest, which settings keyed by metric name
    /// (`<job>_exclude_metrics`, `change_include_metrics`, ...) see: its own name for a batch's
    /// metric or a scenario's series, `value` for a NAB file.
    public var metric: String

    public init(path: String, timestamps: [Date], values: [Double], windows: [ClosedRange<Date>], metric: String = "value") {
        self.path = path
        self.timestamps = timestamps
        self.values = values
        self.windows = windows
        self.metric = metric
    }

    /// NAB's probationary period: the first 15% of the rows, at most 750.
    public var probation: Int { Self.probation(rows: timestamps.count) }

    public static func probation(rows: Int) -> Int { min(Int((0.15 * Double(rows)).rounded(.down)), 750) }

    /// `windows` sorted, with those that overlap or touch merged into one: NAB builds its windows
    /// that way, and its scoring counts a detection once, so two labels over the same rows are one
    /// window to find, for the NAB score and the event counts alike.
    public static func mergingOverlaps(_ windows: [ClosedRange<Date>]) -> [ClosedRange<Date>] {
        var out: [ClosedRange<Date>] = []
        for window in windows.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let previous = out.last, window.lowerBound <= previous.upperBound {
                out[out.count - 1] = previous.lowerBound...max(previous.upperBound, window.upperBound)
            } else {
                out.append(window)
            }
        }
        return out
    }

    /// 1 for each row inside a labelled window.
    public var labels: [Int] { timestamps.map { t in windows.contains { $0.contains(t) } ? 1 : 0 } }
}

/// Reads NAB's layout: `<data>/<category>/<file>.csv` (timestamp,value) and a labels file in the
/// shape of `combined_windows.json`. Bad input is an error naming the file and row.
public enum NABCorpus {
    /// Every labelled data file under `data`, sorted by relative path. A data file the labels do
    /// not mention is an error (its windows are unknown); a labelled file that is missing too.
    public static func load(data: URL, labels: URL) throws -> [NABSeries] {
        let windows = try readLabels(labels)
        var series: [NABSeries] = []
        for path in windows.keys.sorted() {
            let file = data.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw BacktestError("\(labels.path): '\(path)' is labelled but \(file.path) does not exist")
            }
            series.append(try Self.series(path: path, table: try CSVTable.read(file), windows: windows[path]!))
        }
        return series
    }

    /// One data file's series from its text (`timestamp,value` with a header row).
    public static func series(path: String, csv text: String, windows: [ClosedRange<Date>]) throws -> NABSeries {
        try series(path: path, table: try CSVTable.parse(text, file: path), windows: windows)
    }

    static func series(path: String, table: @autoclosure () throws -> CSVTable, windows: [ClosedRange<Date>]) throws -> NABSeries {
        do {
            let table = try table()
            return NABSeries(path: path, timestamps: try table.times("timestamp"), values: try table.numbers("value"), windows: windows)
        } catch let error as CSVError {
            throw BacktestError(error.description)
        }
    }

    /// `{"<category>/<file>.csv": [["start", "end"], ...]}`, each file's windows sorted and merged
    /// where they overlap.
    public static func readLabels(_ url: URL) throws -> [String: [ClosedRange<Date>]] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BacktestError("\(url.path): cannot read the labels file: \(error.localizedDescription)")
        }
        return try labels(json: data, file: url.path)
    }

    /// The labels from the text of a `combined_windows.json`; `file` names it in errors.
    public static func labels(json data: Data, file: String) throws -> [String: [ClosedRange<Date>]] {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BacktestError("\(file): expected a JSON object of \"<category>/<file>.csv\": [[start, end], ...]")
        }
        var out: [String: [ClosedRange<Date>]] = [:]
        for (path, value) in json {
            guard let pairs = value as? [[String]] else { throw BacktestError("\(file): '\(path)': expected a list of [start, end] pairs") }
            out[path] = NABSeries.mergingOverlaps(
                try pairs.map { pair in
                    guard pair.count == 2, let a = MetricTimestamp.parse(pair[0]), let b = MetricTimestamp.parse(pair[1]), a <= b else {
                        throw BacktestError("\(file): '\(path)': bad window \(pair)")
                    }
                    return a...b
                })
        }
        return out
    }
}

/// A backtest or scoring input problem, naming the file (and row) at fault.
public struct BacktestError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
