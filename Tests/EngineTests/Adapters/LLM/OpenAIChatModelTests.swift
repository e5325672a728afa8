import Engine
import Fixtures
import Foundation
import Logging
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The OpenAI-compatible adapter against a real loopback chat-completions server
/// (scripts/services/chat_server.py, started by scripts/test-services.sh).
@Suite(.serialized) struct OpenAIChatModelTests {
    struct Chat {
        let url: URL
        let key: String

        static func fromEnvironment() throws -> Chat {
            let env = ProcessInfo.processInfo.environment
            guard let url = env["ENGINE_TEST_CHAT_URL"].flatMap(URL.init(string:)), let key = env["ENGINE_TEST_CHAT_KEY"] else {
                Issue.record("the LLM tests need the chat server: run `source scripts/test-services.sh` first (scripts/test.sh does)")
                throw CancellationError()
            }
            return Chat(url: url, key: key)
        }

        func model(key: String? = nil, secrets: [String] = []) -> OpenAIChatModel {
            OpenAIChatModel(
                baseURL: url, apiKey: key ?? self.key, defaultModel: "test-model", transport: URLSessionTransport(timeout: 10),
                logger: quietLogger(), secrets: secrets, pause: { _ in })
        }

        /// The request bodies the server received, newest last.
        func received() async throws -> [[String: Any]] {
            let root = url.deletingLastPathComponent()
            let (data, _) = try await URLSession.shared.data(from: root.appendingPathComponent("requests"))
            return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
        }
    }

    func detectRequest(model: String) -> ChatRequest {
        var points: [(Date, Double)] = []
        for hour in 0..<30 {
            let value: Double = hour == 29 ? 90 : 50 + Double(hour % 3)
            points.append((referenceTime.addingTimeInterval(Double(hour) * 3600), value))
        }
        let data = AnomalyPrompts.table(points, decimals: 2)
        return AnomalyPrompts.detect(metric: "cpu", batch: "b", tags: [:], data: data, instructions: nil, model: model)
    }

    @Test func structuredOutputIsRequestedAndRead() async throws {
        let chat = try Chat.fromEnvironment()
        let answer = try await StructuredAnswer(model: chat.model(), budget: TokenBudget(limit: 100_000)).ask(detectRequest(model: "plain"))
        let anomalies = try #require(answer["anomalies"] as? [[String: Any]])
        #expect(anomalies.map { $0["timestamp"] as? String } == ["2026-01-16 17:00:00"])
        let sent = try #require(try await chat.received().last)
        #expect(sent["temperature"] as? Int == 0)
        #expect((sent["response_format"] as? [String: Any])?["type"] as? String == "json_schema")
    }

    @Test func anEndpointWithoutStructuredOutputIsAskedWithoutIt() async throws {
        let chat = try Chat.fromEnvironment()
        let model = chat.model()
        let answer = try await StructuredAnswer(model: model, budget: TokenBudget(limit: 100_000)).ask(detectRequest(model: "no-structured-output"))
        #expect((answer["anomalies"] as? [Any])?.count == 1)
        _ = try await model.complete(detectRequest(model: "no-structured-output"))
        let last = try await chat.received().suffix(2)
        #expect(last.allSatisfy { $0["response_format"] == nil })  // not asked with it again
    }

    @Test func rateLimitsAreRetriedAfterTheirRetryAfter() async throws {
        let chat = try Chat.fromEnvironment()
        let waits = WaitLog()
        let model = OpenAIChatModel(
            baseURL: chat.url, apiKey: chat.key, defaultModel: "x", transport: URLSessionTransport(timeout: 10),
            logger: quietLogger(), pause: { await waits.add($0) })
        let response = try await model.complete(detectRequest(model: "rate-limited"))
        #expect(response.text.contains("anomalies"))
        #expect(await waits.values == [1])
    }

    @Test func malformedAndFencedAnswersAreRepairedOrRead() async throws {
        let chat = try Chat.fromEnvironment()
        let budget = TokenBudget(limit: 100_000)
        let repaired = try await StructuredAnswer(model: chat.model(), budget: budget).ask(detectRequest(model: "malformed-once"))
        #expect((repaired["anomalies"] as? [Any])?.count == 1)
        let repair = try #require(try await chat.received().last?["messages"] as? [[String: Any]])
        #expect((repair.last?["content"] as? String)?.hasPrefix("That was not a JSON object") == true)
        let fenced = try await StructuredAnswer(model: chat.model(), budget: budget).ask(detectRequest(model: "fenced"))
        #expect((fenced["anomalies"] as? [Any])?.count == 1)
        #expect(await budget.spent > 0)
    }

    @Test func errorsSayWhatWentWrong() async throws {
        let chat = try Chat.fromEnvironment()
        await #expect(throws: LanguageModelError.self) { _ = try await chat.model().complete(detectRequest(model: "broken")) }
        do {
            _ = try await chat.model(key: "wrong").complete(detectRequest(model: "plain"))
            Issue.record("a wrong key was accepted")
        } catch let error as LanguageModelError {
            #expect(error.message == "the LLM endpoint refused the credentials (401): check OPENAI_API_KEY")
        }
        let spent = TokenBudget(limit: 10)
        await #expect(throws: LanguageModelError.self) {
            _ = try await StructuredAnswer(model: chat.model(), budget: spent).ask(detectRequest(model: "plain"))
        }
    }

    /// `llmalert_include_plot`: the chart goes as an `image_url` part beside the text, which the
    /// server reads as before (a PNG data URL, or it refuses the request).
    @Test func aChartGoesAsAnImagePart() async throws {
        let chat = try Chat.fromEnvironment()
        let png = PNGEncoder.encode(Rasterizer.render(PlotScene(data: PlotData(batch: "b", metric: "cpu", values: [.init(referenceTime, 1), .init(referenceTime.addingTimeInterval(3600), 2)], scores: [], alerts: [], changes: [], thresholdAlerts: [], threshold: 0.8))))
        var request = detectRequest(model: "plain")
        request.messages[1].images = [png]
        let answer = try await StructuredAnswer(model: chat.model(), budget: TokenBudget(limit: 100_000)).ask(request)
        #expect((answer["anomalies"] as? [[String: Any]])?.count == 1, "the text part still carries the data")
        let sent = try #require(try await chat.received().last?["messages"] as? [[String: Any]])
        let parts = try #require(sent[1]["content"] as? [[String: Any]])
        #expect(parts.map { $0["type"] as? String } == ["text", "image_url"])
        let url = try #require((parts[1]["image_url"] as? [String: Any])?["url"] as? String)
        #expect(url == "data:image/png;base64," + png.base64EncodedString())
        #expect(sent[0]["content"] is String, "a message without images stays plain text")
        #expect(request.fingerprint != detectRequest(model: "plain").fingerprint)
    }

    @Test func secretsNeverLeaveInAPrompt() async throws {
        let chat = try Chat.fromEnvironment()
        var request = detectRequest(model: "plain")
        request.messages[1].content += "\nnote: sk-live-0123456789abcdef"
        _ = try await chat.model(secrets: ["sk-live-0123456789abcdef", "short"]).complete(request)
        let sent = try #require(try await chat.received().last?["messages"] as? [[String: Any]])
        let text = sent.compactMap { $0["content"] as? String }.joined()
        #expect(!text.contains("sk-live-0123456789abcdef"))
        #expect(text.contains("note: [redacted]"))
        let env = ["OPENAI_BASE_URL": chat.url.absoluteString, "MY_SERVICE_TOKEN": "abcdefgh12345678", "HOME": "/root"]
        let configured = try #require(OpenAIChatModel.fromEnvironment(env, transport: URLSessionTransport(), logger: quietLogger()))
        #expect(configured.redact("x abcdefgh12345678 /root") == "x [redacted] /root")
        #expect(OpenAIChatModel.fromEnvironment(["HOME": "/root"], transport: URLSessionTransport(), logger: quietLogger()) == nil)
    }
}

actor WaitLog {
    var values: [TimeInterval] = []
    func add(_ value: TimeInterval) { values.append(value) }
}
