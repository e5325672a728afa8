import Foundation
import Logging

/// Sends the due deliveries of a batch through their channels and records every attempt. A
/// delivery is claimed before it is sent, so two engines never send it at once; once recorded as
/// delivered it is never picked again. The claims of a process found gone (killed between claim
/// and record) are released first, so a rerun sends what it left, whatever the clock says. A failure is retried with exponential backoff (30 s,
/// 1 min, 2 min, … at most 1 h, or later when the receiver asks) until `alert_delivery_max_attempts`.
/// Nothing here throws into the job: a channel that is down costs a retry, not the alert row.
public struct DeliveryDispatcher: Sendable {
    public let context: JobContext
    /// How long a claimed delivery stays off other dispatchers' lists.
    public var claimFor: TimeInterval = 300
    /// Deliveries sent per call, at most.
    public var limit = 500

    public init(context: JobContext) {
        self.context = context
    }

    /// What one dispatch did.
    public struct Summary: Sendable, Hashable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0
        public var unconfigured = 0
    }

    /// The wait before attempt `attempts + 1`.
    public static func backoff(afterAttempts attempts: Int, retryAfter: TimeInterval?) -> TimeInterval {
        let exponential = min(30 * pow(2, Double(max(attempts - 1, 0))), 3_600)
        return max(exponential, retryAfter ?? 0)
    }

    @discardableResult
    public func dispatch(batch: BatchConfig) async -> Summary {
        var summary = Summary()
        let due: [Delivery]
        do {
            for holder in try context.deliveries.claimHolders(batch: batch.name).sorted()
            where holder != context.process.name && context.process.isGone(holder) {
                let released = try context.deliveries.releaseClaims(holder: holder, now: context.clock.now)
                context.logger.notice("\(batch.name): \(released) deliveries claimed by \(holder), which is gone, are due again")
            }
            due = try context.deliveries.due(batch: batch.name, now: context.clock.now, limit: limit)
        } catch {
            context.logger.error("\(batch.name): could not read the delivery log: \(error)")
            return summary
        }
        let maxAttempts = max(batch[.alertDeliveryMaxAttempts], 1)
        for delivery in due {
            let now = context.clock.now
            do {
                guard try context.deliveries.claim(id: delivery.id, holder: context.process.name, now: now, until: now.addingTimeInterval(claimFor))
                else { continue }
                guard let channel = context.channels.byMethod[delivery.method] else {
                    summary.unconfigured += 1
                    try context.deliveries.recordAttempt(
                        id: delivery.id, at: now, error: "no settings for the \(delivery.method) channel",
                        status: .unconfigured, nextAttemptAt: now)
                    continue
                }
                do {
                    try await channel.send(delivery)
                    summary.delivered += 1
                    try context.deliveries.recordAttempt(
                        id: delivery.id, at: context.clock.now, error: nil, status: .delivered,
                        nextAttemptAt: context.clock.now)
                } catch {
                    let failure = error as? DeliveryFailure
                    let attempts = delivery.attempts + 1
                    let giveUp = failure?.permanent == true || attempts >= maxAttempts
                    let at = context.clock.now
                    let next = at.addingTimeInterval(Self.backoff(afterAttempts: attempts, retryAfter: failure?.retryAfter))
                    if giveUp { summary.failed += 1 } else { summary.retrying += 1 }
                    context.logger.warning(
                        "\(delivery.method) delivery of \(delivery.notification.id) failed (attempt \(attempts)): \(error)\(giveUp ? "; giving up" : "")"
                    )
                    try context.deliveries.recordAttempt(
                        id: delivery.id, at: at, error: "\(error)", status: giveUp ? .failed : .pending,
                        nextAttemptAt: next)
                }
            } catch {
                context.logger.error("\(batch.name): could not record delivery \(delivery.id): \(error)")
            }
        }
        return summary
    }
}
