import Foundation
import Logging

/// Where jobs hand their notifications: each is checked against the mutes, routed by its
/// metric's tags, composed, given a chart when a configured email or Slack channel will carry it, and queued in the
/// delivery log, one delivery per channel. Queuing is idempotent (ids are stable), so a job
/// queues before it writes its rows: a crash between the two loses nothing on the rerun.
public struct NotificationOutbox: Sendable {
    public let context: JobContext

    public init(context: JobContext) {
        self.context = context
    }

    /// Queues `notifications` of `batch`; returns how many deliveries were new.
    @discardableResult
    public func post(_ notifications: [AlertNotification], batch: BatchConfig) async throws -> Int {
        guard !notifications.isEmpty else { return 0 }
        let now = context.clock.now
        let mutes = MuteRules(
            batch: batch, stored: try context.mutes.mutes(batch: batch.name),
            storedWindows: try context.mutes.maintenanceWindows(batch: batch.name))
        let routing = NotificationRouting(batch: batch)
        let composer = NotificationComposer(templates: context.templates)
        let store = try context.store(for: batch)
        var deliveries: [Delivery] = []
        for notification in notifications {
            let (methods, target) = routing.route(tags: notification.tags, methods: notification.methods)
            let mute = mutes.mute(for: notification.metric, tags: notification.tags, batch: batch.name, at: now)
            // Drawn only for a channel that will send it: a delivery on a channel without
            // settings is recorded `unconfigured` and never sent, and at ten thousand metrics
            // drawing those charts was most of an alert run.
            let wantsChart =
                mute == nil && ![.summary, .failure, .digest].contains(notification.kind)
                && methods.contains { ($0 == "email" || $0 == "slack") && context.channels.byMethod[$0] != nil }
            let chart = wantsChart ? await chartPNG(for: notification, batch: batch, store: store) : nil
            let (message, errors) = composer.compose(notification, batch: batch, hasChart: chart != nil)
            for error in errors { context.logger.error("\(batch.name): alert template: \(error); the default was used") }
            let muted = mute.map { " (muted \($0.heldText))" } ?? ""
            context.logger.notice("\(message.title)\(muted) → \(methods.isEmpty ? "no channel" : methods.joined(separator: ","))")
            for method in methods {
                var delivery = Delivery(
                    notification: notification, method: method, target: target, message: message,
                    attachment: chart, status: mute == nil ? .pending : .muted, createdAt: now)
                delivery.mutedBy = mute?.heldText
                deliveries.append(delivery)
            }
        }
        return try context.deliveries.enqueue(deliveries)
    }

    /// The metric's chart as PNG, or nil (logged) when it cannot be drawn: a chart is never worth an alert.
    func chartPNG(for notification: AlertNotification, batch: BatchConfig, store: any MetricStore) async -> Data? {
        await MetricChart.png(of: notification.metric, batch: batch, store: store, context: context)
    }
}
