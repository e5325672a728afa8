import Foundation

/// How an HTTP answer maps onto a delivery outcome: 2xx delivered; 429 and 5xx (and 408) retried,
/// honouring Retry-After; other 4xx refused for good.
enum HTTPOutcome {
    static func check(_ response: HTTPResponse, what: String) throws {
        guard !(200..<300).contains(response.status) else { return }
        let body = String(decoding: response.body.prefix(300), as: UTF8.self)
        let retryAfter = response.headers["retry-after"].flatMap(TimeInterval.init)
        let transient = response.status == 429 || response.status == 408 || response.status >= 500
        throw DeliveryFailure("\(what) answered HTTP \(response.status): \(body)", permanent: !transient, retryAfter: retryAfter)
    }

    /// Sends a request; a transport error (refused, timed out) is a transient failure.
    static func send(_ request: HTTPRequest, over transport: any HTTPTransport, what: String) async throws -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw DeliveryFailure("\(what) could not be reached: \(error.localizedDescription)")
        }
        try check(response, what: what)
        return response
    }

    /// POSTs a JSON body (with any extra headers) and checks the answer.
    static func postJSON(
        _ body: String, to url: URL, headers: [String: String] = [:], over transport: any HTTPTransport,
        what: String
    ) async throws {
        let all = headers.merging(["Content-Type": "application/json"]) { own, _ in own }
        _ = try await send(HTTPRequest(method: "POST", url: url, headers: all, body: Data(body.utf8)), over: transport, what: what)
    }
}

/// Posts the generic JSON payload to a URL, signed with HMAC-SHA256 when a secret is set.
public struct WebhookChannel: NotificationChannel {
    public let url: URL?
    public let secret: String?
    public let transport: any HTTPTransport

    public init(url: URL?, secret: String?, transport: any HTTPTransport) {
        self.url = url
        self.secret = secret
        self.transport = transport
    }

    public func send(_ delivery: Delivery) async throws {
        guard let url = delivery.target.webhookURL.flatMap(URL.init(string:)) ?? url else {
            throw DeliveryFailure("no webhook URL: set ANOMSTACK_WEBHOOK_URL or a route's webhook_url", permanent: true)
        }
        let body = WebhookPayload.generic(delivery)
        var headers = ["X-Anomstack-Delivery": delivery.id]
        if let secret, !secret.isEmpty { headers["X-Signature-256"] = WebhookPayload.signature(body: body, secret: secret) }
        try await HTTPOutcome.postJSON(body, to: url, headers: headers, over: transport, what: "webhook \(url.host ?? "")")
    }
}

/// Sends PagerDuty Events API v2 events (trigger, and resolve on recovery).
public struct PagerDutyChannel: NotificationChannel {
    public let url: URL
    public let routingKey: String
    public let transport: any HTTPTransport

    public init(url: URL, routingKey: String, transport: any HTTPTransport) {
        self.url = url
        self.routingKey = routingKey
        self.transport = transport
    }

    public func send(_ delivery: Delivery) async throws {
        try await HTTPOutcome.postJSON(
            WebhookPayload.pagerDuty(delivery, routingKey: routingKey), to: url, over: transport,
            what: "PagerDuty")
    }
}

/// Posts an Adaptive Card to a Microsoft Teams incoming webhook.
public struct TeamsChannel: NotificationChannel {
    public let url: URL
    public let transport: any HTTPTransport

    public init(url: URL, transport: any HTTPTransport) {
        self.url = url
        self.transport = transport
    }

    public func send(_ delivery: Delivery) async throws {
        let target = delivery.target.webhookURL.flatMap(URL.init(string:)) ?? url
        try await HTTPOutcome.postJSON(WebhookPayload.teams(delivery), to: target, over: transport, what: "Teams")
    }
}
