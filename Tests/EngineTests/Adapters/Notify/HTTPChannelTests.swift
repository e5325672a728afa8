import Engine
import Fixtures
import Foundation
import Testing

/// Webhook, Slack, PagerDuty and Teams deliveries over real HTTP to the recording receiver.
@Suite struct HTTPChannelTests {
    let transport = URLSessionTransport(timeout: 5)

    func delivery(png: Data? = nil) -> Delivery {
        var d = WebhookPayloadTests.delivery()
        d.attachment = png
        return d
    }

    @Test func theWebhookBodyIsSignedWithHMAC() async throws {
        let services = try DeliveryServices.require()
        let token = DeliveryServices.token()
        let url = services.http.appendingPathComponent("hooks/\(token)")
        try await WebhookChannel(url: url, secret: "test-secret", transport: transport).send(delivery())
        let requests = try await services.requests(containing: token)
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.headers["x-signature-256"] == "sha256=\(request["hmac_test_secret"] as? String ?? "")")
        #expect(request.headers["content-type"] == "application/json")
        #expect(String(decoding: request.body, as: UTF8.self) == WebhookPayload.generic(delivery()))
    }

    @Test func failuresAreClassified() async throws {
        let services = try DeliveryServices.require()
        let token = DeliveryServices.token()
        func failure(_ path: String, timeout: TimeInterval = 5) async -> DeliveryFailure? {
            do {
                try await WebhookChannel(
                    url: services.http.appendingPathComponent(path), secret: nil,
                    transport: URLSessionTransport(timeout: timeout)
                ).send(delivery())
                return nil
            } catch {
                return error as? DeliveryFailure
            }
        }
        let serverError = await failure("status/500/\(token)")
        #expect(serverError?.permanent == false)
        let notFound = await failure("status/404/\(token)")
        #expect(notFound?.permanent == true)
        let limited = await failure("status/429/\(token)")
        #expect(limited?.permanent == false && limited?.retryAfter == 1)
        let slow = await failure("slow/3/\(token)", timeout: 1)
        #expect(slow?.permanent == false)
        do {
            try await WebhookChannel(
                url: URL(string: "http://127.0.0.1:\(DeliveryServices.closedPort)/down")!, secret: nil,
                transport: transport
            ).send(delivery())
            Issue.record("a closed port accepted the delivery")
        } catch let error as DeliveryFailure {
            #expect(!error.permanent)
        }
    }

    @Test func aFlakyEndpointGetsTheAlertOnceThroughTheDispatcher() async throws {
        let services = try DeliveryServices.require()
        let token = DeliveryServices.token()
        let h = try Harness()
        var context = h.context
        context.channels = NotificationChannels([
            "webhook": WebhookChannel(
                url: services.http.appendingPathComponent("flaky/2/\(token)"),
                secret: nil, transport: transport)
        ])
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\nalert_smooth_n: 1\n")
        try h.store().insert(
            hourly([1, 2, 9])
                + hourly([0.1, 0.1, 0.99], type: .score))
        #expect(try await AlertJob().run(batch: b, context: context).rowsWritten == 1)
        for _ in 0..<4 {
            h.clock.advance(by: 120)
            await DeliveryDispatcher(context: context).dispatch(batch: b)
        }
        let log = try h.database.deliveries(batch: "test")
        #expect(log.map(\.status) == [.delivered] && log[0].attempts == 3)
        let requests = try await services.requests(containing: token)
        #expect(requests.count == 3, "two failures, one success, nothing after")
        #expect(Set(requests.map(\.body)).count == 1, "every retry sends the same body")
    }

    @Test func aDownEndpointNeverFailsTheJobOrLosesTheAlert() async throws {
        let h = try Harness()
        var context = h.context
        context.channels = NotificationChannels([
            "webhook": WebhookChannel(
                url: URL(string: "http://127.0.0.1:\(DeliveryServices.closedPort)/x"),
                secret: nil, transport: transport)
        ])
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\nalert_smooth_n: 1\n")
        try h.store().insert(
            hourly([0.99], type: .score))
        let run = await JobRunner(context: context).run(.alert, batch: b)
        #expect(run.status == .success && run.rowsWritten == 1)
        let log = try h.database.deliveries(batch: "test")
        #expect(log.map(\.status) == [.pending] && log[0].lastError?.contains("could not be reached") == true)
    }

    @Test func slackBotUploadsTheChartWithTheMessage() async throws {
        let services = try DeliveryServices.require()
        let png = PNGEncoder.encode(Rasterizer.render(PlotScene(data: PlotRenderingTests.sample())))
        let api = services.http.appendingPathComponent("slack/api")
        let channel = SlackChannel(token: "xoxb-test", channel: "C0123", apiBase: api, transport: transport)
        var d = delivery(png: png)
        d.message.text = "slack-\(DeliveryServices.token())"
        try await channel.send(d)
        let calls = try await services.requests(containing: "/slack/")
        let complete = try #require(
            calls.last {
                ($0["path"] as? String) == "/slack/api/files.completeUploadExternal"
                    && String(decoding: $0.body, as: UTF8.self).contains(d.message.text)
            })
        let body = try JSONSerialization.jsonObject(with: complete.body) as! [String: Any]
        #expect(body["channel_id"] as? String == "C0123" && body["initial_comment"] as? String == d.message.text)
        let fileID = ((body["files"] as! [[String: Any]])[0]["id"] as! String)
        let upload = try #require(calls.first { ($0["path"] as? String) == "/slack/upload/\(fileID)" })
        #expect(upload.body == png)
        #expect(complete.headers["authorization"] == "Bearer xoxb-test")

        let textOnly = "text-\(DeliveryServices.token())"
        var plain = delivery()
        plain.message.text = textOnly
        try await channel.send(plain)
        let posted = try await services.requests(containing: "chat.postMessage")
        #expect(posted.contains { String(decoding: $0.body, as: UTF8.self).contains(textOnly) })
    }

    @Test func slackChannelNamesAreLookedUpAcrossPages() async throws {
        let services = try DeliveryServices.require()
        let channel = SlackChannel(
            token: "xoxb-test", channel: "#alerts", apiBase: services.http.appendingPathComponent("slack/api"),
            transport: transport)
        #expect(try await channel.channelID("#alerts") == "C0ALERTS")
        #expect(try await channel.channelID("general") == "C0GENERAL")
        #expect(try await channel.channelID("C0123456789") == "C0123456789", "an ID is used as it is")
        var d = delivery(png: Data([1, 2, 3]))
        d.message.text = "named-\(DeliveryServices.token())"
        try await channel.send(d)
        let complete = try await services.requests(containing: "files.completeUploadExternal")
            .last { String(decoding: $0.body, as: UTF8.self).contains(d.message.text) }
        let body = try JSONSerialization.jsonObject(with: try #require(complete).body) as! [String: Any]
        #expect(body["channel_id"] as? String == "C0ALERTS")
        await #expect { try await channel.channelID("#nowhere") } throws: { ($0 as? DeliveryFailure)?.permanent == true }
    }

    @Test func slackRefusalsArePermanent() async throws {
        let services = try DeliveryServices.require()
        let api = services.http.appendingPathComponent("slack/api")
        await #expect { try await SlackChannel(token: "xoxb-wrong", channel: "C1", apiBase: api, transport: transport).send(delivery()) } throws: {
            ($0 as? DeliveryFailure).map { $0.permanent && $0.message.contains("invalid_auth") } == true
        }
        await #expect {
            try await SlackChannel(token: "xoxb-test", channel: "C_MISSING", apiBase: api, transport: transport)
                .send(delivery(png: Data([1, 2, 3])))
        } throws: { ($0 as? DeliveryFailure).map { $0.permanent && $0.message.contains("channel_not_found") } == true }
    }

    @Test func slackWebhookPagerDutyAndTeamsPostTheirFormats() async throws {
        let services = try DeliveryServices.require()
        let token = DeliveryServices.token()
        try await SlackWebhookChannel(url: services.http.appendingPathComponent("slackhook/\(token)"), transport: transport).send(delivery())
        try await PagerDutyChannel(url: services.http.appendingPathComponent("pd/\(token)"), routingKey: "R", transport: transport).send(delivery())
        try await TeamsChannel(url: services.http.appendingPathComponent("teams/\(token)"), transport: transport).send(delivery())
        let requests = try await services.requests(containing: token)
        let byPath = Dictionary(
            uniqueKeysWithValues: requests.map { (($0["path"] as? String ?? "").split(separator: "/").first.map(String.init) ?? "", $0.body) })
        #expect(String(decoding: byPath["slackhook"] ?? Data(), as: UTF8.self) == #"{"text":"body"}"#)
        #expect(String(decoding: byPath["pd"] ?? Data(), as: UTF8.self) == WebhookPayload.pagerDuty(delivery(), routingKey: "R"))
        #expect(String(decoding: byPath["teams"] ?? Data(), as: UTF8.self) == WebhookPayload.teams(delivery()))
    }
}
