import Engine
import FoundationEssentials
import Logging
import ServiceLifecycle

/// The scheduler as a service of the server's group: on graceful shutdown it stops starting
/// runs and returns once the runs going have finished (the group's shutdown deadline cancels
/// them if they take longer).
struct SchedulerService: Service {
    let scheduler: Scheduler
    let metrics: EngineMetrics
    let logger: Logger

    func run() async throws {
        let metrics = self.metrics
        let logger = self.logger
        try await scheduler.run(stopWhen: { try? await gracefulShutdown() }) { run in
            metrics.record(run)
            logger.info(
                "job run",
                metadata: [
                    "job": .string(run.job.rawValue), "batch": .string(run.batch), "status": .string(run.status.rawValue),
                    "rows_written": .stringConvertible(run.rowsWritten),
                    "seconds": .string(Fixed.format(run.finishedAt.timeIntervalSince(run.startedAt), 3)),
                    "error": .string(run.error ?? ""),
                ])
        }
        logger.notice("scheduler stopped")
    }
}

/// Hot reload of the metrics folder and the stored settings, until shutdown.
struct ConfigWatcherService: Service {
    let watcher: ConfigWatcher

    func run() async throws {
        await cancelWhenGracefulShutdown { await watcher.run() }
    }
}

/// Retries failed notification deliveries every minute, until shutdown.
struct DeliveryRetryService: Service {
    let loop: DeliveryRetryLoop

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            do { try await loop.run() } catch is CancellationError {}
        }
    }
}
