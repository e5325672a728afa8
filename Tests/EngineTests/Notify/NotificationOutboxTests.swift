import Engine
import Fixtures
import Foundation
import Testing

@Suite struct NotificationOutboxTests {
    func notification(_ metric: String = "m", tags: [String: String] = [:], methods: [String] = ["email", "slack"]) -> AlertNotification {
        AlertNotification(
            kind: .alert, batch: "test", metric: metric, timestamp: referenceTime, value: 42, score: 0.97,
            smoothedScore: 0.96, threshold: 0.8, severity: .critical, methods: methods, tags: tags)
    }

    @Test func mutedNotificationsAreRecordedNotSent() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_mute_metrics:\n  m: \"2026-01-15 13:00:00\"\n")
        try await NotificationOutbox(context: h.context).post([notification(), notification("other")], batch: b)
        await DeliveryDispatcher(context: h.context).dispatch(batch: b)
        let log = try h.database.deliveries(batch: "test")
        #expect(log.filter { $0.notification.metric == "m" }.map(\.status) == [.muted, .muted])
        #expect(log.filter { $0.notification.metric == "m" }.allSatisfy { $0.attachment == nil }, "no chart for what is not sent")
        #expect(h.channel.delivered.map(\.notification.metric) == ["other", "other"])
    }

    @Test func aStoredMuteCoversTheWholeBatchUntilItEnds() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\n")
        try h.database.setMute(Mute(batch: "test", metric: nil, until: referenceTime.addingTimeInterval(60), reason: "deploy"))
        try await NotificationOutbox(context: h.context).post([notification()], batch: b)
        h.clock.advance(by: 60)
        var later = notification()
        later.timestamp = referenceTime.addingTimeInterval(60)
        later.id = AlertNotification.id(kind: .alert, batch: "test", metric: "m", timestamp: later.timestamp)
        try await NotificationOutbox(context: h.context).post([later], batch: b)
        #expect(try h.database.deliveries(batch: "test").map(\.status) == [.muted, .muted, .pending, .pending])
        #expect(try h.database.mutes(batch: "test").map(\.reason) == ["deploy"])
        #expect(try h.database.clearMute(batch: "test", metric: nil))
        #expect(try h.database.mutes(batch: nil).isEmpty)
    }

    @Test func routesPickChannelsAndRecipientsByTag() async throws {
        let h = try Harness()
        let b = try batch(
            """
            metric_batch: test
            ingest_sql: select 1
            alert_routes:
              - match: {team: payments}
                methods: slack
                slack_channel: "#payments"
              - match: {team: search, tier: 1}
                methods: email,pagerduty
                email_to: [search@example.org, oncall@example.org]
            """)
        try await NotificationOutbox(context: h.context).post(
            [
                notification("pay", tags: ["team": "payments"]), notification("find", tags: ["team": "search", "tier": "1"]),
                notification("misc", tags: ["team": "search"]),
            ], batch: b)
        let log = try h.database.deliveries(batch: "test").map {
            "\($0.notification.metric) \($0.method) \($0.target.slackChannel ?? "") \(($0.target.emailTo ?? []).joined(separator: "+"))"
        }
        #expect(
            log.sorted() == [
                "find email  search@example.org+oncall@example.org", "find pagerduty  search@example.org+oncall@example.org",
                "misc email  ", "misc slack  ", "pay slack #payments ",
            ])
    }

    @Test func templatesOverrideTheBodyAndABrokenOneFallsBack() throws {
        let composer = NotificationComposer(templates: TemplateRenderer(folder: InMemoryMetricsFolder([:])))
        let b = try batch(
            """
            metric_batch: test
            ingest_sql: select 1
            dashboard_url: "https://dash.example.org/"
            alert_template_title: "{{ severity|uppercase }}: {{ metric }} at {{ value }}"
            alert_template_text: "{{ metric }} {% for k, v in tags %}{{ k }}={{ v }}{% endfor %}"
            alert_template_html: "{% if %}broken"
            """)
        let (message, errors) = composer.compose(notification(tags: ["team": "core"]), batch: b, hasChart: true)
        #expect(message.title == "CRITICAL: m at 42.0000")
        #expect(message.text == "m team=core")
        #expect(errors.count == 1 && errors[0].contains("alert_template_html"), "\(errors)")
        #expect(message.html.contains("<img src=\"cid:chart.png\""))
        #expect(message.html.contains("<a href=\"https://dash.example.org/batches/test?metric=m\">"))
    }

    @Test func theDefaultTextListsTheFactsAndEscapesHTML() throws {
        let composer = NotificationComposer(templates: TemplateRenderer(folder: InMemoryMetricsFolder([:])))
        let b = try batch("metric_batch: test\ningest_sql: select 1\n")
        var n = notification("a<b>")
        n.severity = .warning
        let (message, errors) = composer.compose(n, batch: b, hasChart: false)
        #expect(errors.isEmpty)
        #expect(message.title == "🔥 [a<b>] looks anomalous (2026-01-15 12:00:00) 🔥")
        #expect(
            message.text.contains("Metric: a<b>\n") && message.text.contains("Smoothed score: 0.9600\n")
                && message.text.contains("Severity: warning\n"))
        #expect(message.html.contains("a&lt;b&gt;") && !message.html.contains("a<b>"))
        #expect(!message.html.contains("cid:chart.png"))
    }
}
