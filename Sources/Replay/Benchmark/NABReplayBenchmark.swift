import Engine
import Fixtures
import Foundation
import Logging

/// `engine bench --nab DIR`: replays every NAB data file (`<category>/<file>.csv`) through the
/// real ingest, train, score and alert jobs, on the default cron cadence (ingest every 3
/// minutes, score every 4, train and alert every 5) of a simulated clock running over the
/// file's own time span, and reports how long it took.
public struct NABReplayBenchmark: Sendable {
    public let dataDirectory: URL
    public let files: [String]?

    public init(dataDirectory: URL, files: [String]? = nil) {
        self.dataDirectory = dataDirectory
        self.files = files
    }

    /// The timing of one file.
    public struct FileFigures: Sendable {
        public var file: String
        public var points: Int
        public var seconds: Double
        public var jobRuns: Int
        public var alerts: Int
    }

    /// The `schedule:` of each file's scenario: the built-in defaults' crons (Anomstack's) for
    /// the four jobs the benchmark runs, since a scenario runs only the jobs it schedules.
    static func defaultSchedule() throws -> String {
        let folder = InMemoryMetricsFolder(["bench/bench.yaml": "metric_batch: bench\ningest_sql: select 1\n"])
        guard let defaults = BatchLoader(folder: folder).load().batches.first else {
            throw ScenarioError(file: "(built-in defaults)", key: "(top)", "the defaults do not load")
        }
        return try ["ingest", "score", "train", "alert"].map { job in
            guard let cron = defaults.cronSchedule(job) else {
                throw ScenarioError(file: "(built-in defaults)", key: "\(job)_cron_schedule", "missing")
            }
            return "  \(job): \"\(cron)\""
        }.joined(separator: "\n")
    }

    /// The relative paths of the CSV files, sorted.
    public func dataFiles() throws -> [String] {
        if let files { return files }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ScenarioError(file: dataDirectory.path, key: "--nab", "no such folder (expected NAB's data folder: <category>/<file>.csv)")
        }
        var found: [String] = []
        for category in try FileManager.default.contentsOfDirectory(atPath: dataDirectory.path).sorted() {
            let folder = dataDirectory.appendingPathComponent(category)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            found += names.filter { $0.hasSuffix(".csv") }.sorted().map { "\(category)/\($0)" }
        }
        return found
    }

    /// The first and last timestamps of a NAB data file (header line skipped), or nil when
    /// either is missing or not a time.
    public static func span(csv text: String) -> (Date, Date)? {
        guard let table = try? CSVTable.parse(text, file: "data.csv"), let times = try? table.times("timestamp"),
            let first = times.first, let last = times.last
        else { return nil }
        return (first, last)
    }

    public func run(each: (FileFigures) -> Void = { _ in }) async throws -> [FileFigures] {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var figures: [FileFigures] = []
        let schedule = try Self.defaultSchedule()
        for file in try dataFiles() {
            let text = try String(contentsOf: dataDirectory.appendingPathComponent(file), encoding: .utf8)
            guard let (first, last) = Self.span(csv: text) else { continue }
            let yaml = """
                start: \(MetricTimestamp.formatISO(first))
                end: \(MetricTimestamp.formatISO(last.addingTimeInterval(600)))
                schedule:
                \(schedule)
                series:
                  value:
                    csv: data.csv
                expect: none
                """
            let scenario = try Scenario.parse(name: "nab", file: file, text: yaml, seedOverride: 0) { _ in (file, text) }
            let started = ContinuousClock.now
            let outputs = try await ReplayDriver(options: .init(logger: logger)).run(scenario)
            let elapsed = ContinuousClock.now - started
            let result = FileFigures(
                file: file, points: scenario.series[0].points.count,
                seconds: elapsed.seconds,
                jobRuns: outputs.runs.count, alerts: outputs.alerts.count)
            each(result)
            figures.append(result)
        }
        return figures
    }
}
