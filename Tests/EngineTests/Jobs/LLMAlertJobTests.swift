import Engine
import Fixtures
import Foundation
import Testing

/// The llmalert job with a scripted model: detect, verify, snooze, idempotence, failures.
@Suite struct LLMAlertJobTests {
    let yaml = "metric_batch: test\ningest_sql: select 1\ndisable_llmalert: false\nllmalert_recent_n: 3\nllmalert_methods: webhook\n"

    /// Flags `flag` of metric `a` in detection and confirms `confirm` in verification.
    func model(flag: [String], confirm: [String]) -> ScriptedLanguageModel {
        ScriptedLanguageModel { request in
            let user = request.messages.last?.content ?? ""
            guard user.hasPrefix("Metric: a ") else {
                return request.purpose == "llmalert.detect" ? "{\"anomalies\":[]}" : "{\"confirmed\":[]}"
            }
            if request.purpose == "llmalert.detect" {
                let items = flag.filter { user.contains($0) }.map { "{\"timestamp\":\"\($0)\",\"explanation\":\"odd\",\"confidence\":0.9}" }
                return "{\"anomalies\":[\(items.joined(separator: ","))]}"
            }
            let items = confirm.filter { user.contains("- \($0)") }.map { "{\"timestamp\":\"\($0)\",\"explanation\":\"really odd\"}" }
            return "{\"confirmed\":[\(items.joined(separator: ","))]}"
        }
    }

    func harness(_ model: (any LanguageModel)?) throws -> (Harness, JobContext) {
        let h = try Harness()
        try h.store().insert(
            hourly((0..<24).map { $0 == 22 ? 90 : 50 + Double($0 % 2) }, name: "a")
                + hourly((0..<24).map { 50 + Double($0 % 2) }, name: "b"))
        var context = h.context
        context.llm = model
        return (h, context)
    }

    @Test func withoutAModelTheJobSaysSoAndSkips() async throws {
        let (h, context) = try harness(nil)
        let run = await JobRunner(context: context).run(.llmalert, batch: try batch(yaml))
        #expect(run.status == .success)
        #expect(try h.all("test", .llmalert).isEmpty)
    }

    @Test func aConfirmedRecentAnomalyAlertsOnceWithItsExplanation() async throws {
        let model = model(flag: ["2026-01-15 10:00:00", "2026-01-15 01:00:00"], confirm: ["2026-01-15 10:00:00"])
        let (h, context) = try harness(model)
        let run = await JobRunner(context: context).run(.llmalert, batch: try batch(yaml))
        #expect(run.status == .success)
        #expect(run.rowsWritten == 1)
        let rows = try h.all("test", .llmalert)
        #expect(
            rows.map { "\($0.name) \(MetricTimestamp.format($0.timestamp)) \($0.metadata ?? "")" }
                == ["a 2026-01-15 10:00:00 {\"explanation\":\"really odd\"}"])
        #expect(h.channel.delivered.map(\.message.title) == ["🤖 [a] looks anomalous to the LLM (2026-01-15 10:00:00) 🤖"])
        // Only the recent candidate was sent for verification, and only for the metric that had one.
        let verifies = model.requests.filter { $0.purpose == "llmalert.verify" }
        #expect(verifies.count == 1)
        #expect(verifies[0].messages.last?.content.contains("- 2026-01-15 01:00:00") == false)
        let again = await JobRunner(context: context).run(.llmalert, batch: try batch(yaml))
        #expect(again.rowsWritten == 0)
        #expect(h.channel.delivered.count == 1)
    }

    /// `llmalert_include_plot`: the detection prompt carries the metric's chart (a PNG), and says so.
    @Test func theChartGoesWithThePromptWhenAsked() async throws {
        for include in [true, false] {
            let model = model(flag: [], confirm: [])
            let (_, context) = try harness(model)
            _ = await JobRunner(context: context).run(.llmalert, batch: try batch(yaml + "llmalert_include_plot: \(include)\n"))
            let detects = model.requests.filter { $0.purpose == "llmalert.detect" }
            #expect(detects.count == 2)
            for request in detects {
                let user = try #require(request.messages.last)
                #expect(user.images.count == (include ? 1 : 0))
                #expect(user.images.allSatisfy { $0.starts(with: [0x89, 0x50, 0x4E, 0x47]) })
                #expect(user.content.contains("The attached image charts") == include)
            }
        }
    }

    @Test func aRejectedCandidateDoesNotAlert() async throws {
        let (h, context) = try harness(model(flag: ["2026-01-15 10:00:00"], confirm: []))
        _ = await JobRunner(context: context).run(.llmalert, batch: try batch(yaml))
        #expect(try h.all("test", .llmalert).isEmpty)
        #expect(h.channel.delivered.isEmpty)
    }

    @Test func theSnoozeHoldsBackAnAlertRightAfterAnother() async throws {
        let both = ["2026-01-15 10:00:00", "2026-01-15 12:00:00"]
        let (h, context) = try harness(model(flag: both, confirm: both))
        _ = await JobRunner(context: context).run(.llmalert, batch: try batch(yaml + "llmalert_snooze_n: 3\n"))
        #expect(try h.all("test", .llmalert).map { MetricTimestamp.format($0.timestamp) } == ["2026-01-15 10:00:00"])
        let (h2, context2) = try harness(model(flag: both, confirm: both))
        _ = await JobRunner(context: context2).run(.llmalert, batch: try batch(yaml + "llmalert_snooze_n: 1\n"))
        #expect(try h2.all("test", .llmalert).count == 2)
    }

    @Test func aModelThatFailsForEveryMetricFailsTheRun() async throws {
        let broken = ScriptedLanguageModel { _ in throw LanguageModelError("connection refused") }
        let (_, context) = try harness(broken)
        let run = await JobRunner(context: context).run(.llmalert, batch: try batch(yaml))
        #expect(run.status == .failed)
        #expect(run.error == "the language model failed for every metric: a: connection refused")
    }

    @Test func theTokenBudgetStopsARun() async throws {
        let model = model(flag: [], confirm: [])
        let (_, context) = try harness(model)
        let run = await JobRunner(context: context).run(.llmalert, batch: try batch(yaml + "llm_max_tokens_per_run: 10\n"))
        #expect(run.status == .failed)
        #expect(model.requests.isEmpty)
        #expect(run.error?.contains("token budget") == true)
    }
}

/// `alert_explain`: score alerts carry the model's short explanation, built from history and feedback.
@Suite struct AlertExplanationTests {
    @Test func anAlertCarriesABoundedExplanation() async throws {
        let h = try Harness()
        let store = try h.store()
        let values = hourly((0..<10).map { $0 == 9 ? 90 : 50 })
        try store.insert(values)
        try store.insert(
            values.enumerated().map { i, row in
                MetricRow(timestamp: row.timestamp, batch: "test", name: "m", type: .score, value: i >= 7 ? 0.95 : 0.1)
            })
        // An earlier alert that someone marked as a false alarm.
        try store.insert([
            MetricRow(timestamp: values[2].timestamp, batch: "test", name: "m", type: .alert, value: 1),
            MetricRow(timestamp: values[2].timestamp, batch: "test", name: "m", type: .thumbsdown, value: 1),
        ])
        let model = ScriptedLanguageModel { _ in "The value jumped to 90 from a steady 50.\n" + String(repeating: "x", count: 600) }
        var context = h.context
        context.llm = model
        let b = try batch(
            "metric_batch: test\ningest_sql: select 1\nalert_explain: true\nalert_methods: webhook\nalert_snooze_n: 0\nalert_recent_n: 1\n")
        let run = await JobRunner(context: context).run(.alert, batch: b)
        #expect(run.rowsWritten == 1)
        let prompt = try #require(model.requests.first?.messages.last?.content)
        #expect(prompt.contains("- 2026-01-15 05:00:00: marked a false alarm"))
        #expect(prompt.contains("2026-01-15 12:00:00,90.0000"))
        let delivered = try #require(h.channel.delivered.first)
        let explanation = try #require(delivered.notification.details["explanation"])
        #expect(explanation.hasPrefix("The value jumped to 90 from a steady 50. xxx"))
        #expect(explanation.count == AlertExplainer.maxCharacters)
        #expect(delivered.message.text.contains("Explanation: The value jumped"))

        let quiet = try Harness()
        try quiet.store().insert(try store.rows(MetricQuery(batch: "test", types: [.metric, .score])))
        var broken = quiet.context
        broken.llm = ScriptedLanguageModel { _ in throw LanguageModelError("timeout") }
        #expect(await JobRunner(context: broken).run(.alert, batch: b).rowsWritten == 1)  // the alert goes out without one
        #expect(quiet.channel.delivered.first?.notification.details["explanation"] == nil)
    }
}
