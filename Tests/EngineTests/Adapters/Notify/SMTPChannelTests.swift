import Engine
import Fixtures
import Foundation
import Testing

/// Email through libcurl to a real SMTP server (aiosmtpd) that requires STARTTLS and a login.
@Suite struct SMTPChannelTests {
    func settings(_ services: DeliveryServices, to: String, password: String = "secret", port: Int? = nil) -> SMTPChannel.Settings {
        SMTPChannel.Settings(
            host: "127.0.0.1", port: port ?? services.smtpPort, from: "alerts@example.org", to: [to],
            username: "alerts@example.org", password: password, security: "starttls",
            caFile: services.certificate, timeout: 10)
    }

    @Test func anAlertArrivesAsHTMLWithTheChartInline() async throws {
        let services = try DeliveryServices.require()
        let recipient = "oncall-\(DeliveryServices.token())@example.org"
        let env = [
            "ANOMSTACK_ALERT_EMAIL_SMTP_HOST": "127.0.0.1", "ANOMSTACK_ALERT_EMAIL_SMTP_PORT": "\(services.smtpPort)",
            "ANOMSTACK_ALERT_EMAIL_FROM": "alerts@example.org", "ANOMSTACK_ALERT_EMAIL_TO": recipient,
            "ANOMSTACK_ALERT_EMAIL_PASSWORD": "secret", "ANOMSTACK_ALERT_EMAIL_CA_FILE": services.certificate,
        ]
        let h = try Harness()
        var context = h.context
        context.channels = ChannelSettings.channels(environment: env, transport: URLSessionTransport()).0
        let b = try batch(
            "metric_batch: shop\ningest_sql: select 1\nalert_methods: email\nalert_smooth_n: 1\ndashboard_url: http://dash.local\nmetric_tags:\n  m: {team: core}\n"
        )
        try h.store().insert(
            hourly([10, 11, 12, 50], batch: "shop")
                + hourly([0.1, 0.1, 0.2, 0.97], batch: "shop", type: .score))
        #expect(try await AlertJob().run(batch: b, context: context).rowsWritten == 1)
        #expect(try h.database.deliveries(batch: "shop").map(\.status) == [.delivered])

        let mail = try await services.mail(to: recipient)
        #expect(mail.count == 1)
        let message = try #require(mail.first)
        #expect(message["tls"] as? Bool == true && message["authenticated"] as? Bool == true)
        #expect(message["subject"] as? String == "[critical] 🔥 [m] looks anomalous (2026-01-15 12:00:00) 🔥")
        #expect(message["mail_from"] as? String == "alerts@example.org")
        let parts = try #require(message["parts"] as? [[String: Any]])
        #expect(parts.map { $0["content_type"] as? String ?? "" } == ["text/plain", "text/html", "image/png"])
        let text = String(decoding: Data(base64Encoded: parts[0]["base64"] as! String)!, as: UTF8.self)
        #expect(text.contains("Metric: m") && text.contains("Value: 50.0000") && text.contains("Tags: team=core"))
        #expect(text.contains("Dashboard: http://dash.local/batches/shop?metric=m"))
        let html = String(decoding: Data(base64Encoded: parts[1]["base64"] as! String)!, as: UTF8.self)
        #expect(html.contains("<img src=\"cid:chart.png\""))
        #expect(parts[2]["content_id"] as? String == "<chart.png>" && parts[2]["disposition"] as? String == "inline")
        let png = try #require(Data(base64Encoded: parts[2]["base64"] as! String))
        #expect(try PNGDecoder.decode(png).width == 800)
    }

    @Test func aWrongPasswordIsPermanentAndADownServerIsNot() async throws {
        let services = try DeliveryServices.require()
        let delivery = WebhookPayloadTests.delivery()
        await #expect {
            try await SMTPChannel(settings: settings(services, to: "x@example.org", password: "wrong")).send(delivery)
        } throws: { error in
            (error as? DeliveryFailure)?.permanent == true
        }
        await #expect {
            try await SMTPChannel(settings: settings(services, to: "x@example.org", port: DeliveryServices.closedPort)).send(delivery)
        } throws: { error in
            (error as? DeliveryFailure).map { !$0.permanent && $0.message.contains("127.0.0.1:\(DeliveryServices.closedPort)") } == true
        }
    }

    @Test func aRefusedRecipientFailsTheDelivery() async throws {
        let services = try DeliveryServices.require()
        await #expect(throws: DeliveryFailure.self) {
            try await SMTPChannel(settings: settings(services, to: "reject-\(DeliveryServices.token())@example.org")).send(
                WebhookPayloadTests.delivery())
        }
    }

    @Test func theMessageIsTheSameOnEveryRetry() {
        let delivery = WebhookPayloadTests.delivery()
        let a = MIMEMessage(from: "a@example.org", to: ["b@example.org"], delivery: delivery).text
        #expect(a == MIMEMessage(from: "a@example.org", to: ["b@example.org"], delivery: delivery).text)
        #expect(a.contains("Date: Thu, 15 Jan 2026 12:00:00 +0000\r\n"))
        #expect(a.contains("Subject: T\r\n"))
        var unicode = delivery
        unicode.message.title = "🔥 x"
        #expect(MIMEMessage(from: "a", to: ["b"], delivery: unicode).text.contains("Subject: =?UTF-8?B?8J+UpSB4?=\r\n"))
    }
}
