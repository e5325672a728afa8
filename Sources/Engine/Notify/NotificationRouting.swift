import Foundation

/// Picks the channels and recipients of a notification from `alert_routes`: an ordered list of
/// `{match: {tag: value, ...}, methods, email_to, slack_channel, webhook_url}`. The first route
/// whose `match` tags all equal the metric's (`metric_tags`) wins; an empty `match` matches
/// every metric. Without a matching route, the kind's own methods and the channels' defaults apply.
public struct NotificationRouting: Sendable {
    /// One entry of `alert_routes`.
    public struct Route: Sendable, Hashable {
        public var match: [String: String]
        public var methods: [String]?
        public var target: DeliveryTarget
    }

    public let routes: [Route]

    public init(batch: BatchConfig) {
        routes = batch[.alertRoutes].compactMap { entry in
            guard let map = entry.mapValue else { return nil }
            var match: [String: String] = [:]
            for (key, value) in map["match"]?.mapValue ?? [:] { match[key] = value.scalarText }
            let methods = map["methods"]?.stringValue.map(Self.methodList)
            let emailTo: [String]? = map["email_to"].flatMap { value in
                value.listValue?.compactMap(\.stringValue) ?? value.stringValue.map(Self.methodList)
            }
            return Route(
                match: match, methods: methods,
                target: DeliveryTarget(
                    emailTo: emailTo, slackChannel: map["slack_channel"]?.stringValue,
                    webhookURL: map["webhook_url"]?.stringValue))
        }
    }

    /// The methods and target for a notification whose kind asked for `methods`.
    public func route(tags: [String: String], methods: [String]) -> (methods: [String], target: DeliveryTarget) {
        for route in routes where route.match.allSatisfy({ tags[$0.key] == $0.value }) {
            return (route.methods ?? methods, route.target)
        }
        return (methods, DeliveryTarget())
    }

    /// A comma list as sorted, trimmed, non-empty names.
    static func methodList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.sorted()
    }
}

/// Whether a notification is muted: by the batch's config (`alert_mute_until`,
/// `alert_mute_metrics`, `maintenance_windows`) or by a mute or maintenance window set at run
/// time in the store.
public struct MuteRules: Sendable {
    public let mutes: [Mute]
    /// The batch's `maintenance_windows` and those stored for it, each with what to call it.
    public let windows: [(window: MaintenanceWindow, name: String)]

    public init(batch: BatchConfig, stored: [Mute], storedWindows: [StoredMaintenanceWindow] = []) {
        var mutes = stored.filter { $0.batch == batch.name }
        if let text = batch[.alertMuteUntil], let until = MetricTimestamp.parse(text) {
            mutes.append(Mute(batch: batch.name, metric: nil, until: until, reason: "alert_mute_until"))
        }
        for (metric, value) in batch[.alertMuteMetrics] {
            if let until = value.stringValue.flatMap(MetricTimestamp.parse) {
                mutes.append(Mute(batch: batch.name, metric: metric, until: until, reason: "alert_mute_metrics"))
            }
        }
        self.mutes = mutes
        let configured = batch.configuredMaintenanceWindows.enumerated().map { index, window in
            (window, "maintenance window \(index + 1) of the batch (\(window.summary))")
        }
        let kept = storedWindows.filter { $0.batch == batch.name }.map { stored in
            (stored.window, "maintenance window \(stored.id) (\(stored.window.summary)" + (stored.reason.map { "; \($0)" } ?? "") + ")")
        }
        windows = configured + kept
    }

    /// The mute that silences `metric` (with `tags`) at `now`, if any: a mute, or a maintenance window.
    public func mute(for metric: String, tags: [String: String] = [:], batch: String, at now: Date) -> Mute? {
        if let mute = mutes.first(where: { $0.covers(batch: batch, metric: metric, at: now) }) { return mute }
        for (window, name) in windows {
            if let until = window.covers(metric: metric, tags: tags, at: now) {
                return Mute(batch: batch, metric: metric, until: until, window: name)
            }
        }
        return nil
    }}
