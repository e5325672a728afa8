import Foundation

/// Where one channel sends a notification, when a route says something other than the
/// channel's own default (the environment's recipient, Slack channel or URL).
public struct DeliveryTarget: Sendable, Hashable, Codable {
    public var emailTo: [String]?
    public var slackChannel: String?
    public var webhookURL: String?

    public init(emailTo: [String]? = nil, slackChannel: String? = nil, webhookURL: String? = nil) {
        self.emailTo = emailTo
        self.slackChannel = slackChannel
        self.webhookURL = webhookURL
    }
}

/// The words of a notification, rendered once when it is queued so every retry sends the same.
public struct ComposedMessage: Sendable, Hashable, Codable {
    public var title: String
    public var text: String
    public var html: String

    public init(title: String, text: String, html: String) {
        self.title = title
        self.text = text
        self.html = html
    }
}

/// Where a delivery stands.
public enum DeliveryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its first or next attempt.
    case pending
    case delivered
    /// Given up after `alert_delivery_max_attempts`, or refused for good by the receiver.
    case failed
    /// Recorded while the metric or batch was muted; never sent.
    case muted
    /// The batch asked for a channel this installation has no settings for.
    case unconfigured
}

/// One notification on one channel: a row of the `deliveries` table.
public struct Delivery: Sendable, Hashable, Codable {
    /// `<notification id>/<method>`.
    public var id: String
    public var notification: AlertNotification
    public var method: String
    public var target: DeliveryTarget
    public var message: ComposedMessage
    /// The PNG chart attached to email and Slack messages.
    public var attachment: Data?
    public var status: DeliveryStatus
    public var attempts: Int
    public var lastError: String?
    /// For a muted delivery, what held it: the mute or maintenance window, and until when.
    public var mutedBy: String?
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var deliveredAt: Date?

    public init(
        notification: AlertNotification, method: String, target: DeliveryTarget, message: ComposedMessage,
        attachment: Data?, status: DeliveryStatus, createdAt: Date
    ) {
        self.id = "\(notification.id)/\(method)"
        self.notification = notification
        self.method = method
        self.target = target
        self.message = message
        self.attachment = attachment
        self.status = status
        self.attempts = 0
        self.lastError = nil
        self.mutedBy = nil
        self.createdAt = createdAt
        self.nextAttemptAt = createdAt
        self.deliveredAt = nil
    }
}
