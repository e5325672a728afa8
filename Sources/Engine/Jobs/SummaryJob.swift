import Foundation
import Logging

/// The daily digest: one notification per batch, through the batch's `alert_methods`, with a
/// line per metric over the last `summary_metric_timestamp_max_days_ago` days (latest value and
/// time, points, mean score, alerts). Its id is the batch and the day, so a rerun the same day
/// queues nothing new.
public struct SummaryJob: BatchJob {
    public let kind = JobKind.summary

    public init() {}

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let now = context.clock.now
        let days = batch[.summaryMaxDaysAgo]
        let from = now.addingTimeInterval(-Double(days) * 86_400)
        let store = try context.store(for: batch)
        var lines: [String: String] = [:]
        var alerts = 0
        for metric in try store.metricNames(batch: batch.name, type: .metric) {
            try Task.checkCancellation()
            let rows = try store.rows(
                MetricQuery(
                    batch: batch.name, names: [metric], types: [.metric, .score, .alert, .tholdalert],
                    from: from, through: now))
            let values = rows.filter { $0.type == .metric }
            let scores = rows.filter { $0.type == .score }.map(\.value)
            let alerted = rows.filter { ($0.type == .alert || $0.type == .tholdalert) && $0.value > 0 }.count
            alerts += alerted
            let last = values.last.map { "last \(Fixed.format($0.value, 4)) at \(MetricTimestamp.format($0.timestamp))" } ?? "no point"
            let meanScore = scores.isEmpty ? "-" : Fixed.format(scores.reduce(0, +) / Double(scores.count), 3)
            lines[metric] = "\(last) · \(values.count) points · mean score \(meanScore) · \(alerted) alerts"
        }
        // One digest a day: the id's timestamp is the day the summary covers.
        var day = Calendar(identifier: .gregorian)
        day.timeZone = TimeZone(identifier: "UTC")!
        var details = lines.reduce(into: [String: String]()) { $0["metric:" + $1.key] = $1.value }
        if batch.summaryLLM, let model = context.llm {
            details["paragraph"] = await Self.paragraph(lines: lines, alerts: alerts, days: days, batch: batch, model: model, context: context)
        }
        let summary = AlertNotification(
            kind: .summary, batch: batch.name, metric: "summary", timestamp: day.startOfDay(for: now),
            value: nil, score: Double(alerts), smoothedScore: Double(alerts), threshold: 0,
            severity: .info, details: details, methods: batch.alertMethods, tags: [:])
        let queued = try await NotificationOutbox(context: context).post([summary], batch: batch)
        return JobOutcome(rowsWritten: queued)
    }

    /// A paragraph on the day written by the language model (`summary_llm`), at most 600
    /// characters; nil (logged) when the model fails.
    static func paragraph(lines: [String: String], alerts: Int, days: Int, batch: BatchConfig, model: any LanguageModel, context: JobContext) async -> String? {
        let table = lines.sorted { $0.key < $1.key }.map { "- \($0.key): \($0.value)" }.joined(separator: "\n")
        let request = ChatRequest(
            purpose: "summary.paragraph",
            messages: [
                .system(
                    "TASK: summarize\nYou write the daily note of a metrics monitoring system: one short paragraph for the team, "
                        + "saying which metrics alerted, whether anything needs attention, and nothing you cannot see in the data."),
                .user("Batch \(batch.name), the last \(days == 1 ? "24 hours" : "\(days) days"): \(alerts) alerts.\n" + (table.isEmpty ? "No metrics yet." : table)),
            ], maxTokens: 200, model: batch.llmalertModel)
        do {
            let text = try await model.complete(request).text.split(whereSeparator: \.isNewline).joined(separator: " ")
            return text.count > 600 ? String(text.prefix(599)) + "…" : text
        } catch {
            context.logger.error("summary \(batch.name): no paragraph from the language model: \(error)")
            return nil
        }
    }
}
