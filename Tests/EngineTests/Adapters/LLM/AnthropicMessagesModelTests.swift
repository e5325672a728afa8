import Engine
import Fixtures
import Foundation
import Testing

/// The Anthropic adapter against the loopback server's Messages API (scripts/services/chat_server.py):
/// the request's shape, JSON answers read through the engine's structured-answer path, images as
/// base64 blocks, a refused key, and the platform switch. Nested in the OpenAI adapter's suite, so
/// the two never talk to the shared server at once (both read back the requests it received).
extension OpenAIChatModelTests {
    @Suite struct AnthropicMessagesModelTests {
        func model(key: String? = nil) throws -> AnthropicMessagesModel {
            let chat = try OpenAIChatModelTests.Chat.fromEnvironment()
            return AnthropicMessagesModel(
                baseURL: chat.url.deletingLastPathComponent(), apiKey: key ?? chat.key, defaultModel: "claude-test",
                transport: URLSessionTransport(timeout: 10), logger: quietLogger(), pause: { _ in })
        }

        @Test func detectionIsAskedAndReadAsJSON() async throws {
            let chat = try OpenAIChatModelTests.Chat.fromEnvironment()
            // A model name of its own: the server is shared with tests running at the same time.
            var request = OpenAIChatModelTests().detectRequest(model: "claude-detect-\(UUID().uuidString)")
            let png = PNGEncoder.encode(Rasterizer.render(PlotScene(data: PlotData(
                batch: "b", metric: "cpu", values: [.init(referenceTime, 1), .init(referenceTime.addingTimeInterval(3600), 2)], scores: [],
                alerts: [], changes: [], thresholdAlerts: [], threshold: 0.8))))
            request.messages[1].images = [png]
            let answer = try await StructuredAnswer(model: try model(), budget: TokenBudget(limit: 100_000)).ask(request)
            let anomalies = try #require(answer["anomalies"] as? [[String: Any]])
            #expect(anomalies.map { $0["timestamp"] as? String } == ["2026-01-16 17:00:00"])
            let sent = try #require(try await chat.received().last { $0["model"] as? String == request.model })
            #expect((sent["system"] as? String)?.hasPrefix("TASK: detect") == true, "the system prompt goes apart")
            let messages = try #require(sent["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["user"])
            let blocks = try #require(messages[0]["content"] as? [[String: Any]])
            #expect(blocks.map { $0["type"] as? String } == ["image", "text"])
            #expect((blocks[0]["source"] as? [String: Any])?["data"] as? String == png.base64EncodedString())
            #expect(sent["temperature"] as? Int == 0 && sent["max_tokens"] as? Int == 800)
        }

        @Test func aRefusedKeyIsNamed() async throws {
            await #expect {
                try await self.model(key: "wrong").complete(ChatRequest(purpose: "t", messages: [.user("hi")]))
            } throws: { "\($0)".contains("check ANOMSTACK_ANTHROPIC_KEY") }
        }

        @Test func thePlatformPicksTheAdapter() {
            let environment = ["ANOMSTACK_LLM_PLATFORM": "anthropic", "ANOMSTACK_ANTHROPIC_KEY": "k-123456789", "ANOMSTACK_ANTHROPIC_MODEL": "claude-x"]
            let model = LocalInstallation.languageModel(environment: environment, logger: quietLogger())
            #expect((model as? AnthropicMessagesModel)?.baseURL.absoluteString == "https://api.anthropic.com")
            #expect(LocalInstallation.languageModel(environment: ["ANOMSTACK_LLM_PLATFORM": "anthropic"], logger: quietLogger()) == nil)
        }
    }
}
