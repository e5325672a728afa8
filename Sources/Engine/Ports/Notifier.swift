import Foundation

/// What the engine asks a notifier to deliver about one alert.
public struct AlertNotification: Sendable, Hashable, Codable {
    public var alertType: String
    public var batch: String
    public var metric: String
    public var timestamp: Date
    public var value: Double?
    public var score: Double
    public var smoothedScore: Double
    public var threshold: Double
    /// The channels the batch asked for (`alert_methods`), sorted.
    public var methods: [String]
    public var tags: [String: String]

    public init(alertType: String, batch: String, metric: String, timestamp: Date, value: Double?, score: Double,
                smoothedScore: Double, threshold: Double, methods: [String], tags: [String: String]) {
        self.alertType = alertType
        self.batch = batch
        self.metric = metric
        self.timestamp = timestamp
        self.value = value
        self.score = score
        self.smoothedScore = smoothedScore
        self.threshold = threshold
        self.methods = methods
        self.tags = tags
    }
}

/// Delivers alert notifications (email, Slack, webhook adapters; a recorder in tests and replay).
public protocol Notifier: Sendable {
    func deliver(_ notification: AlertNotification) async throws
}
