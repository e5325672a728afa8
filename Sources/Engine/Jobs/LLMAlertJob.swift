import Foundation
import Logging

/// Anomstack's `llmalert` job, detect then verify: for each metric (less
/// `llmalert_exclude_metrics`) the model reads up to `llmalert_prompt_max_n` recent values
/// (within `llmalert_metric_timestamp_max_days_ago`; smoothed over `llmalert_smooth_n`, rounded
/// to `llmalert_metric_rounding` decimals when not -1) and lists anomalous points; the ones among
/// the last `llmalert_recent_n` points go to a second, sceptical prompt, and each point it confirms
/// writes an `llmalert` row (the explanation in the metadata) and a notification
/// (`llmalert_methods`) — once, and not within `llmalert_snooze_n` points of the metric's previous
/// LLM alert. Unlike Anomstack, every metric's alerts are kept (none is lost when a later metric
/// has none), only candidates that could alert are verified, and one run spends at most
/// `llm_max_tokens_per_run` tokens. Without a language model the job skips, saying why.
public struct LLMAlertJob: BatchJob {
    public let kind = JobKind.llmalert

    public init() {}

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        guard let model = context.llm else {
            // Said once at start-up by `engine serve` and `engine run`; here only in the debug log.
            context.logger.debug("llmalert \(batch.name): no language model is configured; skipped")
            return JobOutcome(skipped: ["no language model is configured"])
        }
        let now = context.clock.now
        let store = try context.store(for: batch)
        let asker = StructuredAnswer(model: model, budget: TokenBudget(limit: batch.llmMaxTokensPerRun))
        let from = now.addingTimeInterval(-Double(batch.llmalertMaxDaysAgo) * 86_400)
        let excluded = batch.excluded(for: .llmalert)
        var rows: [MetricRow] = []
        var notifications: [AlertNotification] = []
        var outcome = JobOutcome()
        var failures: [String] = []
        var attempted = 0
        for metric in try store.metricNames(batch: batch.name, type: .metric) where !excluded.contains(metric) {
            try Task.checkCancellation()
            let values = try store.rows(
                MetricQuery(
                    batch: batch.name, names: [metric], types: [.metric], from: from, through: now,
                    latest: batch.llmalertPromptMaxN))
            guard values.count >= max(batch.llmalertRecentN, 3) else {
                outcome.skipped.append("\(metric): \(values.count) points")
                continue
            }
            attempted += 1
            let points = Self.prepare(values, smoothN: batch.llmalertSmoothN)
            let data = AnomalyPrompts.table(points, decimals: batch.llmalertRounding < 0 ? nil : batch.llmalertRounding)
            let tags = batch.tags(for: metric)
            let recent = Set(values.suffix(batch.llmalertRecentN).map { MetricTimestamp.format($0.timestamp) })
            do {
                let detected = try await asker.ask(
                    AnomalyPrompts.detect(
                        metric: metric, batch: batch.name, tags: tags, data: data,
                        instructions: batch.llmalertDetectPrompt, model: batch.llmalertModel,
                        chart: batch[.llmalertIncludePlot] ? await MetricChart.png(of: metric, batch: batch, store: store, context: context) : nil))
                let candidates = Self.points(detected["anomalies"]).filter { recent.contains($0.timestamp) }
                guard !candidates.isEmpty else { continue }
                let verified = try await asker.ask(
                    AnomalyPrompts.verify(
                        metric: metric, batch: batch.name, tags: tags, data: data,
                        candidates: candidates, instructions: batch.llmalertVerifyPrompt,
                        model: batch.llmalertModel))
                let confirmed = Self.points(verified["confirmed"]).filter { point in candidates.contains { $0.timestamp == point.timestamp } }
                let earlier = try store.rows(
                    MetricQuery(
                        batch: batch.name, names: [metric], types: [.llmalert], from: values.first?.timestamp,
                        through: now)
                ).map(\.timestamp)
                var alerted = earlier
                for point in confirmed.sorted(by: { $0.timestamp < $1.timestamp }) {
                    guard let time = MetricTimestamp.parse(point.timestamp),
                        let index = values.firstIndex(where: { $0.timestamp == time })
                    else { continue }
                    if alerted.contains(time) { continue }
                    // Snooze: no LLM alert within the previous llmalert_snooze_n points.
                    let window = values[max(0, index - batch.llmalertSnoozeN)..<index].map(\.timestamp)
                    if alerted.contains(where: { window.contains($0) }) { continue }
                    alerted.append(time)
                    let explanation = String(point.explanation.prefix(500))
                    rows.append(
                        MetricRow(
                            timestamp: time, batch: batch.name, name: metric, type: .llmalert, value: 1,
                            metadata: CanonicalJSON.object(["explanation": .string(explanation)]).text))
                    notifications.append(
                        AlertNotification(
                            kind: .llmalert, batch: batch.name, metric: metric, timestamp: time,
                            value: values[index].value, score: 1, smoothedScore: 1, threshold: 0,
                            severity: .warning, details: ["explanation": explanation],
                            methods: batch.llmalertMethods, tags: tags))
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failures.append("\(metric): \(error)")
                context.logger.error("llmalert \(batch.name)/\(metric): \(error)")
            }
        }
        if attempted > 0 && failures.count == attempted { throw JobError("the language model failed for every metric: \(failures[0])") }
        try await NotificationOutbox(context: context).post(notifications, batch: batch)
        outcome.rowsWritten = try store.insert(rows)
        outcome.skipped += failures
        await DeliveryDispatcher(context: context).dispatch(batch: batch)
        context.logger.info("llmalert \(batch.name): \(rows.count) alerts, \(failures.count) metrics failed")
        return outcome
    }

    /// The values as the prompt shows them: a trailing mean over `smoothN` points when above 1.
    static func prepare(_ rows: [MetricRow], smoothN: Int) -> [(Date, Double)] {
        guard smoothN > 1 else { return rows.map { ($0.timestamp, $0.value) } }
        return rows.indices.map { i in
            let window = rows[max(0, i - smoothN + 1)...i]
            return (rows[i].timestamp, window.reduce(0) { $0 + $1.value } / Double(window.count))
        }
    }

    /// The `{timestamp, explanation}` items of an answer's list, malformed items dropped.
    static func points(_ value: Any?) -> [(timestamp: String, explanation: String)] {
        ((value as? [Any]) ?? []).compactMap { item in
            guard let object = item as? [String: Any], let timestamp = object["timestamp"] as? String else { return nil }
            return (timestamp.trimmingCharacters(in: .whitespaces), (object["explanation"] as? String) ?? "")
        }
    }
}
