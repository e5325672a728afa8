import Engine
import Foundation
import Synchronization

/// The language model of replay: answers come from recordings in the scenario folder
/// (`llm/<request fingerprint>.json`), so a scenario replays the same on every machine without
/// a network. A request with no recording is an error, unless a live model is given (recording
/// mode), which is then asked and its answer written for review.
public final class RecordedLanguageModel: LanguageModel {
    public let folder: URL
    let live: (any LanguageModel)?
    private let recorded = Mutex<[String]>([])

    public init(folder: URL, live: (any LanguageModel)?) {
        self.folder = folder
        self.live = live
    }

    /// The recordings this instance wrote, as file names.
    public var written: [String] { recorded.withLock { $0.sorted() } }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let name = "\(request.fingerprint).json"
        let file = folder.appendingPathComponent(name)
        if let data = try? Data(contentsOf: file) {
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                let text = object["text"] as? String
            else {
                throw LanguageModelError("the recording \(file.path) is not a JSON object with a \"text\"")
            }
            return ChatResponse(
                text: text, promptTokens: object["prompt_tokens"] as? Int ?? 0,
                completionTokens: object["completion_tokens"] as? Int ?? 0)
        }
        guard let live else {
            throw LanguageModelError(
                """
                no recording of the \(request.purpose) prompt \(request.fingerprint) in \(folder.path): \
                record it with --record missing and an endpoint in OPENAI_BASE_URL, then review it
                """)
        }
        let response = try await live.complete(request)
        let record = CanonicalJSON.object([
            "purpose": .string(request.purpose), "model": request.model.map(CanonicalJSON.string) ?? .null,
            "text": .string(response.text), "prompt_tokens": .int(response.promptTokens),
            "completion_tokens": .int(response.completionTokens),
        ])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try AtomicFile.write(Data((record.text + "\n").utf8), to: file)
        recorded.withLock { $0.append(name) }
        return response
    }
}
