import Foundation

/// Builds the notification channels from the environment, with Anomstack's variable names where
/// it has them. A channel whose variables are missing is left out (its deliveries are recorded as
/// `unconfigured`), and `summary` lists what is on and off for the log.
public enum ChannelSettings {
    public static func channels(environment env: [String: String], transport: any HTTPTransport) -> (NotificationChannels, [String]) {
        var channels: [String: any NotificationChannel] = [:]
        var summary: [String] = []
        func value(_ key: String) -> String? { env[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }

        if let host = value("ANOMSTACK_ALERT_EMAIL_SMTP_HOST"), let from = value("ANOMSTACK_ALERT_EMAIL_FROM"),
            let to = value("ANOMSTACK_ALERT_EMAIL_TO")
        {
            let settings = SMTPChannel.Settings(
                host: host, port: value("ANOMSTACK_ALERT_EMAIL_SMTP_PORT").flatMap(Int.init) ?? 587, from: from,
                to: NotificationRouting.methodList(to), username: value("ANOMSTACK_ALERT_EMAIL_USERNAME") ?? from,
                password: value("ANOMSTACK_ALERT_EMAIL_PASSWORD"), security: value("ANOMSTACK_ALERT_EMAIL_SECURITY") ?? "starttls",
                caFile: value("ANOMSTACK_ALERT_EMAIL_CA_FILE"),
                timeout: value("ANOMSTACK_ALERT_TIMEOUT_SECONDS").flatMap(Int.init) ?? 30)
            channels["email"] = SMTPChannel(settings: settings)
            summary.append("email: on (\(host):\(settings.port), \(settings.security))")
        } else {
            summary.append("email: off (set ANOMSTACK_ALERT_EMAIL_SMTP_HOST, _FROM and _TO)")
        }

        let slackAPI = value("ANOMSTACK_SLACK_API_URL").flatMap(URL.init(string:)) ?? URL(string: "https://slack.com/api")!
        if let token = value("ANOMSTACK_SLACK_BOT_TOKEN"), let channel = value("ANOMSTACK_SLACK_CHANNEL") {
            channels["slack"] = SlackChannel(token: token, channel: channel, apiBase: slackAPI, transport: transport)
            summary.append("slack: on (bot, \(channel))")
        } else if let url = value("ANOMSTACK_SLACK_WEBHOOK_URL").flatMap(URL.init(string:)) {
            channels["slack"] = SlackWebhookChannel(url: url, transport: transport)
            summary.append("slack: on (incoming webhook)")
        } else {
            summary.append("slack: off (set ANOMSTACK_SLACK_BOT_TOKEN and ANOMSTACK_SLACK_CHANNEL, or ANOMSTACK_SLACK_WEBHOOK_URL)")
        }

        let webhookURL = value("ANOMSTACK_WEBHOOK_URL").flatMap(URL.init(string:))
        channels["webhook"] = WebhookChannel(url: webhookURL, secret: value("ANOMSTACK_WEBHOOK_SECRET"), transport: transport)
        summary.append(webhookURL == nil ? "webhook: only where a route gives webhook_url (ANOMSTACK_WEBHOOK_URL unset)" : "webhook: on")

        if let key = value("ANOMSTACK_PAGERDUTY_ROUTING_KEY") {
            let url = value("ANOMSTACK_PAGERDUTY_URL").flatMap(URL.init(string:)) ?? URL(string: "https://events.pagerduty.com/v2/enqueue")!
            channels["pagerduty"] = PagerDutyChannel(url: url, routingKey: key, transport: transport)
            summary.append("pagerduty: on")
        } else {
            summary.append("pagerduty: off (set ANOMSTACK_PAGERDUTY_ROUTING_KEY)")
        }
        if let url = value("ANOMSTACK_TEAMS_WEBHOOK_URL").flatMap(URL.init(string:)) {
            channels["teams"] = TeamsChannel(url: url, transport: transport)
            summary.append("teams: on")
        } else {
            summary.append("teams: off (set ANOMSTACK_TEAMS_WEBHOOK_URL)")
        }
        return (NotificationChannels(channels), summary)
    }
}
