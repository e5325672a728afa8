import Foundation

/// `no_data_after`: a metric that sends no point for that long (a span, or a number of the
/// intervals its recent points came at) is announced once per silence, and once more when
/// points come back. The alert job asks at each run. Both notifications have stable ids (the
/// silence is stamped with the last point before it, the return with the first point after it),
/// so a rerun queues nothing new; the return is announced only for a silence that was.
public struct NoDataWatch: Sendable {
    /// How long a silence must last.
    public enum Limit: Sendable, Hashable, CustomStringConvertible {
        case span(TimeInterval)
        case intervals(Int)

        /// `30m`, `6h`, `2d`, `3n` or an integer n (intervals); nil for null, or a value that is none of these.
        public init?(_ value: ConfigValue?) {
            switch value {
            case .int(let n)? where n >= 1: self = .intervals(n)
            case .string(let text)?:
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.hasSuffix("n"), let n = Int(trimmed.dropLast()), n >= 1 {
                    self = .intervals(n)
                } else if case .span(let seconds)? = try? TimeWindow(parsing: trimmed) {
                    self = .span(seconds)
                } else {
                    return nil
                }
            default: return nil
            }
        }

        public var description: String {
            switch self {
            case .span(let seconds): return Self.text(seconds)
            case .intervals(let n): return "\(n) intervals"
            }
        }

        /// A span as people say it: 90m, 6h, 2d.
        static func text(_ seconds: TimeInterval) -> String {
            if seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
            if seconds.truncatingRemainder(dividingBy: 3_600) == 0 { return "\(Int(seconds / 3_600))h" }
            return "\(Int((seconds / 60).rounded()))m"
        }
    }

    public let limit: Limit
    /// Points read to learn a metric's interval (the median gap between them).
    public static let spacingPoints = 21

    public init(limit: Limit) {
        self.limit = limit
    }

    /// `no_data_after: stale`, the default: a metric is silent once it is stale in Anomstack's
    /// sense, `dashboard_stale_metric_max_days_ago` days without a point.
    public static let staleSetting = "stale"

    /// The watch `batch` asks for, or nil when `no_data_after` is off (null, or `stale` with
    /// `dashboard_stale_metric_max_days_ago` 0).
    public init?(batch: BatchConfig) {
        if Self.followsStaleDays(batch.values["no_data_after"]) {
            guard batch.dashboardStaleDays > 0 else { return nil }
            self.limit = .span(Double(batch.dashboardStaleDays) * 86_400)
            return
        }
        guard let limit = Limit(batch.values["no_data_after"]) else { return nil }
        self.limit = limit
    }

    /// Whether a `no_data_after` value is `stale`.
    public static func followsStaleDays(_ value: ConfigValue?) -> Bool {
        value?.stringValue?.trimmingCharacters(in: .whitespaces).lowercased() == staleSetting
    }

    /// How many of a metric's latest points the watch reads: enough to learn its interval, or,
    /// for a span, the last two (the silence before the latest).
    public var pointsRead: Int {
        if case .span = limit { return 2 }
        return Self.spacingPoints
    }

    /// The latest points' times of `metric` at `now`, as many as the watch reads (or `count`).
    public func recentTimes(of metric: String, batch: BatchConfig, store: any MetricStore, through now: Date, count: Int? = nil) throws
        -> [Date]
    {
        try store.rows(
            MetricQuery(batch: batch.name, names: [metric], types: [.metric], through: now, latest: count ?? pointsRead)
        ).map(\.timestamp)
    }

    /// When `metric` fell silent, if it is silent at `now` (its latest point is more than the
    /// limit before `now`): what the dashboard marks, the same test the alert job announces by.
    public func silentSince(of metric: String, batch: BatchConfig, store: any MetricStore, now: Date) throws -> Date? {
        let times = try recentTimes(of: metric, batch: batch, store: store, through: now)
        guard let last = times.last, let limitSeconds = limitSeconds(times), now.timeIntervalSince(last) > limitSeconds else { return nil }
        return last
    }

    /// The silence limit for a metric whose latest points are `times` (ascending), or nil when
    /// an interval cannot be read from them yet.
    public func limitSeconds(_ times: [Date]) -> TimeInterval? {
        switch limit {
        case .span(let seconds): return seconds
        case .intervals(let n):
            return MetricInterval.median(of: times).map { Double(n) * $0 }
        }
    }

    /// What to announce for every metric of `batch` (less `excluded`) at the context's time, and
    /// the first time the answer could change with no new point: when the next metric that
    /// reports now would have been silent too long. `latest` holds, for metrics the caller has read already, their last two points' times.
    func notifications(
        for batch: BatchConfig, store: any MetricStore, excluded: Set<String>, context: JobContext, latest: [String: [Date]] = [:]
    ) throws -> (notifications: [AlertNotification], holdsUntil: Date) {
        let now = context.clock.now
        var out: [AlertNotification] = []
        var holdsUntil = Date.distantFuture
        for metric in try store.metricNames(batch: batch.name, type: .metric) where !excluded.contains(metric) {
            var times = try (pointsRead == 2 ? latest[metric] : nil) ?? recentTimes(of: metric, batch: batch, store: store, through: now)
            guard let last = times.last, let limitSeconds = limitSeconds(times) else { continue }
            if now.timeIntervalSince(last) <= limitSeconds {
                holdsUntil = min(holdsUntil, last.addingTimeInterval(limitSeconds))
                // Reporting, and not just back from a silence: nothing to say.
                guard times.count >= 2, last.timeIntervalSince(times[times.count - 2]) > limitSeconds else { continue }
            }
            // What is announced says the metric's usual interval, read from as many points as ever.
            if times.count < Self.spacingPoints {
                times = try recentTimes(of: metric, batch: batch, store: store, through: now, count: Self.spacingPoints)
            }
            out += try notifications(metric: metric, batch: batch, times: times, now: now) { try context.deliveries.notificationQueued($0) }
        }
        return (out, holdsUntil)
    }

    /// What to announce for `metric` of `batch` at `now`, given its latest points' times.
    public func notifications(
        metric: String, batch: BatchConfig, times: [Date], now: Date, alreadyAnnounced: (String) throws -> Bool
    ) throws -> [AlertNotification] {
        guard let last = times.last, let limitSeconds = limitSeconds(times) else { return [] }
        let interval = MetricInterval.median(of: times).map(Limit.text) ?? "-"
        func notification(_ kind: NotificationKind, at time: Date, silentSince: Date) -> AlertNotification {
            AlertNotification(
                kind: kind, batch: batch.name, metric: metric, timestamp: time, value: nil, score: 0, smoothedScore: 0,
                threshold: limitSeconds, severity: kind == .nodata ? .warning : .info,
                details: [
                    "silent_since": MetricTimestamp.format(silentSince), "expected_every": interval, "no_data_after": limit.description,
                ], methods: batch.alertMethods, tags: batch.tags(for: metric))
        }
        if now.timeIntervalSince(last) > limitSeconds {
            return [notification(.nodata, at: last, silentSince: last)]
        }
        // Back after a silence: the gap before the latest point, if that silence was announced.
        guard times.count >= 2 else { return [] }
        let before = times[times.count - 2]
        guard last.timeIntervalSince(before) > limitSeconds else { return [] }
        let silence = AlertNotification.id(kind: .nodata, batch: batch.name, metric: metric, timestamp: before)
        guard try alreadyAnnounced(silence) else { return [] }
        return [notification(.dataReturned, at: last, silentSince: before)]
    }
}
