import Foundation

/// A delivery attempt failed. `permanent` failures (a refused token, a malformed address) are not
/// retried; `retryAfter` is the receiver's own request to wait (Slack's and HTTP's Retry-After).
public struct DeliveryFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var permanent: Bool
    public var retryAfter: TimeInterval?

    public init(_ message: String, permanent: Bool = false, retryAfter: TimeInterval? = nil) {
        self.message = message
        self.permanent = permanent
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}

/// Sends one delivery over one medium (email, Slack, a webhook); a recorder in tests and replay.
public protocol NotificationChannel: Sendable {
    func send(_ delivery: Delivery) async throws
}

/// The channels an installation has settings for, by `alert_methods` name.
public struct NotificationChannels: Sendable {
    public var byMethod: [String: any NotificationChannel]

    public init(_ byMethod: [String: any NotificationChannel] = [:]) {
        self.byMethod = byMethod
    }

    /// The method names the engine knows.
    public static let knownMethods = ["email", "pagerduty", "slack", "teams", "webhook"]
}
