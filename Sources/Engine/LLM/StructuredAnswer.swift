import Foundation

/// Asks a model for a JSON answer and reads it tolerantly: code fences and prose around the
/// object are ignored. An answer that is still not a JSON object gets one repair round (the
/// model sees its answer and the parse error); a second failure is an error.
public struct StructuredAnswer: Sendable {
    public let model: any LanguageModel
    public let budget: TokenBudget

    public init(model: any LanguageModel, budget: TokenBudget) {
        self.model = model
        self.budget = budget
    }

    /// The answer as a JSON object.
    public func ask(_ request: ChatRequest) async throws -> [String: Any] {
        guard await budget.allows(TokenBudget.estimate(request)) else {
            throw LanguageModelError("the token budget of this run (\(budget.limit)) is spent")
        }
        let first = try await model.complete(request)
        await budget.charge(first)
        if let object = Self.parse(first.text) { return object }
        var repair = request
        repair.purpose += ".repair"
        repair.messages += [
            .assistant(first.text),
            .user("That was not a JSON object following the schema. Reply again with only the JSON object, nothing else."),
        ]
        let second = try await model.complete(repair)
        await budget.charge(second)
        guard let object = Self.parse(second.text) else {
            throw LanguageModelError("the model did not answer with JSON after a repair request: \(second.text.prefix(200))")
        }
        return object
    }

    /// The first JSON object in `text` (inside a ```json fence or between the outermost braces).
    public static func parse(_ text: String) -> [String: Any]? {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let fence = body.range(of: "```") {
            let afterFence = body[fence.upperBound...]
            let start = afterFence.firstIndex(of: "\n").map { afterFence.index(after: $0) } ?? afterFence.startIndex
            let end = afterFence.range(of: "```")?.lowerBound ?? afterFence.endIndex
            body = String(afterFence[start..<end])
        }
        guard let open = body.firstIndex(of: "{"), let close = body.lastIndex(of: "}"), open < close else { return nil }
        let candidate = Data(body[open...close].utf8)
        return (try? JSONSerialization.jsonObject(with: candidate)) as? [String: Any]
    }
}
