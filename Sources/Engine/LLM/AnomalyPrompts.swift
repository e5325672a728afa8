import Foundation

/// The prompts of the LLM jobs. Each system prompt names its task on its first line (a custom
/// prompt from the batch replaces the instructions, never the answer contract), and the data go
/// in the user message as `timestamp,value` CSV with fixed decimals, so the same history always
/// makes the same prompt. Only metric names, tags, values and times are sent: no configuration,
/// credential or environment value ever reaches a prompt.
public enum AnomalyPrompts {
    public static let detectInstructions = """
        You are a careful monitoring analyst. You receive one metric's recent history, oldest first. \
        Find the points that are anomalous: spikes, dips, level shifts or breaks in the usual pattern, \
        judged against the rest of the series. Do not flag ordinary noise or regular daily or weekly cycles.
        """
    public static let verifyInstructions = """
        You are a second, sceptical monitoring analyst. Another analyst flagged some points of this \
        metric as anomalous. Confirm only the ones a person on call would want to be woken for; \
        reject noise, ordinary cycles and points that merely continue an earlier change.
        """
    public static let explainInstructions = """
        You explain an anomaly alert to the engineer on call in at most three short sentences: what \
        happened, how unusual it is against the history, and what the feedback on similar past alerts \
        suggests. Be concrete; no speculation about causes you cannot see.
        """

    static let detectContract = """
        Answer with only a JSON object: {"anomalies": [{"timestamp": "YYYY-MM-DD HH:MM:SS", \
        "explanation": "one sentence", "confidence": 0.0 to 1.0}]}, with an empty list when nothing is anomalous. \
        Use timestamps exactly as they appear in the data.
        """
    static let verifyContract = """
        Answer with only a JSON object: {"confirmed": [{"timestamp": "YYYY-MM-DD HH:MM:SS", \
        "explanation": "one sentence"}]}, listing only confirmed points, an empty list when none is.
        """

    public static let detectSchema = CanonicalJSON.object([
        "type": .string("object"), "additionalProperties": .bool(false), "required": .array([.string("anomalies")]),
        "properties": .object([
            "anomalies": .object([
                "type": .string("array"),
                "items": .object([
                    "type": .string("object"), "additionalProperties": .bool(false),
                    "required": .array([.string("timestamp"), .string("explanation"), .string("confidence")]),
                    "properties": .object([
                        "timestamp": .object(["type": .string("string")]), "explanation": .object(["type": .string("string")]),
                        "confidence": .object(["type": .string("number")]),
                    ]),
                ]),
            ])
        ]),
    ])

    public static let verifySchema = CanonicalJSON.object([
        "type": .string("object"), "additionalProperties": .bool(false), "required": .array([.string("confirmed")]),
        "properties": .object([
            "confirmed": .object([
                "type": .string("array"),
                "items": .object([
                    "type": .string("object"), "additionalProperties": .bool(false),
                    "required": .array([.string("timestamp"), .string("explanation")]),
                    "properties": .object(["timestamp": .object(["type": .string("string")]), "explanation": .object(["type": .string("string")])]),
                ]),
            ])
        ]),
    ])

    /// `timestamp,value` lines, oldest first; `decimals` nil keeps 4.
    public static func table(_ points: [(Date, Double)], decimals: Int?) -> String {
        (["timestamp,value"] + points.map { "\(MetricTimestamp.format($0.0)),\(Fixed.format($0.1, decimals ?? 4))" }).joined(separator: "\n")
    }

    public static func header(metric: String, batch: String, tags: [String: String]) -> String {
        let tagText = tags.isEmpty ? "" : " Tags: " + tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "."
        return "Metric: \(metric) (batch \(batch)).\(tagText)"
    }

    /// The detection request; `chart` (the metric's chart, PNG) goes with the data when given.
    public static func detect(
        metric: String, batch: String, tags: [String: String], data: String, instructions: String?,
        model: String?, chart: Data? = nil
    ) -> ChatRequest {
        let chartNote = chart == nil ? "" : "\nThe attached image charts the same values (and their anomaly scores, when there are any)."
        return ChatRequest(
            purpose: "llmalert.detect",
            messages: [
                .system("TASK: detect\n" + (instructions ?? detectInstructions) + "\n" + detectContract),
                .user(header(metric: metric, batch: batch, tags: tags) + chartNote + "\n" + data, images: chart.map { [$0] } ?? []),
            ], schema: detectSchema, maxTokens: 800, model: model)
    }

    public static func verify(
        metric: String, batch: String, tags: [String: String], data: String,
        candidates: [(timestamp: String, explanation: String)], instructions: String?, model: String?
    ) -> ChatRequest {
        let list = candidates.map { "- \($0.timestamp): \($0.explanation)" }.joined(separator: "\n")
        return ChatRequest(
            purpose: "llmalert.verify",
            messages: [
                .system("TASK: verify\n" + (instructions ?? verifyInstructions) + "\n" + verifyContract),
                .user(header(metric: metric, batch: batch, tags: tags) + "\n" + data + "\n\nFlagged points:\n" + list),
            ], schema: verifySchema, maxTokens: 600, model: model)
    }
}
