import Engine
import Fixtures
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `engine bench`: trains the default detectors (or those `settings` and `overrides` give) on N
/// synthetic metrics of P points and scores the last 25 points of each, then draws every metric's chart (SVG and PNG, as the plot job and
/// every email or Slack alert do), through the real jobs on a SQLite store (in memory, or a file
/// with `onDisk`) and an in-memory model store, and reports the time each phase took.
public struct EngineBenchmark: Sendable {
    public var metrics: Int
    public var points: Int
    public var seed: UInt64
    /// Batch keys as YAML (a settings file such as `metrics/profiles/anomstack.yaml`), laid over
    /// the defaults; the benchmark's own window keys are laid over them.
    public var settings: String
    /// The name errors in `settings` are reported under (its file's name).
    public var settingsName: String
    /// `key=value` overrides, as `--set` gives them, laid over everything else.
    public var overrides: [String]
    /// Keep the store in a SQLite file in a temporary folder (removed afterwards), as `engine
    /// serve` keeps one, rather than in memory: the peak memory is then the engine's and SQLite's
    /// page cache, not a copy of every row, and reads go through the file.
    public var onDisk: Bool

    public init(
        metrics: Int, points: Int, seed: UInt64, settings: String = "", settingsName: String = "bench.yaml", overrides: [String] = [],
        onDisk: Bool = false
    ) {
        self.metrics = metrics
        self.points = points
        self.seed = seed
        self.settings = settings
        self.settingsName = settingsName
        self.overrides = overrides
        self.onDisk = onDisk
    }

    /// What one benchmark run measured.
    public struct Figures: Sendable {
        public var metrics: Int
        public var points: Int
        public var trainSeconds: Double
        public var scoreSeconds: Double
        public var modelsTrained: Int
        public var scoresWritten: Int
        public var plotSeconds: Double = 0
        public var chartsDrawn: Int = 0
        public var pngBytes: Int = 0
        /// The process's peak resident memory when the figures were taken, in megabytes.
        public var peakResidentMegabytes: Double = 0

        public init(metrics: Int, points: Int, trainSeconds: Double, scoreSeconds: Double, modelsTrained: Int, scoresWritten: Int) {
            self.metrics = metrics
            self.points = points
            self.trainSeconds = trainSeconds
            self.scoreSeconds = scoreSeconds
            self.modelsTrained = modelsTrained
            self.scoresWritten = scoresWritten
        }

        /// The figures as one JSON object, keys sorted, seconds to the millisecond.
        public var json: String {
            "{\"charts_drawn\":\(chartsDrawn),\"metrics\":\(metrics),\"models_trained\":\(modelsTrained),"
                + "\"peak_rss_mb\":\(Fixed.format(peakResidentMegabytes, 1)),\"plot_seconds\":\(Fixed.format(plotSeconds, 3)),\"png_bytes_per_chart\":\(chartsDrawn > 0 ? pngBytes / chartsDrawn : 0),\"points\":\(points),"
                + "\"score_points_per_second\":\(Fixed.format(scorePointsPerSecond, 0)),\"score_seconds\":\(Fixed.format(scoreSeconds, 3)),"
                + "\"scores_written\":\(scoresWritten),\"train_points_per_second\":\(Fixed.format(trainPointsPerSecond, 0)),"
                + "\"train_seconds\":\(Fixed.format(trainSeconds, 3))}"
        }

        /// Training points processed per second (metrics × points / train seconds).
        public var trainPointsPerSecond: Double { Double(metrics * points) / max(trainSeconds, 1e-9) }
        /// Points scored per second.
        public var scorePointsPerSecond: Double { Double(scoresWritten) / max(scoreSeconds, 1e-9) }
    }

    public func run() async throws -> Figures {
        let scored = 25
        let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00:00 UTC
        let window = [
            "train_max_n=\(max(points - scored, 1))", "train_min_n=1", "score_max_n=\(scored)",
            "train_metric_timestamp_max_days_ago=100000", "score_metric_timestamp_max_days_ago=100000",
        ]
        let batch = try StandaloneSettings.load(text: settings, name: settingsName, batch: "bench", overrides: window + overrides)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-bench-\(UUID().uuidString)")
        if onDisk { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        defer { if onDisk { try? FileManager.default.removeItem(at: folder) } }
        let database = try SQLiteDatabase(path: onDisk ? folder.appendingPathComponent("bench.sqlite").path : ":memory:")
        let store = try database.store(table: batch.tableKey)
        let series = SyntheticSeries(start: start)
        for m in 0..<metrics {
            try store.insert(series.rows(batch: batch.name, name: String(format: "metric_%05d", m), count: points, seed: seed))
        }
        let lastTraining = start.addingTimeInterval(Double(points - scored - 1) * series.interval)
        let lastPoint = start.addingTimeInterval(Double(points - 1) * series.interval)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let models = InMemoryModelStore()
        func context(at time: Date) -> JobContext {
            JobContext(
                clock: FixedClock(time), seed: seed, stores: database, models: models,
                sources: StaticDataSource(rows: []), ingestRunner: CannedIngestRunner(),
                deliveries: database, mutes: database, channels: NotificationChannels(), plots: RecordingPlotSink(),
                templates: TemplateRenderer(folder: InMemoryMetricsFolder([:])), logger: logger)
        }
        let clock = ContinuousClock()
        var trained = JobOutcome()
        let trainTime = try await clock.measure {
            trained = try await TrainJob().run(batch: batch, context: context(at: lastTraining))
        }
        var scoredOutcome = JobOutcome()
        let scoreTime = try await clock.measure {
            scoredOutcome = try await ScoreJob().run(batch: batch, context: context(at: lastPoint))
        }
        let sink = RecordingPlotSink()
        var plotted = JobOutcome()
        let plotTime = try await clock.measure {
            var plotContext = context(at: lastPoint)
            plotContext.plots = sink
            plotted = try await PlotJob().run(batch: batch, context: plotContext)
        }
        var figures = Figures(
            metrics: metrics, points: points, trainSeconds: trainTime.seconds, scoreSeconds: scoreTime.seconds,
            modelsTrained: trained.rowsWritten, scoresWritten: scoredOutcome.rowsWritten)
        figures.plotSeconds = plotTime.seconds
        figures.chartsDrawn = plotted.rowsWritten
        figures.pngBytes = sink.files.filter { $0.key.hasSuffix(".png") }.reduce(0) { $0 + $1.value.count }
        figures.peakResidentMegabytes = Self.peakResidentMegabytes()
        return figures
    }

    /// The process's peak resident set so far (getrusage's ru_maxrss, kilobytes on Linux), so a
    /// benchmark reports memory without `/usr/bin/time -v` around it.
    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1024
    }
}

extension Duration {
    /// The duration in seconds, for reports.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
