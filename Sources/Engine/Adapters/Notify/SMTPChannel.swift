import CCurlMail
import Foundation

/// Email over SMTP through libcurl: STARTTLS (required unless turned off) and login, as
/// Anomstack's email alerts do, with the message built by `MIMEMessage`.
public struct SMTPChannel: NotificationChannel {
    /// Connection settings (from `ANOMSTACK_ALERT_EMAIL_*`).
    public struct Settings: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var from: String
        public var to: [String]
        public var username: String?
        public var password: String?
        /// `starttls` (default), `ssl` (implicit TLS, port 465) or `none`.
        public var security: String
        public var caFile: String?
        public var timeout: Int

        public init(
            host: String, port: Int, from: String, to: [String], username: String?, password: String?,
            security: String = "starttls", caFile: String? = nil, timeout: Int = 30
        ) {
            self.host = host
            self.port = port
            self.from = from
            self.to = to
            self.username = username
            self.password = password
            self.security = security
            self.caFile = caFile
            self.timeout = timeout
        }
    }

    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func send(_ delivery: Delivery) async throws {
        let recipients = delivery.target.emailTo ?? settings.to
        guard !recipients.isEmpty else { throw DeliveryFailure("no email recipients", permanent: true) }
        let payload = MIMEMessage(from: settings.from, to: recipients, delivery: delivery).text
        let scheme = settings.security == "ssl" ? "smtps" : "smtp"
        let url = "\(scheme)://\(settings.host):\(settings.port)"
        let (code, response, message) = await Self.transfer(url: url, settings: settings, recipients: recipients, payload: payload)
        guard code == 0 else {
            // 67 is CURLE_LOGIN_DENIED: retrying with the same password will not help.
            throw DeliveryFailure(
                "SMTP \(settings.host):\(settings.port): \(message)\(response > 0 ? " (server said \(response))" : "")",
                permanent: code == 67 || (500..<600).contains(response) && code != 28)
        }
    }

    /// Runs the blocking libcurl transfer on its own thread, off the structured-concurrency pool.
    static func transfer(url: String, settings: Settings, recipients: [String], payload: String) async -> (Int32, Int, String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: perform(url: url, settings: settings, recipients: recipients, payload: payload))
            }
        }
    }

    static func perform(url: String, settings: Settings, recipients: [String], payload: String) -> (Int32, Int, String) {
        var error = [CChar](repeating: 0, count: 512)
        var response = 0
        let bytes = Array(payload.utf8)
        let cRecipients = recipients.map { strdup("<\($0)>") }
        defer { cRecipients.forEach { free($0) } }
        let code: Int32 = url.withCString { cURL in
            settings.from.withCString { cFrom in
                withOptionalCString(settings.username) { cUser in
                    withOptionalCString(settings.password) { cPassword in
                        withOptionalCString(settings.caFile) { cCA in
                            bytes.withUnsafeBufferPointer { payloadBytes in
                                cRecipients.map { UnsafePointer($0) }.withUnsafeBufferPointer { list in
                                    payloadBytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { cPayload in
                                        var mail = ccurl_mail(
                                            url: cURL, username: cUser, password: cPassword, from: cFrom,
                                            recipients: list.baseAddress, recipient_count: Int32(recipients.count),
                                            payload: cPayload, payload_length: bytes.count, ca_file: cCA,
                                            require_tls: settings.security == "none" ? 0 : 1,
                                            timeout_seconds: settings.timeout)
                                        return ccurl_send_mail(&mail, &error, error.count, &response)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (code, response, String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

private func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
