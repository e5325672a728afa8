import Foundation

/// What a chart of one metric shows: its recent values, scores and the points that alerted,
/// changed or breached a bound, read from the metric store.
public struct PlotData: Sendable, Hashable {
    public var batch: String
    public var metric: String
    public var values: [Point]
    /// Combined anomaly scores in [0, 1].
    public var scores: [Point]
    public var alerts: [Date]
    public var changes: [Date]
    public var thresholdAlerts: [Date]
    public var threshold: Double
    /// Labelled windows to shade (backtest reports).
    public var windows: [ClosedRange<Date>]
    /// The expected band at the values that have one (`ExpectedBand`), shaded behind them.
    public var band: [Band] = []

    /// One (time, value) pair.
    public struct Point: Sendable, Hashable {
        public var time: Date
        public var value: Double

        public init(_ time: Date, _ value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// The range a value was expected in at one time.
    public struct Band: Sendable, Hashable {
        public var time: Date
        public var low: Double
        public var high: Double

        public init(_ time: Date, _ range: ClosedRange<Double>) {
            self.time = time
            low = range.lowerBound
            high = range.upperBound
        }
    }

    public init(
        batch: String, metric: String, values: [Point], scores: [Point], alerts: [Date], changes: [Date],
        thresholdAlerts: [Date], threshold: Double, windows: [ClosedRange<Date>] = []
    ) {
        self.batch = batch
        self.metric = metric
        self.values = values
        self.scores = scores
        self.alerts = alerts
        self.changes = changes
        self.thresholdAlerts = thresholdAlerts
        self.threshold = threshold
        self.windows = windows
    }

    /// The last `maxN` values of `metric` no older than `maxDaysAgo` days before `now`, and
    /// everything else the store holds for the metric over the same span.
    public static func load(
        store: any MetricStore, batch: BatchConfig, metric: String, through now: Date,
        maxN: Int, maxDaysAgo: Int
    ) throws -> PlotData {
        let from = now.addingTimeInterval(-Double(maxDaysAgo) * 86_400)
        let values = try store.rows(MetricQuery(batch: batch.name, names: [metric], types: [.metric], from: from, through: now, latest: maxN))
        return try load(values: values, store: store, batch: batch, metric: metric, from: from, through: now)
    }

    /// The values of `metric` in a dashboard window, and everything else stored over the same span.
    public static func load(store: any MetricStore, batch: BatchConfig, metric: String, window: TimeWindow, through now: Date) throws -> PlotData {
        let values = try store.rows(window.query(batch: batch.name, metric: metric, types: [.metric], now: now))
        let from: Date
        if case .span(let seconds) = window { from = now.addingTimeInterval(-seconds) } else { from = values.first?.timestamp ?? now }
        return try load(values: values, store: store, batch: batch, metric: metric, from: from, through: now)
    }

    private static func load(
        values: [MetricRow], store: any MetricStore, batch: BatchConfig, metric: String, from: Date,
        through now: Date
    ) throws -> PlotData {
        let start = values.first?.timestamp ?? from
        let marks = try store.rows(
            MetricQuery(
                batch: batch.name, names: [metric], types: [.score, .alert, .change, .tholdalert],
                from: start, through: now))
        func times(_ type: MetricType) -> [Date] { marks.filter { $0.type == type }.map(\.timestamp) }
        return PlotData(
            batch: batch.name, metric: metric, values: values.map { Point($0.timestamp, $0.value) },
            scores: marks.filter { $0.type == .score }.map { Point($0.timestamp, $0.value) },
            alerts: times(.alert), changes: times(.change), thresholdAlerts: times(.tholdalert),
            threshold: batch.alertThreshold)
    }

    /// The same data with the expected band of its values, from the metric's current model.
    public func withBand(batch config: BatchConfig, store: any MetricStore, context: JobContext) async throws -> PlotData {
        var data = self
        data.band = try await ExpectedBand.load(for: values, batch: config, metric: metric, store: store, context: context)
        return data
    }
}
