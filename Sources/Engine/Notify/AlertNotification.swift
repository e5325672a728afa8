import Foundation

/// What a notification is about.
public enum NotificationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The anomaly score crossed `alert_threshold`.
    case alert
    /// The change job flagged a change in level.
    case change
    /// A value crossed a bound of `tholdalert_thresholds`.
    case tholdalert
    /// A metric that alerted has stayed under the threshold for `alert_recovery_n` points.
    case recovery
    /// The daily digest of a batch (`metric` is "summary"; one `metric:<name>` detail per metric).
    case summary
    /// A job run failed (`metric` is the job; the error is in `details["error"]`).
    case failure
    /// The language model found and confirmed an anomaly (`details["explanation"]`).
    case llmalert
    /// Several alerts of one run in one message, most urgent first (`item:001`... details).
    case digest
    /// A metric has sent no point for longer than `no_data_after` (stamped with its last point).
    case nodata
    /// A metric that went silent (and was announced so) sends points again (stamped with the first new one).
    case dataReturned = "data_returned"
    /// A metric repeats one value far longer than ever before (`stuck_factor`; stamped with the run's first point).
    case stuck
}

/// How urgent a notification is; shown in titles and payloads.
public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    case info, warning, critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        let order: [Severity] = [.info, .warning, .critical]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// One thing the engine tells people about one metric at one time. Its `id` is stable, derived
/// from what it is about, so a rerun of the job that raised it produces the same id and the
/// delivery log can refuse to send it twice.
public struct AlertNotification: Sendable, Hashable, Codable {
    public var id: String
    public var kind: NotificationKind
    public var batch: String
    public var metric: String
    public var timestamp: Date
    public var value: Double?
    /// The raw score (alert, recovery), the signed change score (change) or the value (tholdalert).
    public var score: Double
    /// The smoothed score (alert, recovery); the same as `score` for the other kinds.
    public var smoothedScore: Double
    /// The threshold or bound that was crossed.
    public var threshold: Double
    public var severity: Severity
    /// Kind-specific facts, e.g. `bound: upper` or `method: shift`.
    public var details: [String: String]
    /// The channels the batch asked for (`alert_methods` and friends), sorted.
    public var methods: [String]
    public var tags: [String: String]

    public init(
        kind: NotificationKind, batch: String, metric: String, timestamp: Date, value: Double?, score: Double,
        smoothedScore: Double, threshold: Double, severity: Severity, details: [String: String] = [:],
        methods: [String], tags: [String: String]
    ) {
        self.id = Self.id(kind: kind, batch: batch, metric: metric, timestamp: timestamp)
        self.kind = kind
        self.batch = batch
        self.metric = metric
        self.timestamp = timestamp
        self.value = value
        self.score = score
        self.smoothedScore = smoothedScore
        self.threshold = threshold
        self.severity = severity
        self.details = details
        self.methods = methods
        self.tags = tags
    }

    /// `<kind>/<batch>/<metric>/<UTC time>`: what the notification is about, nothing else.
    public static func id(kind: NotificationKind, batch: String, metric: String, timestamp: Date) -> String {
        "\(kind.rawValue)/\(batch)/\(metric)/\(MetricTimestamp.formatISO(timestamp))"
    }
}
