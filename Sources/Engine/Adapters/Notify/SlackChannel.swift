import Foundation

/// Slack through a bot token: the chart is uploaded with the message (files.getUploadURLExternal,
/// the upload, files.completeUploadExternal with the text as its comment); without a chart,
/// chat.postMessage. Slack answers errors with HTTP 200 and `ok: false`; a bad token or channel
/// is permanent, anything else is retried.
public struct SlackChannel: NotificationChannel {
    public let token: String
    public let channel: String
    public let apiBase: URL
    public let transport: HTTPTransport

    /// Slack error codes that a retry cannot fix.
    static let permanentErrors: Set<String> = ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "channel_not_found",
                                               "not_in_channel", "is_archived", "missing_scope", "invalid_arguments"]

    public init(token: String, channel: String, apiBase: URL, transport: HTTPTransport) {
        self.token = token
        self.channel = channel
        self.apiBase = apiBase
        self.transport = transport
    }

    public func send(_ delivery: Delivery) async throws {
        let channel = delivery.target.slackChannel ?? self.channel
        guard let png = delivery.attachment else {
            _ = try await call("chat.postMessage", json: CanonicalJSON.object(["channel": .string(channel), "text": .string(delivery.message.text)]))
            return
        }
        let form = "filename=chart.png&length=\(png.count)"
        let ticket = try await call("files.getUploadURLExternal", body: Data(form.utf8), contentType: "application/x-www-form-urlencoded")
        guard let uploadText = ticket["upload_url"] as? String, let uploadURL = URL(string: uploadText),
              let fileID = ticket["file_id"] as? String else {
            throw DeliveryFailure("Slack files.getUploadURLExternal answered without upload_url or file_id")
        }
        _ = try await HTTPOutcome.send(HTTPRequest(method: "POST", url: uploadURL, headers: ["Content-Type": "image/png"], body: png),
                                       over: transport, what: "Slack file upload")
        let complete = CanonicalJSON.object([
            "files": .array([.object(["id": .string(fileID), "title": .string(delivery.message.title)])]),
            "channel_id": .string(channel), "initial_comment": .string(delivery.message.text),
        ])
        _ = try await call("files.completeUploadExternal", json: complete)
    }

    func call(_ method: String, json: CanonicalJSON) async throws -> [String: Any] {
        try await call(method, body: Data(json.text.utf8), contentType: "application/json; charset=utf-8")
    }

    func call(_ method: String, body: Data, contentType: String) async throws -> [String: Any] {
        let request = HTTPRequest(method: "POST", url: apiBase.appendingPathComponent(method),
                                  headers: ["Authorization": "Bearer \(token)", "Content-Type": contentType], body: body)
        let response = try await HTTPOutcome.send(request, over: transport, what: "Slack \(method)")
        guard let answer = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw DeliveryFailure("Slack \(method) answered with something that is not JSON")
        }
        guard answer["ok"] as? Bool == true else {
            let error = answer["error"] as? String ?? "unknown_error"
            throw DeliveryFailure("Slack \(method) failed: \(error)", permanent: Self.permanentErrors.contains(error),
                                  retryAfter: response.headers["retry-after"].flatMap(TimeInterval.init))
        }
        return answer
    }
}

/// Slack through an incoming-webhook URL: the text only (webhooks cannot carry files).
public struct SlackWebhookChannel: NotificationChannel {
    public let url: URL
    public let transport: HTTPTransport

    public init(url: URL, transport: HTTPTransport) {
        self.url = url
        self.transport = transport
    }

    public func send(_ delivery: Delivery) async throws {
        let body = CanonicalJSON.object(["text": .string(delivery.message.text)]).text
        _ = try await HTTPOutcome.send(HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"],
                                                   body: Data(body.utf8)), over: transport, what: "Slack webhook")
    }
}
