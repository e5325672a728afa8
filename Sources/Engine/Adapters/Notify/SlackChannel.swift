import Foundation
import Synchronization

/// Slack through a bot token: the chart is uploaded with the message (files.getUploadURLExternal,
/// the upload, files.completeUploadExternal with the text as its comment); without a chart,
/// chat.postMessage. A channel given by name (`#alerts` or `alerts`, as Anomstack users set
/// `ANOMSTACK_SLACK_CHANNEL`) is looked up once with conversations.list, since uploads take only
/// channel IDs. Slack answers errors with HTTP 200 and `ok: false`; a bad token or channel is
/// permanent, anything else is retried.
public struct SlackChannel: NotificationChannel {
    public let token: String
    public let channel: String
    public let apiBase: URL
    public let transport: any HTTPTransport
    private let resolved = ChannelIDs()

    /// Slack error codes that a retry cannot fix.
    static let permanentErrors: Set<String> = [
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "channel_not_found",
        "not_in_channel", "is_archived", "missing_scope", "invalid_arguments",
    ]

    public init(token: String, channel: String, apiBase: URL, transport: any HTTPTransport) {
        self.token = token
        self.channel = channel
        self.apiBase = apiBase
        self.transport = transport
    }

    public func send(_ delivery: Delivery) async throws {
        let channel = try await channelID(delivery.target.slackChannel ?? self.channel)
        guard let png = delivery.attachment else {
            _ = try await call("chat.postMessage", json: CanonicalJSON.object(["channel": .string(channel), "text": .string(delivery.message.text)]))
            return
        }
        let form = "filename=chart.png&length=\(png.count)"
        let ticket = try await call("files.getUploadURLExternal", body: Data(form.utf8), contentType: "application/x-www-form-urlencoded")
        guard let uploadText = ticket["upload_url"] as? String, let uploadURL = URL(string: uploadText),
            let fileID = ticket["file_id"] as? String
        else {
            throw DeliveryFailure("Slack files.getUploadURLExternal answered without upload_url or file_id")
        }
        _ = try await HTTPOutcome.send(
            HTTPRequest(method: "POST", url: uploadURL, headers: ["Content-Type": "image/png"], body: png),
            over: transport, what: "Slack file upload")
        let complete = CanonicalJSON.object([
            "files": .array([.object(["id": .string(fileID), "title": .string(delivery.message.title)])]),
            "channel_id": .string(channel), "initial_comment": .string(delivery.message.text),
        ])
        _ = try await call("files.completeUploadExternal", json: complete)
    }

    /// Whether a channel is given as an ID (`C…`, `G…` or `D…` without lower case) rather than a
    /// name: Slack's channel names are always lower case.
    static func isID(_ channel: String) -> Bool {
        guard let first = channel.first, "CGD".contains(first) else { return false }
        return !channel.contains { $0.isLowercase }
    }

    /// The ID of a channel given by ID or name, looked up page by page and remembered.
    public func channelID(_ channel: String) async throws -> String {
        if Self.isID(channel) { return channel }
        let name = channel.hasPrefix("#") ? String(channel.dropFirst()) : channel
        if let known = resolved.id(for: name) { return known }
        var cursor = ""
        repeat {
            var form = "types=public_channel,private_channel&exclude_archived=true&limit=1000"
            if !cursor.isEmpty { form += "&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)" }
            let page = try await call("conversations.list", body: Data(form.utf8), contentType: "application/x-www-form-urlencoded")
            for entry in page["channels"] as? [[String: Any]] ?? [] {
                if let id = entry["id"] as? String, let entryName = entry["name"] as? String {
                    resolved.remember(entryName, id)
                    if entryName == name { return id }
                }
            }
            cursor = (page["response_metadata"] as? [String: Any])?["next_cursor"] as? String ?? ""
        } while !cursor.isEmpty
        throw DeliveryFailure("Slack channel '\(channel)' not found by conversations.list (is the bot invited?)", permanent: true)
    }

    func call(_ method: String, json: CanonicalJSON) async throws -> [String: Any] {
        try await call(method, body: Data(json.text.utf8), contentType: "application/json; charset=utf-8")
    }

    func call(_ method: String, body: Data, contentType: String) async throws -> [String: Any] {
        let request = HTTPRequest(
            method: "POST", url: apiBase.appendingPathComponent(method),
            headers: ["Authorization": "Bearer \(token)", "Content-Type": contentType], body: body)
        let response = try await HTTPOutcome.send(request, over: transport, what: "Slack \(method)")
        guard let answer = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw DeliveryFailure("Slack \(method) answered with something that is not JSON")
        }
        guard answer["ok"] as? Bool == true else {
            let error = answer["error"] as? String ?? "unknown_error"
            throw DeliveryFailure(
                "Slack \(method) failed: \(error)", permanent: Self.permanentErrors.contains(error),
                retryAfter: response.headers["retry-after"].flatMap(TimeInterval.init))
        }
        return answer
    }
}

/// Channel names already looked up, shared by the copies of one channel value.
final class ChannelIDs: Sendable {
    private let ids = Mutex<[String: String]>([:])

    func id(for name: String) -> String? { ids.withLock { $0[name] } }
    func remember(_ name: String, _ id: String) { ids.withLock { $0[name] = id } }
}

/// Slack through an incoming-webhook URL: the text only (webhooks cannot carry files).
public struct SlackWebhookChannel: NotificationChannel {
    public let url: URL
    public let transport: any HTTPTransport

    public init(url: URL, transport: any HTTPTransport) {
        self.url = url
        self.transport = transport
    }

    public func send(_ delivery: Delivery) async throws {
        try await HTTPOutcome.postJSON(
            CanonicalJSON.object(["text": .string(delivery.message.text)]).text, to: url,
            over: transport, what: "Slack webhook")
    }
}
