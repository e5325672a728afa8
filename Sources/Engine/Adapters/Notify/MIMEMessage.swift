import Foundation

/// An alert email as RFC 5322 / MIME text: a multipart/related message holding a
/// multipart/alternative (plain text and HTML) and, when there is one, the chart as an inline
/// PNG (`cid:chart.png`). Boundaries and the Message-ID derive from the delivery id, and the
/// Date from when the notification was queued, so a retry sends the same bytes.
public struct MIMEMessage: Sendable {
    public var from: String
    public var to: [String]
    public var delivery: Delivery

    public init(from: String, to: [String], delivery: Delivery) {
        self.from = from
        self.to = to
        self.delivery = delivery
    }

    public var text: String {
        let tag = Hex.encode(SHA256.hash(Array(delivery.id.utf8))).prefix(24)
        let related = "related-\(tag)"
        let alternative = "alternative-\(tag)"
        var lines = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(Self.encodedWord(delivery.message.title))",
            "Date: \(Self.rfc5322Date(delivery.createdAt))",
            "Message-ID: <\(tag)@anomaly-engine>",
            "X-Anomstack-Delivery: \(delivery.id)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/related; boundary=\"\(related)\"",
            "",
            "--\(related)",
            "Content-Type: multipart/alternative; boundary=\"\(alternative)\"",
            "",
            "--\(alternative)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += Self.base64Lines(Data(delivery.message.text.utf8))
        lines += ["--\(alternative)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        lines += Self.base64Lines(Data(delivery.message.html.utf8))
        lines.append("--\(alternative)--")
        if let png = delivery.attachment {
            lines += [
                "--\(related)", "Content-Type: image/png; name=\"chart.png\"", "Content-Transfer-Encoding: base64",
                "Content-ID: <chart.png>", "Content-Disposition: inline; filename=\"chart.png\"", "",
            ]
            lines += Self.base64Lines(png)
        }
        lines.append("--\(related)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A header value as an RFC 2047 encoded word when it is not plain ASCII.
    static func encodedWord(_ text: String) -> String {
        text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 })
            ? text : "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    /// Base64 in lines of 76 characters (RFC 2045).
    static func base64Lines(_ data: Data) -> [String] {
        guard !data.isEmpty else { return [] }
        return data.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]).split(separator: "\n").map(String.init)
    }

    static func rfc5322Date(_ date: Date) -> String {
        let c = CivilTime(date: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return
            "\(weekdays[c.weekday]), \(Self.two(c.day)) \(months[c.month - 1]) \(c.year) \(Self.two(c.hour)):\(Self.two(c.minute)):\(Self.two(c.second)) +0000"
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
