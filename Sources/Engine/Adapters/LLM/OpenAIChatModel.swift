import Foundation
import Logging
import Synchronization

/// A language model behind an OpenAI-compatible chat-completions endpoint: OpenAI, OpenRouter,
/// or a local server (Ollama, llama.cpp's server, vLLM) by base URL. Requests ask for
/// deterministic answers (temperature 0) and, when the request has a schema, for structured
/// output (`response_format: json_schema`); an endpoint that refuses that is asked again without
/// it, and not asked with it again. Rate limits and overload (429, 503) are retried after the
/// `Retry-After` they give (at most 30 s, twice). Known secrets are blanked out of every prompt
/// before it leaves, and prompts and answers are logged at debug level only.
public final class OpenAIChatModel: LanguageModel {
    public let baseURL: URL
    let apiKey: String?
    let defaultModel: String
    let transport: any HTTPTransport
    let logger: Logger
    let secrets: PromptSecrets
    let pause: @Sendable (TimeInterval) async throws -> Void
    private let schemaRefused = Atomic(false)

    public init(
        baseURL: URL, apiKey: String?, defaultModel: String, transport: any HTTPTransport, logger: Logger, secrets: [String] = [],
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

    /// The model the environment configures, or nil (the LLM features are then off): a base URL
    /// from `OPENAI_BASE_URL` or `ANOMSTACK_LLM_PLATFORM` (`openai`, `openrouter`), and a key from
    /// `OPENAI_API_KEY` (or `OPENROUTER_API_KEY`); a local server needs only the base URL.
    public static func fromEnvironment(_ environment: [String: String], transport: any HTTPTransport, logger: Logger) -> OpenAIChatModel? {
        let platform = environment["ANOMSTACK_LLM_PLATFORM"]?.lowercased() ?? "openai"
        let key = (platform == "openrouter" ? environment["OPENROUTER_API_KEY"] : nil) ?? environment["OPENAI_API_KEY"]
        let explicit = environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : URL(string: $0) }
        guard explicit != nil || !(key ?? "").isEmpty else { return nil }
        let base = explicit ?? URL(string: platform == "openrouter" ? "https://openrouter.ai/api/v1" : "https://api.openai.com/v1")!
        return OpenAIChatModel(
            baseURL: base, apiKey: key, defaultModel: environment["ANOMSTACK_LLM_MODEL"] ?? "gpt-4o-mini",
            transport: transport, logger: logger, secrets: PromptSecrets(environment: environment).values)
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var useSchema = request.schema != nil && !schemaRefused.load(ordering: .relaxed)
        var retries = 0
        while true {
            let response = try await transport.send(try httpRequest(request, withSchema: useSchema))
            let text = String(decoding: response.body, as: UTF8.self)
            switch response.status {
            case 200..<300:
                return try Self.answer(response.body, purpose: request.purpose, logger: logger)
            case 400 where useSchema && (text.contains("response_format") || text.contains("json_schema")):
                logger.notice("the LLM endpoint does not take structured output; asking for JSON in the prompt only")
                schemaRefused.store(true, ordering: .relaxed)
                useSchema = false
            case 429 where retries < RateLimitRetry.maxRetries, 503 where retries < RateLimitRetry.maxRetries:
                retries += 1
                let wait = RateLimitRetry.wait(headers: response.headers, retry: retries)
                logger.warning("the LLM endpoint answered \(response.status); retrying in \(Fixed.format(wait, 1)) s")
                try await pause(wait)
            case 401, 403:
                throw LanguageModelError("the LLM endpoint refused the credentials (\(response.status)): check OPENAI_API_KEY")
            default:
                throw LanguageModelError("the LLM endpoint answered \(response.status): \(text.prefix(300))")
            }
        }
    }

    func httpRequest(_ request: ChatRequest, withSchema: Bool) throws -> HTTPRequest {
        var body: [String: CanonicalJSON] = [
            "model": .string(request.model ?? defaultModel),
            "temperature": .int(0),
            "max_tokens": .int(request.maxTokens),
            "messages": .array(request.messages.map { Self.message($0, redact: redact) }),
        ]
        if withSchema, let schema = request.schema {
            body["response_format"] = .object([
                "type": .string("json_schema"),
                "json_schema": .object([
                    "name": .string(request.purpose.replacingOccurrences(of: ".", with: "_")), "strict": .bool(true), "schema": schema,
                ]),
            ])
        }
        let text = CanonicalJSON.object(body).text
        logger.debug("LLM request \(request.purpose): \(text)")
        var headers = ["Content-Type": "application/json"]
        if let apiKey, !apiKey.isEmpty { headers["Authorization"] = "Bearer \(apiKey)" }
        return HTTPRequest(method: "POST", url: baseURL.appendingPathComponent("chat/completions"), headers: headers, body: Data(text.utf8))
    }

    /// One message as the chat-completions API takes it: text alone, or (with images) a list of
    /// a text part and one `image_url` part per PNG, sent inline as a data URL.
    static func message(_ message: ChatMessage, redact: (String) -> String) -> CanonicalJSON {
        let text = redact(message.content)
        guard !message.images.isEmpty else { return .object(["role": .string(message.role), "content": .string(text)]) }
        let images: [CanonicalJSON] = message.images.map { png in
            .object([
                "type": .string("image_url"),
                "image_url": .object(["url": .string("data:image/png;base64," + png.base64EncodedString())]),
            ])
        }
        return .object([
            "role": .string(message.role),
            "content": .array([.object(["type": .string("text"), "text": .string(text)])] + images),
        ])
    }

    /// The prompt text with every known secret blanked out.
    public func redact(_ text: String) -> String { secrets.redact(text) }

    static func answer(_ body: Data, purpose: String, logger: Logger) throws -> ChatResponse {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let choices = object["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any],
            let content = message["content"] as? String
        else {
            throw LanguageModelError(
                "the LLM endpoint's answer has no choices[0].message.content: \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
        let usage = object["usage"] as? [String: Any] ?? [:]
        logger.debug("LLM answer \(purpose): \(content)")
        return ChatResponse(
            text: content, promptTokens: (usage["prompt_tokens"] as? Int) ?? 0,
            completionTokens: (usage["completion_tokens"] as? Int) ?? content.count / 4)
    }
}
