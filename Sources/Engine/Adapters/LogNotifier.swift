import Foundation
import Logging

/// Writes each alert to the log. Email, Slack and webhook delivery are separate adapters.
public struct LogNotifier: Notifier {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func deliver(_ notification: AlertNotification) async throws {
        logger.warning("ALERT \(notification.batch)/\(notification.metric) at \(MetricTimestamp.format(notification.timestamp)): score \(Fixed.format(notification.smoothedScore, 3)) >= \(Fixed.format(notification.threshold, 3)) via \(notification.methods.joined(separator: ","))")
    }
}
