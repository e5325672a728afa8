import Engine
import Foundation

/// The project's own charts as inline SVG for the pages (no script, no CDN).
enum ChartMarkup {
    /// The dashboard's charts keep each line to about two points per this many parts of their
    /// span (`PlotData.thinned`): about one per unit of the 800-wide chart.
    static let buckets = 400

    /// A metric's full chart (values, score, threshold, alert/change/threshold-alert marks), its
    /// legend, and the points the hover readout shows (`app.js` draws a crosshair and says the
    /// time, value, score and marks of the point under the pointer). Long windows are drawn
    /// thinned (each part's lowest and highest point); the title still counts every value.
    static func chart(_ data: PlotData) -> SafeHTML {
        let drawn = data.thinned(toAtMost: buckets)
        return SafeHTML(
            markup: labelled(SVGRenderer.render(PlotScene(data: drawn)), title: summary(data)) + legend(drawn)
                + "<div class=\"readout\" data-points=\"\(NotificationComposer.escapeHTML(readout(drawn)))\" hidden></div>")
    }

    /// What each colour and mark of the chart means; only what this chart shows.
    static func legend(_ data: PlotData) -> String {
        var items = [("value", "values")]
        if !data.band.isEmpty { items.append(("band", "expected range")) }
        items += [("score", "score"), ("threshold", "alert threshold \(Presentation.number(data.threshold))")]
        if !data.alerts.isEmpty { items.append(("alert", "alert")) }
        if !data.changes.isEmpty { items.append(("change", "change")) }
        if !data.thresholdAlerts.isEmpty { items.append(("tholdalert", "threshold alert")) }
        return "<ul class=\"legend\">"
            + items.map { "<li><span class=\"swatch swatch-\($0.0)\" aria-hidden=\"true\"></span>\($0.1)</li>" }.joined() + "</ul>"
    }

    /// The chart's points for the readout, as JSON: the crosshair's top and bottom, then per value
    /// its x in the chart's units, its time, value, score and marks.
    static func readout(_ data: PlotData) -> String {
        guard let x = PlotScene.horizontal(for: data) else { return "{\"points\":[]}" }
        let scores = Dictionary(data.scores.map { ($0.time, $0.value) }, uniquingKeysWith: { a, _ in a })
        let alerts = Set(data.alerts), changes = Set(data.changes), thresholdAlerts = Set(data.thresholdAlerts)
        let points = data.values.map { point -> CanonicalJSON in
            var marks: [String] = []
            if alerts.contains(point.time) { marks.append("alert") }
            if changes.contains(point.time) { marks.append("change") }
            if thresholdAlerts.contains(point.time) { marks.append("threshold alert") }
            return .array([
                .number(x(point.time), decimals: 1), .string(MetricTimestamp.format(point.time)), .string(Presentation.number(point.value)),
                .string(scores[point.time].map { Presentation.number($0) } ?? ""), .string(marks.joined(separator: ", ")),
            ])
        }
        return CanonicalJSON.object([
            "top": .number(PlotScene.plotTop, decimals: 0), "bottom": .number(PlotScene.plotBottom, decimals: 0), "points": .array(points),
        ]).text
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
