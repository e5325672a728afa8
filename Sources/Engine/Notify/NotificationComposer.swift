import Foundation

/// Renders a notification's title and bodies: Anomstack's titles by default, and the batch's
/// `alert_template_title` / `alert_template_text` / `alert_template_html` (Stencil, like the SQL
/// templates) when set. A template that fails to render falls back to the default and says so
/// in the log: a typo in a template must not cost the alert.
public struct NotificationComposer: Sendable {
    public let templates: TemplateRenderer

    public init(templates: TemplateRenderer) {
        self.templates = templates
    }

    static let defaultText = """
        {{ title }}

        {% for fact in facts %}{{ fact.label }}: {{ fact.value }}
        {% endfor %}{% if dashboard_link %}Dashboard: {{ dashboard_link }}
        {% endif %}
        """
    static let defaultHTML = """
        <html><body><h2>{{ title }}</h2><table>{% for fact in facts %}<tr><th align="left">{{ fact.label }}</th><td>{{ fact.value }}</td></tr>{% endfor %}</table>\
        {% if has_chart %}<p><img src="cid:chart.png" alt="chart of {{ metric }}"></p>{% endif %}\
        {% if dashboard_link %}<p><a href="{{ dashboard_link }}">Open {{ metric }} in the dashboard</a></p>{% endif %}</body></html>
        """

    /// The message for `notification` of `batch`; `hasChart` says whether a PNG goes with it.
    /// Returns the message and the errors of templates that fell back to the default.
    public func compose(_ n: AlertNotification, batch: BatchConfig, hasChart: Bool) -> (ComposedMessage, [String]) {
        var errors: [String] = []
        func render(_ key: String, fallback: String, context: [String: Any]) -> String {
            guard let template = batch.values[key]?.stringValue else {
                return (try? templates.render(fallback, context: context, file: batch.file, key: key)) ?? ""
            }
            do {
                return try templates.render(template, context: context, file: batch.file, key: key)
            } catch {
                errors.append("\(error)")
                return (try? templates.render(fallback, context: context, file: batch.file, key: key)) ?? ""
            }
        }
        let link = batch.dashboardURL.map { Self.dashboardLink(base: $0, batch: n.batch, metric: n.metric) }
        var context = Self.context(n, facts: Self.facts(n), link: link, hasChart: hasChart, escape: { $0 })
        let defaultTitle = Self.title(n)
        context["title"] = defaultTitle
        let title = render("alert_template_title", fallback: "{{ title }}", context: context)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        context["title"] = title
        let text = render("alert_template_text", fallback: Self.defaultText, context: context)
        var htmlContext = Self.context(n, facts: Self.facts(n), link: link, hasChart: hasChart, escape: Self.escapeHTML)
        htmlContext["title"] = Self.escapeHTML(title)
        let html = render("alert_template_html", fallback: Self.defaultHTML, context: htmlContext)
        return (ComposedMessage(title: title.isEmpty ? defaultTitle : title, text: text, html: html), errors)
    }

    /// Anomstack's titles, with the severity in front when it is critical.
    public static func title(_ n: AlertNotification) -> String {
        let time = MetricTimestamp.format(n.timestamp)
        let base: String
        switch n.kind {
        case .alert: base = "🔥 [\(n.metric)] looks anomalous (\(time)) 🔥"
        case .change where n.details["method"] == "trend":
            base = "\(n.score >= 0 ? "📈" : "📉") [\(n.metric)] is trending \(n.score >= 0 ? "up" : "down") since \(n.details["since"] ?? time)"
        case .change: base = "Δ [\(n.metric)] looks changed (\(time)) Δ"
        case .tholdalert: base = "⚠️ [\(n.metric)] threshold \(n.details["bound"] ?? "") bound breached (\(time)) ⚠️"
        case .recovery: base = "✅ [\(n.metric)] is back to normal (\(time)) ✅"
        case .summary: return "📊 [\(n.batch)] daily summary (\(MetricTimestamp.format(n.timestamp).prefix(10)))"
        case .failure: return "❌ [\(n.batch)] \(n.metric) job failed (\(time))"
        case .llmalert: base = "🤖 [\(n.metric)] looks anomalous to the LLM (\(time)) 🤖"
        case .digest: base = "🔥 [\(n.batch)] \(Int(n.score)) metrics look anomalous (\(time)) 🔥"
        case .nodata: base = "⏸️ [\(n.metric)] has sent no data since \(time) ⏸️"
        case .dataReturned: base = "▶️ [\(n.metric)] is sending data again (\(time)) ▶️"
        case .stuck: base = "🧊 [\(n.metric)] has repeated one value since \(time) 🧊"
        }
        return n.severity == .critical ? "[critical] " + base : base
    }

    /// The label/value lines of a notification, in reading order.
    public static func facts(_ n: AlertNotification) -> [(String, String)] {
        if n.kind == .failure {
            return [
                ("Batch", n.batch), ("Job", n.metric), ("Started (UTC)", MetricTimestamp.format(n.timestamp)),
                ("Error", n.details["error"] ?? "-"),
            ]
        }
        if n.kind == .digest {
            let items = n.details.filter { $0.key.hasPrefix("item:") }.sorted { $0.key < $1.key }
            return [("Batch", n.batch), ("Time (UTC)", MetricTimestamp.format(n.timestamp)), ("Alerts", String(Int(n.score)))]
                + items.map { item in
                    let metric = item.value.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                    return (metric, String(item.value.dropFirst(metric.count + 2)))
                }
        }
        if n.kind == .summary {
            let metrics = n.details.filter { $0.key.hasPrefix("metric:") }.sorted { $0.key < $1.key }
            return [
                ("Batch", n.batch), ("Day (UTC)", String(MetricTimestamp.format(n.timestamp).prefix(10))),
                ("Alerts", String(Int(n.score))),
            ] + (n.details["paragraph"].map { [("Summary", $0)] } ?? [])
                + (metrics.isEmpty ? [("Metrics", "none yet")] : metrics.map { (String($0.key.dropFirst("metric:".count)), $0.value) })
        }
        var facts: [(String, String)] = [
            ("Batch", n.batch), ("Metric", n.metric), ("Time (UTC)", MetricTimestamp.format(n.timestamp)),
            ("Value", n.value.map { Fixed.format($0, 4) } ?? "-"),
        ]
        switch n.kind {
        case .alert:
            facts += (n.details["expected"].map { [("Expected", $0)] } ?? []) + [
                ("Score", Fixed.format(n.score, 3)), ("Smoothed score", Fixed.format(n.smoothedScore, 4)),
                ("Threshold", Fixed.format(n.threshold, 4)),
            ]
        case .change:
            facts += [
                ("Change score", Fixed.format(n.score, 2)), ("Threshold", Fixed.format(n.threshold, 2)),
                ("Test", n.details["method"] ?? "point"), ("Earlier median", n.details["reference_median"] ?? "-"),
            ]
        case .tholdalert:
            facts += [("Bound", n.details["bound"] ?? "-"), ("Limit", Fixed.format(n.threshold, 4))]
        case .recovery:
            facts += [
                ("Alerted at", n.details["alerted_at"] ?? "-"), ("Smoothed score", Fixed.format(n.smoothedScore, 4)),
                ("Threshold", Fixed.format(n.threshold, 4)),
            ]
        case .llmalert:
            facts += [("Explanation", n.details["explanation"] ?? "-")]
        case .nodata, .dataReturned:
            facts += [
                ("Silent since", n.details["silent_since"] ?? "-"), ("Points expected every", n.details["expected_every"] ?? "-"),
                ("No data after", n.details["no_data_after"] ?? "-"),
            ]
        case .stuck:
            facts += [("Repeated since", n.details["since"] ?? "-"), ("Points in the run", n.details["run"] ?? "-")]
        case .summary, .failure, .digest:
            break
        }
        if n.kind != .llmalert, let explanation = n.details["explanation"] { facts.append(("Explanation", explanation)) }
        facts.append(("Severity", n.severity.rawValue))
        if !n.tags.isEmpty {
            facts.append(("Tags", n.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))
        }
        return facts
    }

    static func context(
        _ n: AlertNotification, facts: [(String, String)], link: String?, hasChart: Bool,
        escape: (String) -> String
    ) -> [String: Any] {
        var context: [String: Any] = [
            "kind": n.kind.rawValue, "alert_type": n.kind.rawValue, "severity": n.severity.rawValue,
            "batch": escape(n.batch), "metric": escape(n.metric), "metric_batch": escape(n.batch),
            "timestamp": MetricTimestamp.format(n.timestamp), "score": Fixed.format(n.score, 3),
            "smoothed_score": Fixed.format(n.smoothedScore, 4), "threshold": Fixed.format(n.threshold, 4),
            "value": n.value.map { Fixed.format($0, 4) } ?? "",
            "tags": Dictionary(uniqueKeysWithValues: n.tags.map { (escape($0.key), escape($0.value)) }),
            "details": Dictionary(uniqueKeysWithValues: n.details.map { (escape($0.key), escape($0.value)) }),
            "facts": facts.map { ["label": escape($0.0), "value": escape($0.1)] },
            "has_chart": hasChart,
        ]
        if let link { context["dashboard_link"] = escape(link) }
        return context
    }

    /// The dashboard page of one metric.
    public static func dashboardLink(base: String, batch: String, metric: String) -> String {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&=#+"))
        let b = batch.addingPercentEncoding(withAllowedCharacters: allowed) ?? batch
        let m = metric.addingPercentEncoding(withAllowedCharacters: allowed) ?? metric
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/batches/\(b)?metric=\(m)"
    }

    public static func escapeHTML(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
