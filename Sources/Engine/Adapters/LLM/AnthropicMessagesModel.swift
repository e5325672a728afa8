import Foundation
import Logging

/// A language model behind Anthropic's Messages API (`ANOMSTACK_LLM_PLATFORM=anthropic`, as in
/// Anomstack): `POST /v1/messages` with `x-api-key` and `anthropic-version`, the system prompt
/// apart from the messages, images as base64 PNG blocks. The API has no structured-output switch,
/// so a request's JSON contract travels in its prompt (the engine's prompts always carry it) and
/// the answer is read, and repaired if need be, by `StructuredAnswer`. Rate limits and overload
/// (429, 529, 503) are retried after their `retry-after` (at most 30 s, twice). Known secrets are
/// blanked out of every prompt, and prompts and answers are logged at debug level only.
public struct AnthropicMessagesModel: LanguageModel {
    public let baseURL: URL
    let apiKey: String
    let defaultModel: String
    let transport: any HTTPTransport
    let logger: Logger
    let secrets: PromptSecrets
    let pause: @Sendable (TimeInterval) async throws -> Void

    /// The API version the requests are written for.
    static let version = "2023-06-01"

    public init(
        baseURL: URL, apiKey: String, defaultModel: String, transport: any HTTPTransport, logger: Logger, secrets: [String] = [],
        pause: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64($0 * 1e9)) }
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.defaultModel = defaultModel
        self.transport = transport
        self.logger = logger
        self.secrets = PromptSecrets(secrets)
        self.pause = pause
    }

    /// The model `ANOMSTACK_LLM_PLATFORM=anthropic` configures: the key from
    /// `ANOMSTACK_ANTHROPIC_KEY` (or `ANTHROPIC_API_KEY`), the model from
    /// `ANOMSTACK_ANTHROPIC_MODEL`, the endpoint from `ANTHROPIC_BASE_URL`; nil without a key.
    public static func fromEnvironment(_ environment: [String: String], transport: any HTTPTransport, logger: Logger) -> AnthropicMessagesModel? {
        guard environment["ANOMSTACK_LLM_PLATFORM"]?.lowercased() == "anthropic",
            let key = [environment["ANOMSTACK_ANTHROPIC_KEY"], environment["ANTHROPIC_API_KEY"]].compactMap({ $0 }).first(where: { !$0.isEmpty })
        else { return nil }
        let base = environment["ANTHROPIC_BASE_URL"].flatMap { $0.isEmpty ? nil : URL(string: $0) } ?? URL(string: "https://api.anthropic.com")!
        return AnthropicMessagesModel(
            baseURL: base, apiKey: key, defaultModel: environment["ANOMSTACK_ANTHROPIC_MODEL"] ?? "claude-3-haiku-20240307",
            transport: transport, logger: logger, secrets: PromptSecrets(environment: environment).values)
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var retries = 0
        while true {
            let response = try await transport.send(httpRequest(request))
            let text = String(decoding: response.body, as: UTF8.self)
            switch response.status {
            case 200..<300:
                return try Self.answer(response.body, purpose: request.purpose, logger: logger)
            case 429 where retries < RateLimitRetry.maxRetries, 503 where retries < RateLimitRetry.maxRetries, 529 where retries < RateLimitRetry.maxRetries:
                retries += 1
                let wait = RateLimitRetry.wait(headers: response.headers, retry: retries)
                logger.warning("the Anthropic API answered \(response.status); retrying in \(Fixed.format(wait, 1)) s")
                try await pause(wait)
            case 401, 403:
                throw LanguageModelError("the Anthropic API refused the key (\(response.status)): check ANOMSTACK_ANTHROPIC_KEY")
            default:
                throw LanguageModelError("the Anthropic API answered \(response.status): \(text.prefix(300))")
            }
        }
    }

    func httpRequest(_ request: ChatRequest) -> HTTPRequest {
        let system = request.messages.filter { $0.role == "system" }.map { secrets.redact($0.content) }.joined(separator: "\n\n")
        var body: [String: CanonicalJSON] = [
            "model": .string(request.model ?? defaultModel),
            "temperature": .int(0),
            "max_tokens": .int(request.maxTokens),
            "messages": .array(request.messages.filter { $0.role != "system" }.map(message)),
        ]
        if !system.isEmpty { body["system"] = .string(system) }
        let text = CanonicalJSON.object(body).text
        logger.debug("LLM request \(request.purpose): \(text)")
        let headers = ["Content-Type": "application/json", "x-api-key": apiKey, "anthropic-version": Self.version]
        return HTTPRequest(method: "POST", url: baseURL.appendingPathComponent("v1/messages"), headers: headers, body: Data(text.utf8))
    }

    /// One message: text alone, or a list of image blocks (base64 PNG) and the text.
    func message(_ message: ChatMessage) -> CanonicalJSON {
        let text = secrets.redact(message.content)
        guard !message.images.isEmpty else { return .object(["role": .string(message.role), "content": .string(text)]) }
        let images: [CanonicalJSON] = message.images.map { png in
            .object([
                "type": .string("image"),
                "source": .object([
                    "type": .string("base64"), "media_type": .string("image/png"), "data": .string(png.base64EncodedString()),
                ]),
            ])
        }
        return .object(["role": .string(message.role), "content": .array(images + [.object(["type": .string("text"), "text": .string(text)])])])
    }

    static func answer(_ body: Data, purpose: String, logger: Logger) throws -> ChatResponse {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let blocks = object["content"] as? [[String: Any]]
        else {
            throw LanguageModelError("the Anthropic API's answer has no content: \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
        let text = blocks.filter { $0["type"] as? String == "text" }.compactMap { $0["text"] as? String }.joined()
        let usage = object["usage"] as? [String: Any] ?? [:]
        logger.debug("LLM answer \(purpose): \(text)")
        return ChatResponse(
            text: text, promptTokens: (usage["input_tokens"] as? Int) ?? 0, completionTokens: (usage["output_tokens"] as? Int) ?? text.count / 4)
    }
}
