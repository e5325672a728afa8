import Engine
import Foundation

/// A language model for tests: a closure answers each request, and every request is kept.
public final class ScriptedLanguageModel: LanguageModel, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [ChatRequest] = []
    private let answer: @Sendable (ChatRequest) throws -> String

    public init(_ answer: @escaping @Sendable (ChatRequest) throws -> String) {
        self.answer = answer
    }

    /// The requests received, in order.
    public var requests: [ChatRequest] { lock.withLock { log } }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        lock.withLock { log.append(request) }
        let text = try answer(request)
        return ChatResponse(text: text, promptTokens: request.messages.reduce(0) { $0 + $1.content.count } / 4, completionTokens: text.count / 4)
    }
}
