import Foundation
import Logging

/// A short natural-language explanation for an alert (`alert_explain`), from the metric's recent
/// values, the score, and the metric's earlier alerts with the feedback they got. The answer is
/// cut to `maxCharacters`; a model that fails or is over budget leaves the alert without an
/// explanation (logged), never holds it back.
public struct AlertExplainer: Sendable {
    public let model: any LanguageModel
    public let budget: TokenBudget
    public static let maxCharacters = 400

    public init(model: any LanguageModel, budget: TokenBudget) {
        self.model = model
        self.budget = budget
    }

    public func explain(_ alert: AlertNotification, batch: BatchConfig, store: any MetricStore, context: JobContext) async -> String? {
        do {
            let request = try self.request(alert, batch: batch, store: store)
            guard await budget.allows(TokenBudget.estimate(request)) else {
                context.logger.notice("alert \(batch.name)/\(alert.metric): no explanation, the token budget of this run is spent")
                return nil
            }
            let response = try await model.complete(request)
            await budget.charge(response)
            let text = response.text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            return text.count > Self.maxCharacters ? String(text.prefix(Self.maxCharacters - 1)) + "…" : text
        } catch {
            context.logger.error("alert \(batch.name)/\(alert.metric): no explanation: \(error)")
            return nil
        }
    }

    func request(_ alert: AlertNotification, batch: BatchConfig, store: any MetricStore) throws -> ChatRequest {
        let recent = try store.rows(MetricQuery(batch: batch.name, names: [alert.metric], types: [.metric], through: alert.timestamp, latest: 48))
        let history = try store.rows(
            MetricQuery(
                batch: batch.name, names: [alert.metric], types: [.alert, .thumbsup, .thumbsdown],
                through: alert.timestamp.addingTimeInterval(-1)))
        var verdicts: [Date: String] = [:]
        for row in history where row.type != .alert {
            verdicts[row.timestamp] = row.type == .thumbsup ? "confirmed by feedback" : "marked a false alarm"
        }
        let earlier = history.filter { $0.type == .alert }.suffix(10).map {
            "- \(MetricTimestamp.format($0.timestamp)): \(verdicts[$0.timestamp] ?? "no feedback")"
        }
        let user =
            AnomalyPrompts.header(metric: alert.metric, batch: batch.name, tags: alert.tags) + "\n"
            + "Alert at \(MetricTimestamp.format(alert.timestamp)): value \(alert.value.map { Fixed.format($0, 4) } ?? "-"), "
            + "anomaly score \(Fixed.format(alert.score, 3)) (smoothed \(Fixed.format(alert.smoothedScore, 3))) against a threshold of "
            + "\(Fixed.format(alert.threshold, 3)), severity \(alert.severity.rawValue).\n"
            + "Recent values:\n" + AnomalyPrompts.table(recent.map { ($0.timestamp, $0.value) }, decimals: nil) + "\n"
            + "Earlier alerts on this metric:\n" + (earlier.isEmpty ? "none" : earlier.joined(separator: "\n"))
        return ChatRequest(
            purpose: "alert.explain", messages: [.system("TASK: explain\n" + AnomalyPrompts.explainInstructions), .user(user)],
            maxTokens: 150, model: batch.llmalertModel)
    }
}
