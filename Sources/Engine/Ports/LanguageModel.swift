import Foundation

/// One message of a chat with a language model, with PNG images for models that read them.
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: String
    public var content: String
    /// PNG images sent with the text (`llmalert_include_plot`); empty for text alone.
    public var images: [Data]

    public init(role: String, content: String, images: [Data] = []) {
        self.role = role
        self.content = content
        self.images = images
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
    public static func user(_ text: String, images: [Data] = []) -> ChatMessage { ChatMessage(role: "user", content: text, images: images) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }

    private enum CodingKeys: String, CodingKey { case role, content, images }

    // Text-only messages encode as before (recordings made before images existed still match).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        content = try container.decode(String.self, forKey: .content)
        images = try container.decodeIfPresent([Data].self, forKey: .images) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        try container.encode(content, forKey: .content)
        if !images.isEmpty { try container.encode(images, forKey: .images) }
    }
}

/// What the engine asks a language model: the messages, the JSON schema the answer must follow
/// (endpoints that support structured output get it as `response_format`), and a token limit.
public struct ChatRequest: Sendable, Hashable {
    /// What the request is for (`llmalert.detect`, `alert.explain`...): logs, recordings, metrics.
    public var purpose: String
    public var messages: [ChatMessage]
    /// The answer's JSON schema, or nil for free text.
    public var schema: CanonicalJSON?
    public var maxTokens: Int
    /// The model to ask (`llmalert_model`); nil for the endpoint's default.
    public var model: String?

    public init(purpose: String, messages: [ChatMessage], schema: CanonicalJSON? = nil, maxTokens: Int = 1_000, model: String? = nil) {
        self.purpose = purpose
        self.messages = messages
        self.schema = schema
        self.maxTokens = maxTokens
        self.model = model
    }

    /// A stable identity of the request (purpose, messages, schema, limit): what recordings are keyed by.
    public var fingerprint: String {
        let canonical = CanonicalJSON.object([
            "purpose": .string(purpose), "max_tokens": .int(maxTokens), "schema": schema ?? .null, "model": model.map(CanonicalJSON.string) ?? .null,
            "messages": .array(
                messages.map { message in
                    var fields: [String: CanonicalJSON] = ["role": .string(message.role), "content": .string(message.content)]
                    if !message.images.isEmpty {
                        fields["images"] = .array(message.images.map { .string(Hex.encode(SHA256.hash(Array($0)))) })
                    }
                    return .object(fields)
                }),
        ]).text
        return String(Hex.encode(SHA256.hash(Array(canonical.utf8))).prefix(20))
    }
}

/// A model's answer and what it cost.
public struct ChatResponse: Sendable, Hashable, Codable {
    public var text: String
    public var promptTokens: Int
    public var completionTokens: Int

    public init(text: String, promptTokens: Int, completionTokens: Int) {
        self.text = text
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}

/// A chat-completion language model: an OpenAI-compatible endpoint live, recordings in replay.
public protocol LanguageModel: Sendable {
    func complete(_ request: ChatRequest) async throws -> ChatResponse
}

/// Why a model gave no usable answer.
public struct LanguageModelError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
