import Engine
import Foundation
import Synchronization

/// A language model for tests: a closure answers each request, and every request is kept.
public final class ScriptedLanguageModel: LanguageModel {
    private let log = Mutex<[ChatRequest]>([])
    private let answer: @Sendable (ChatRequest) throws -> String

    public init(_ answer: @escaping @Sendable (ChatRequest) throws -> String) {
        self.answer = answer
    }

    /// The requests received, in order.
    public var requests: [ChatRequest] { log.withLock { $0 } }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        log.withLock { $0.append(request) }
        let text = try answer(request)
        return ChatResponse(text: text, promptTokens: request.messages.reduce(0) { $0 + $1.content.count } / 4, completionTokens: text.count / 4)
    }
}
