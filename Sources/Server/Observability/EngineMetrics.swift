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

    /// An `engine_<name>_<unit>` metric with its help text.
    static func metric(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "engine", metricName: name, unitName: unit, helpText: help)
    }

    static var jobRuns: MetricNameDescriptor { metric("job_runs", "total", "Job runs, by job, batch and status.") }
    static var rowsWritten: MetricNameDescriptor { metric("rows_written", "total", "Rows written by job runs.") }
    static var jobRunSeconds: MetricNameDescriptor { metric("job_run", "seconds", "Job run durations in seconds.") }
    static var httpRequests: MetricNameDescriptor { metric("http_requests", "total", "HTTP requests served.") }
    static var httpRequestSeconds: MetricNameDescriptor { metric("http_request", "seconds", "HTTP request durations in seconds.") }
    static var deliveries: MetricNameDescriptor {
        metric("deliveries", "", "Notification deliveries in the log, by status (delivered = alerts sent).")
    }
    static var idleRuns: MetricNameDescriptor {
        metric("idle_job_runs", "", "Job runs since start that returned at once from their watermark: nothing had arrived or changed.")
    }
    static var failedAttempts: MetricNameDescriptor { metric("delivery_failed", "attempts", "Delivery attempts that failed.") }

    /// Counts a finished job run.
    public func record(_ run: JobRun) {
        let labels = [("job", run.job.rawValue), ("batch", run.batch)]
        registry.makeCounter(descriptor: Self.jobRuns, labels: labels + [("status", run.status.rawValue)]).increment()
        registry.makeCounter(descriptor: Self.rowsWritten, labels: labels).increment(by: Int64(run.rowsWritten))
        registry.makeValueHistogram(descriptor: Self.jobRunSeconds, labels: [("job", run.job.rawValue)], buckets: Self.secondsBuckets)
            .record(run.finishedAt.timeIntervalSince(run.startedAt))
    }

    /// Counts an HTTP request by method, route pattern and status.
    public func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.httpRequests, labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeValueHistogram(descriptor: Self.httpRequestSeconds, labels: [("method", method)], buckets: Self.secondsBuckets).record(seconds)
    }

    /// The text exposition, with the delivery log's counts and the idle runs (per job, from the
    /// run watermarks) brought up to date first.
    public func exposition(deliveries: any DeliveryStore, idleRuns: [JobKind: Int] = [:]) -> String {
        for (job, count) in idleRuns {
            registry.makeGauge(descriptor: Self.idleRuns, labels: [("job", job.rawValue)]).set(Double(count))
        }
        let (byStatus, failedAttempts) = (try? deliveries.deliveryCounts()) ?? ([:], 0)
        for status in DeliveryStatus.allCases {
            registry.makeGauge(descriptor: Self.deliveries, labels: [("status", status.rawValue)]).set(Double(byStatus[status] ?? 0))
        }
        registry.makeGauge(descriptor: Self.failedAttempts).set(Double(failedAttempts))
        return registry.emitToString()
    }
}
