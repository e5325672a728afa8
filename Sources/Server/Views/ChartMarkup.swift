import Engine
import Foundation

/// The project's own charts as inline SVG for the pages (no script, no CDN).
enum ChartMarkup {
    /// A metric's full chart (values, score, threshold, alert/change/threshold-alert marks).
    static func chart(_ data: PlotData) -> SafeHTML {
        SafeHTML(markup: labelled(SVGRenderer.render(PlotScene(data: data)), title: summary(data)))
    }

    /// The chart in words, for screen readers and hover: what it shows, over when, and its alerts.
    static func summary(_ data: PlotData) -> String {
        var text = "\(data.metric) (\(data.batch)): \(data.values.count) values"
        if let first = data.values.first?.time, let last = data.values.last?.time {
            text += " from \(MetricTimestamp.format(first)) to \(MetricTimestamp.format(last)) UTC"
        }
        if let low = data.values.map(\.value).min(), let high = data.values.map(\.value).max() {
            text += ", between \(Presentation.number(low)) and \(Presentation.number(high))"
        }
        text += "; \(data.alerts.count) alerts, \(data.changes.count) changes"
        return text
    }

    /// `svg` as an image with `title`: `role="img"` and an accessible name on its root element,
    /// and a `<title>` as its first child (browsers show it on hover).
    static func labelled(_ svg: String, title: String) -> String {
        guard svg.hasPrefix("<svg "), let end = svg.firstIndex(of: ">") else { return svg }
        let escaped = NotificationComposer.escapeHTML(title)
        let open = "<svg role=\"img\" aria-label=\"\(escaped)\" " + svg[svg.index(svg.startIndex, offsetBy: 5)..<end] + ">"
        return open + "<title>\(escaped)</title>" + svg[svg.index(after: end)...]
    }

    /// A small line of the last values before an alert, the alert's point marked.
    static func sparkline(_ values: [Double], width: Double = 120, height: Double = 28) -> SafeHTML {
        guard values.count >= 2, let low = values.min(), let high = values.max() else {
            return SafeHTML(
                markup:
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"not enough values\"></svg>"
            )
        }
        let span = high > low ? high - low : 1
        let points = values.enumerated().map { index, value in
            (x: 2 + (width - 4) * Double(index) / Double(values.count - 1), y: height - 3 - (height - 6) * (value - low) / span)
        }
        let line = points.map { "\(Fixed.format($0.x, 1)),\(Fixed.format($0.y, 1))" }.joined(separator: " ")
        let last = points[points.count - 1]
        return SafeHTML(
            markup: """
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="recent values">\
                <polyline points="\(line)" fill="none" stroke="#1f77b4" stroke-width="1.5"/>\
                <circle cx="\(Fixed.format(last.x, 1))" cy="\(Fixed.format(last.y, 1))" r="2.5" fill="#d62728"/></svg>
                """)
    }
}
