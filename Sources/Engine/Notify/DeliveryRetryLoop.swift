import Foundation

/// Sends every batch's due deliveries every `interval` seconds, for `engine serve`: without it a
/// retry would wait for the batch's next alert, change or threshold-alert run (which may be
/// stopped). It shares the delivery log's claims with the jobs' own dispatch, so a delivery is
/// never sent by both.
public struct DeliveryRetryLoop: Sendable {
    public let context: JobContext
    /// The batches whose deliveries are retried, read before each round (they may be reloaded).
    public let batches: @Sendable () async -> [BatchConfig]
    public let interval: TimeInterval

    public init(context: JobContext, interval: TimeInterval = 60, batches: @escaping @Sendable () async -> [BatchConfig]) {
        self.context = context
        self.batches = batches
        self.interval = interval
    }

    public init(context: JobContext, batches: [BatchConfig], interval: TimeInterval = 60) {
        self.init(context: context, interval: interval) { batches }
    }

    /// Runs until the task is cancelled.
    public func run() async throws {
        let dispatcher = DeliveryDispatcher(context: context)
        while !Task.isCancelled {
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(interval))
            for batch in await batches().sorted(by: { $0.name < $1.name }) { await dispatcher.dispatch(batch: batch) }
        }
    }
}
