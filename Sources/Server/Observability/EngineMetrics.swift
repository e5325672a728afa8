import Engine
import Foundation
import Prometheus

/// The operations metrics `/metrics` exposes in Prometheus' text format: job runs, their
/// durations and rows written, HTTP requests, and (read from the delivery log at scrape time)
/// notifications sent and failed. One registry per server, so tests can run several.
public final class EngineMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let secondsBuckets: [Double] = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900]

    public init() {}

    /// Counts a finished job run.
    public func record(_ run: JobRun) {
        let labels = [("job", run.job.rawValue), ("batch", run.batch)]
        registry.makeCounter(name: "engine_job_runs_total", labels: labels + [("status", run.status.rawValue)],
                             help: "Job runs, by job, batch and status.").increment()
        registry.makeCounter(name: "engine_rows_written_total", labels: labels,
                             help: "Rows written by job runs.").increment(by: Int64(run.rowsWritten))
        registry.makeValueHistogram(name: "engine_job_run_seconds", labels: [("job", run.job.rawValue)],
                                    buckets: Self.secondsBuckets, help: "Job run durations in seconds.")
            .record(run.finishedAt.timeIntervalSince(run.startedAt))
    }

    /// Counts an HTTP request by method, route pattern and status.
    public func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        registry.makeCounter(name: "engine_http_requests_total", labels: [("method", method), ("route", route), ("status", String(status))],
                             help: "HTTP requests served.").increment()
        registry.makeValueHistogram(name: "engine_http_request_seconds", labels: [("method", method)],
                                    buckets: Self.secondsBuckets, help: "HTTP request durations in seconds.").record(seconds)
    }

    /// The text exposition, with the delivery log's counts brought up to date first.
    public func exposition(deliveries: DeliveryStore) -> String {
        let (byStatus, failedAttempts) = (try? deliveries.deliveryCounts()) ?? ([:], 0)
        for status in DeliveryStatus.allCases {
            registry.makeGauge(name: "engine_deliveries", labels: [("status", status.rawValue)],
                               help: "Notification deliveries in the log, by status (delivered = alerts sent).")
                .set(Double(byStatus[status] ?? 0))
        }
        registry.makeGauge(name: "engine_delivery_failed_attempts", help: "Delivery attempts that failed.").set(Double(failedAttempts))
        return registry.emitToString()
    }
}
