import Engine
import Foundation
import Hummingbird

/// Reading what a request carries: query parameters, form posts and JSON bodies, each into plain
/// string maps that handlers validate themselves. Bodies are read up to the context's limit
/// (larger ones fail with 413).
enum RequestInput {
    static func query(_ request: Request) -> [String: String] {
        var fields: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { fields[String(key)] = String(value) }
        return fields
    }

    /// A form post's fields (`application/x-www-form-urlencoded`).
    static func form(_ request: Request, context: EngineRequestContext) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return decodeForm(String(buffer: buffer))
    }

    static func decodeForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// A JSON object body; anything else is a 400 that says so.
    static func json(_ request: Request, context: EngineRequestContext) async throws -> [String: Any] {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw RequestError.invalid("the body must be a JSON object")
        }
        return object
    }

    /// A required string field.
    static func string(_ fields: [String: Any], _ key: String) throws -> String {
        guard let value = fields[key] as? String, !value.isEmpty else { throw RequestError.invalid("missing '\(key)'") }
        return value
    }

    /// A job name, with the list of jobs in the error.
    static func job(_ text: String) throws -> JobKind {
        guard let job = JobKind(rawValue: text) else {
            throw RequestError.invalid("unknown job '\(text)': expected one of \(JobKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return job
    }

    /// A UTC timestamp in the store's format or ISO 8601.
    static func timestamp(_ text: String) throws -> Date {
        guard let date = MetricTimestamp.parse(text) else {
            throw RequestError.invalid("bad timestamp '\(text)': expected YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601")
        }
        return date
    }

    /// A span back from now (`30m`, `24h`, `7d`; not a point count), as seconds, or `fallback`.
    static func span(_ text: String?, default fallback: String) throws -> (text: String, seconds: TimeInterval) {
        let text = text ?? fallback
        guard case .span(let seconds) = try TimeWindow(parsing: text) else {
            throw RequestError.invalid("bad span '\(text)': expected a duration such as 24h or 30d")
        }
        return (text, seconds)
    }

    /// A page number from 1.
    static func page(_ text: String?) throws -> Int {
        guard let text else { return 1 }
        guard let page = Int(text), page >= 1, page <= 1_000_000 else { throw RequestError.invalid("bad page '\(text)': expected a number from 1") }
        return page
    }

    /// A count from 1 to `maximum` given as the query parameter `name` (a page size, a limit);
    /// `fallback` when none is given.
    static func count(_ name: String, _ text: String?, default fallback: Int, maximum: Int) throws -> Int {
        guard let text else { return fallback }
        guard let n = Int(text), (1...maximum).contains(n) else {
            throw RequestError.invalid("bad \(name) '\(text)': expected 1 to \(maximum)")
        }
        return n
    }

    /// A mute's end: `forever`, a duration (`30m`, `24h`, `7d`) from now, or a timestamp.
    static func muteEnd(_ text: String, now: Date) throws -> Date {
        if text == "forever" { return .distantFuture }
        if case .span(let seconds)? = try? TimeWindow(parsing: text) { return now.addingTimeInterval(seconds) }
        if let date = MetricTimestamp.parse(text), date > now { return date }
        throw RequestError.invalid("bad mute length '\(text)': expected forever, a duration such as 24h, or a future timestamp")
    }
}

/// Text for the pages and the API: paths, relative times and numbers.
enum Presentation {
    /// A name as one URL path segment.
    static func segment(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? name
    }

    /// "5 minutes ago", "in 2 hours", "never".
    static func ago(_ date: Date?, now: Date) -> String {
        guard let date else { return "never" }
        let seconds = Int(now.timeIntervalSince(date))
        let magnitude = abs(seconds)
        let text: String
        switch magnitude {
        case ..<60: return "just now"
        case ..<3_600: text = plural(magnitude / 60, "minute")
        case ..<86_400: text = plural(magnitude / 3_600, "hour")
        default: text = plural(magnitude / 86_400, "day")
        }
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }

    static func plural(_ n: Int, _ unit: String) -> String { "\(n) \(unit)\(n == 1 ? "" : "s")" }

    static func number(_ value: Double?, _ decimals: Int = 3) -> String { value.map { Fixed.format($0, decimals) } ?? "–" }

    static func percent(_ value: Double?) -> String { value.map { Fixed.format($0 * 100, 1) + "%" } ?? "–" }

    /// The batch page's search for exactly `metric` (a regex anchored at both ends), as a query value.
    static func exactSearch(_ metric: String) -> String {
        segment("^" + NSRegularExpression.escapedPattern(for: metric) + "$")
    }

    /// How long a mute holds: "until unmuted", or "until <time> UTC".
    static func heldUntil(_ mute: Mute) -> String {
        mute.until == .distantFuture ? "until unmuted" : "until " + MetricTimestamp.format(mute.until) + " UTC"
    }
}
