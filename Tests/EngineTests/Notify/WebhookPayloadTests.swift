import Engine
import Fixtures
import Foundation
import Testing

@Suite struct WebhookPayloadTests {
    static func delivery(kind: NotificationKind = .alert, details: [String: String] = [:]) -> Delivery {
        let n = AlertNotification(
            kind: kind, batch: "shop", metric: "errors", timestamp: referenceTime, value: 12.5, score: 0.97,
            smoothedScore: 0.91, threshold: 0.8, severity: kind == .recovery ? .info : .critical,
            details: details, methods: ["webhook"], tags: ["team": "core"])
        return Delivery(
            notification: n, method: "webhook", target: DeliveryTarget(),
            message: ComposedMessage(title: "T", text: "body", html: "<p>"), attachment: nil, status: .pending,
            createdAt: referenceTime)
    }

    @Test func theGenericPayloadIsCanonicalAndSigned() throws {
        let body = WebhookPayload.generic(Self.delivery())
        #expect(
            body
                == #"{"batch":"shop","delivery_id":"alert/shop/errors/2026-01-15T12:00:00Z/webhook","details":{},"id":"alert/shop/errors/2026-01-15T12:00:00Z","kind":"alert","metric":"errors","schema":"anomaly-engine.notification.v1","score":0.9700,"severity":"critical","smoothed_score":0.9100,"tags":{"team":"core"},"text":"body","threshold":0.8000,"timestamp":"2026-01-15T12:00:00Z","title":"T","value":12.5000}"#
        )
        #expect(
            WebhookPayload.signature(body: "hello", secret: "key")
                == "sha256=9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b")
    }

    @Test func pagerDutyTriggersAndResolvesTheSameIncident() throws {
        let trigger = try JSONSerialization.jsonObject(with: Data(WebhookPayload.pagerDuty(Self.delivery(), routingKey: "R").utf8)) as! [String: Any]
        #expect(trigger["event_action"] as? String == "trigger")
        #expect(trigger["routing_key"] as? String == "R")
        let payload = trigger["payload"] as! [String: Any]
        #expect(payload["severity"] as? String == "critical" && payload["source"] as? String == "anomaly-engine/shop")
        #expect(payload["summary"] as? String == "T" && payload["component"] as? String == "errors")
        let recovery = Self.delivery(kind: .recovery, details: ["alerted_at": "2026-01-15 10:00:00"])
        let resolve = try JSONSerialization.jsonObject(with: Data(WebhookPayload.pagerDuty(recovery, routingKey: "R").utf8)) as! [String: Any]
        #expect(resolve["event_action"] as? String == "resolve")
        #expect(resolve["dedup_key"] as? String == "alert/shop/errors/2026-01-15T10:00:00Z")
        #expect(resolve["payload"] == nil)
        // A silence's incident is resolved by the return of data.
        let silence = try JSONSerialization.jsonObject(
            with: Data(WebhookPayload.pagerDuty(Self.delivery(kind: .nodata), routingKey: "R").utf8)) as! [String: Any]
        #expect(silence["event_action"] as? String == "trigger" && silence["dedup_key"] as? String == "nodata/shop/errors/2026-01-15T12:00:00Z")
        let back = Self.delivery(kind: .dataReturned, details: ["silent_since": "2026-01-15 12:00:00"])
        let ended = try JSONSerialization.jsonObject(with: Data(WebhookPayload.pagerDuty(back, routingKey: "R").utf8)) as! [String: Any]
        #expect(ended["event_action"] as? String == "resolve" && ended["dedup_key"] as? String == "nodata/shop/errors/2026-01-15T12:00:00Z")
    }

    @Test func teamsGetsAnAdaptiveCard() throws {
        let message = try JSONSerialization.jsonObject(with: Data(WebhookPayload.teams(Self.delivery()).utf8)) as! [String: Any]
        let attachment = (message["attachments"] as! [[String: Any]])[0]
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = attachment["content"] as! [String: Any]
        #expect(card["type"] as? String == "AdaptiveCard")
        let facts = ((card["body"] as! [[String: Any]])[1]["facts"] as! [[String: String]])
        #expect(facts.contains(["title": "Metric", "value": "errors"]))
    }
}
