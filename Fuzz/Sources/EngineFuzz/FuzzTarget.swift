import Backtest
import Engine
import Fixtures
import Foundation
import Logging
import Replay

/// What one fuzzing run feeds its input to: each reads untrusted text the way the engine does in
/// service. An error is the right answer to bad input; only a crash, a hang or runaway memory
/// (which libFuzzer reports) is a finding.
enum FuzzTarget: String, CaseIterable {
    /// A batch YAML file through the loader and `engine validate` (templates rendered).
    case config
    /// A setting saved through the API (its JSON body) applied to a batch, then the data path run
    /// over a few points with the resulting settings.
    case settings
    /// A replay scenario; after the first NUL byte, the text of the CSV series it names.
    case scenario
    /// A NAB data file, labels file and the NAB replay bench's reader.
    case csv
    /// Template text rendered with a batch's context, including itself and other files.
    case template
    /// An ingest function's JSON output through the ingest job, then the plot job.
    case ingest
    /// A cron expression, and its next and latest ticks.
    case cron
    /// The dashboard's metric search: the first line a pattern, the others metric names.
    case search
    /// Bytes read as doubles, charted with an expected band (scene, SVG, PNG).
    case plot

    static let now = Date(timeIntervalSince1970: 1_768_478_400)
    /// The target of this process, set once before the driver starts.
    nonisolated(unsafe) static var selected = FuzzTarget.config

    func run(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        switch self {
        case .config: Self.config(text)
        case .settings: Self.settings(data)
        case .scenario: Self.scenario(data)
        case .csv: Self.csv(text, data)
        case .template: Self.template(text)
        case .ingest: Self.ingest(data)
        case .cron: Self.cron(text)
        case .search: Self.search(text)
        case .plot: Self.plot(data)
        }
    }

    static func config(_ text: String) {
        let folder = InMemoryMetricsFolder([
            "fuzz/fuzz.yaml": text,
            "fuzz/query.sql": "select '{{ now }}' {% include './fuzz/part.sql' %}",
            "fuzz/part.sql": "from t",
        ])
        let report = BatchValidation(folder: folder, environment: ["ANOMSTACK__FUZZ__ALERT_SMOOTH_N": "2"], overrides: [])
            .validate(now: now)
        for batch in report.batches { touch(batch) }
    }

    static func settings(_ data: Data) {
        guard let body = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] else { return }
        // As `PUT /api/v1/batches/{batch}/settings` reads its body.
        var settings: [String: String] = [:]
        for (key, value) in body {
            switch value {
            case let text as String: settings[key] = text
            case let number as NSNumber: settings[key] = number.stringValue
            default: continue
            }
        }
        let folder = InMemoryMetricsFolder(["fuzz/fuzz.yaml": "metric_batch: fuzz\ningest_sql: select 1\ntrain_min_n: 8\n"])
        let loaded = BatchLoader(folder: folder, settings: ["fuzz": settings]).load()
        guard let batch = loaded.batches.first else { return }
        touch(batch)
        blocking { try await MiniPipeline.run(batch: batch) }
    }

    static func scenario(_ data: Data) {
        let parts = data.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        let yaml = String(decoding: parts[0], as: UTF8.self)
        let csv = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "timestamp,value\n2026-01-01 00:00:00,1\n"
        _ = try? Scenario.parse(name: "fuzz", file: "scenarios/fuzz/scenario.yaml", text: yaml, seedOverride: nil) { path in (path, csv) }
    }

    static func csv(_ text: String, _ data: Data) {
        _ = try? NABCorpus.series(path: "fuzz/data.csv", csv: text, windows: [])
        _ = try? NABCorpus.labels(json: data, file: "labels.json")
        _ = NABReplayBenchmark.span(csv: text)
    }

    static func template(_ text: String) {
        let folder = InMemoryMetricsFolder(["self.sql": text, "other.sql": "{{ metric_batch }} {% include 'self.sql' %}"])
        guard let batch = try? BatchLoader(folder: InMemoryMetricsFolder(["b/b.yaml": "metric_batch: b\ningest_sql: select 1\n"])).loadValid().first
        else { return }
        _ = IncludeGraph(folder: folder).problem(in: text)
        _ = try? TemplateRenderer(folder: folder).render(text, context: TemplateRenderer.context(for: batch, now: now), file: "fuzz", key: "ingest_sql")
    }

    static func ingest(_ data: Data) {
        let yaml = "metric_batch: fuzz\ningest_fn: |\n  def ingest():\n      return []\n"
        guard let batch = try? BatchLoader(folder: InMemoryMetricsFolder(["fuzz/fuzz.yaml": yaml])).loadValid().first else { return }
        blocking {
            let pipeline = try MiniPipeline(ingestOutput: data)
            _ = try await IngestJob().run(batch: batch, context: pipeline.context)
            _ = try await PlotJob().run(batch: batch, context: pipeline.context)
        }
    }

    static func cron(_ text: String) {
        guard let cron = try? CronExpression(text) else { return }
        _ = cron.next(after: now)
        _ = cron.latest(atOrBefore: now)
        _ = cron.matches(now)
    }

    static func search(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let pattern = lines.isEmpty ? "" : lines.removeFirst()
        _ = try? MetricFilter(pattern).filter(lines)
    }

    static func plot(_ data: Data) {
        let values: [Double] = stride(from: 0, to: data.count - 7, by: 8).map { offset in
            Double(bitPattern: data[data.startIndex + offset ..< data.startIndex + offset + 8].reduce(0) { $0 << 8 | UInt64($1) })
        }
        let points = values.enumerated().map { PlotData.Point(now.addingTimeInterval(Double($0.offset) * 3600), $0.element) }
        var plot = PlotData(batch: "fuzz", metric: "m", values: points, scores: points.map { PlotData.Point($0.time, $0.value) },
                            alerts: points.prefix(2).map(\.time), changes: points.suffix(1).map(\.time), thresholdAlerts: [],
                            threshold: values.first ?? 0.8)
        // A band around every other value, as wide as the next value says (any double, NaN included).
        plot.band = stride(from: 0, to: points.count - 1, by: 2).map { i in
            let (low, high) = (points[i].value - points[i + 1].value, points[i].value + points[i + 1].value)
            return low <= high ? PlotData.Band(points[i].time, low...high) : nil
        }.compactMap { $0 }
        let scene = PlotScene(data: plot)
        _ = SVGRenderer.render(scene)
        _ = PNGEncoder.encode(Rasterizer.render(scene))
    }

    /// Reads every setting a job reads, so a value that passes validation but cannot be used traps here.
    static func touch(_ batch: BatchConfig) {
        _ = (batch.trainMaxN, batch.trainMinN, batch.scoreMaxN, batch.alertSmoothN, batch.alertSnoozeN, batch.alertRecentN, batch.alertMaxN)
        _ = (batch.alertThreshold, batch.changeThreshold, batch.models, batch.preprocess, batch.ingestRounding, batch.plotMaxN)
        for job in JobKind.allCases { _ = batch.cronSchedule(job.rawValue).map { try? CronExpression($0) } }
    }

    /// Runs async work to its end from libFuzzer's synchronous callback.
    static func blocking(_ body: @escaping @Sendable () async throws -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            try? await body()
            done.signal()
        }
        done.wait()
    }
}

/// The data path on an in-memory store and test clock: a few hours of points, then every job.
struct MiniPipeline {
    let database: SQLiteDatabase
    let context: JobContext

    init(ingestOutput: Data = Data("[]".utf8), rows: [SourceRow] = []) throws {
        database = try SQLiteDatabase(path: ":memory:")
        let channel = RecordingChannel()
        context = JobContext(clock: TestClock(FuzzTarget.now), seed: 1, stores: database, models: InMemoryModelStore(),
                             sources: StaticDataSource(rows: rows), ingestRunner: CannedIngestRunner(output: ingestOutput),
                             deliveries: database, mutes: database, channels: channel.everyMethod, plots: RecordingPlotSink(),
                             templates: TemplateRenderer(folder: InMemoryMetricsFolder([:])), logger: .init(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func run(batch: BatchConfig) async throws {
        var rows: [SourceRow] = []
        for i in 0..<24 {
            let time = FuzzTarget.now.addingTimeInterval(Double(i - 23) * 3600)
            let value: Double = i == 22 ? 50 : 10 + Double(i % 3)
            rows.append(["metric_timestamp": .text(MetricTimestamp.format(time)), "metric_name": .text("m"), "metric_value": .real(value)])
        }
        let pipeline = try MiniPipeline(rows: rows)
        let runner = JobRunner(context: pipeline.context)
        _ = await runner.runSequence(JobKind.pipeline, batch: batch, stopAfterFailure: false)
    }
}
