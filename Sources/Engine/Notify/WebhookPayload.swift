import Foundation

/// The JSON bodies of the webhook-style channels. All are canonical JSON (sorted keys, fixed
/// decimals), so a body and its signature are the same on every retry.
public enum WebhookPayload {
    /// The engine's own schema (`anomaly-engine.notification.v1`; fields in docs/notifications.md).
    public static func generic(_ d: Delivery) -> String {
        let n = d.notification
        return CanonicalJSON.object([
            "schema": .string("anomaly-engine.notification.v1"), "id": .string(n.id), "delivery_id": .string(d.id),
            "kind": .string(n.kind.rawValue), "severity": .string(n.severity.rawValue), "batch": .string(n.batch),
            "metric": .string(n.metric), "timestamp": .string(MetricTimestamp.formatISO(n.timestamp)),
            "value": n.value.map { .number($0, decimals: 4) } ?? .null, "score": .number(n.score, decimals: 4),
            "smoothed_score": .number(n.smoothedScore, decimals: 4), "threshold": .number(n.threshold, decimals: 4),
            "details": .object(n.details.mapValues(CanonicalJSON.string)), "tags": .object(n.tags.mapValues(CanonicalJSON.string)),
            "title": .string(d.message.title), "text": .string(d.message.text),
        ]).text
    }

    /// A PagerDuty Events API v2 event: `trigger` for alerts, changes, breaches and silences,
    /// `resolve` (same dedup key as the incident it ends) for recoveries and returns of data.
    public static func pagerDuty(_ d: Delivery, routingKey: String) -> String {
        let n = d.notification
        let resolving = n.kind == .recovery || n.kind == .dataReturned
        let dedupKey: String
        switch n.kind {
        case .recovery:
            dedupKey = AlertNotification.id(
                kind: .alert, batch: n.batch, metric: n.metric,
                timestamp: n.details["alerted_at"].flatMap(MetricTimestamp.parse) ?? n.timestamp)
        case .dataReturned:
            dedupKey = AlertNotification.id(
                kind: .nodata, batch: n.batch, metric: n.metric,
                timestamp: n.details["silent_since"].flatMap(MetricTimestamp.parse) ?? n.timestamp)
        default:
            dedupKey = n.id
        }
        var event: [String: CanonicalJSON] = [
            "routing_key": .string(routingKey), "event_action": .string(resolving ? "resolve" : "trigger"),
            "dedup_key": .string(dedupKey),
        ]
        if !resolving {
            var custom: [String: CanonicalJSON] = [
                "batch": .string(n.batch), "metric": .string(n.metric),
                "score": .number(n.score, decimals: 4), "threshold": .number(n.threshold, decimals: 4),
                "kind": .string(n.kind.rawValue),
            ]
            if let value = n.value { custom["value"] = .number(value, decimals: 4) }
            for (key, value) in n.tags { custom["tag_\(key)"] = .string(value) }
            event["payload"] = .object([
                "summary": .string(String(d.message.title.prefix(1024))), "source": .string("anomaly-engine/\(n.batch)"),
                "severity": .string(n.severity == .critical ? "critical" : (n.severity == .warning ? "warning" : "info")),
                "timestamp": .string(MetricTimestamp.formatISO(n.timestamp)), "component": .string(n.metric),
                "group": .string(n.batch), "class": .string(n.kind.rawValue), "custom_details": .object(custom),
            ])
        }
        return CanonicalJSON.object(event).text
    }

    /// A Microsoft Teams message with an Adaptive Card (what Teams' Workflows webhooks take).
    public static func teams(_ d: Delivery) -> String {
        let facts = NotificationComposer.facts(d.notification).map { label, value in
            CanonicalJSON.object(["title": .string(label), "value": .string(value)])
        }
        let color = d.notification.severity == .critical ? "Attention" : (d.notification.severity == .warning ? "Warning" : "Good")
        let card: CanonicalJSON = .object([
            "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"), "type": .string("AdaptiveCard"),
            "version": .string("1.4"),
            "body": .array([
                .object([
                    "type": .string("TextBlock"), "text": .string(d.message.title), "weight": .string("Bolder"),
                    "size": .string("Medium"), "color": .string(color), "wrap": .bool(true),
                ]),
                .object(["type": .string("FactSet"), "facts": .array(facts)]),
            ]),
        ])
        return CanonicalJSON.object([
            "type": .string("message"),
            "attachments": .array([.object(["contentType": .string("application/vnd.microsoft.card.adaptive"), "content": card])]),
        ]).text
    }

    /// The `X-Signature-256` header value for `body` under `secret`: `sha256=<hex HMAC-SHA256>`,
    /// as GitHub signs its webhooks.
    public static func signature(body: String, secret: String) -> String {
        "sha256=" + Hex.encode(HMACSHA256.mac(key: Array(secret.utf8), message: Array(body.utf8)))
    }
}
