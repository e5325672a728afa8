import Foundation

/// How much history a dashboard view or API call covers: the last N points of each metric
/// (`90n`) or a span back from now (`30m`, `24h`, `7d`).
public enum TimeWindow: Sendable, Hashable, CustomStringConvertible {
    case lastPoints(Int)
    case span(seconds: TimeInterval)

    /// The window a page shows when none is asked for.
    public static let standard = TimeWindow.lastPoints(90)
    /// The longest span accepted, and the most points.
    public static let maxDays = 400, maxPoints = 100_000

    /// Parses `90n`, `30m`, `24h` or `7d`; the error says what is accepted.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let count = Int(trimmed.dropLast()), count > 0 else {
            throw TimeWindowError(text: text)
        }
        switch unit {
        case "n":
            guard count <= Self.maxPoints else { throw TimeWindowError(text: text, reason: "at most \(Self.maxPoints) points") }
            self = .lastPoints(count)
        case "m", "h", "d":
            let seconds = Double(count) * (unit == "m" ? 60 : unit == "h" ? 3_600 : 86_400)
            guard seconds <= Double(Self.maxDays) * 86_400 else { throw TimeWindowError(text: text, reason: "at most \(Self.maxDays) days") }
            self = .span(seconds: seconds)
        default:
            throw TimeWindowError(text: text)
        }
    }

    public var description: String {
        switch self {
        case .lastPoints(let n): return "\(n)n"
        case .span(let seconds):
            if seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
            if seconds.truncatingRemainder(dividingBy: 3_600) == 0 { return "\(Int(seconds / 3_600))h" }
            return "\(Int(seconds / 60))m"
        }
    }

    /// The window `factor` times as long (half: zoom in; twice: zoom out), in whole points or
    /// minutes, within the limits parsing accepts; nil when it would not change or not fit.
    public func zoomed(by factor: Double) -> TimeWindow? {
        switch self {
        case .lastPoints(let n):
            let zoomed = Int((Double(n) * factor).rounded())
            guard zoomed >= 2, zoomed <= Self.maxPoints, zoomed != n else { return nil }
            return .lastPoints(zoomed)
        case .span(let seconds):
            let zoomed = ((seconds * factor) / 60).rounded() * 60
            guard zoomed >= 60, zoomed <= Double(Self.maxDays) * 86_400, zoomed != seconds else { return nil }
            return .span(seconds: zoomed)
        }
    }

    /// The query of one metric's rows of `types` in this window ending at `now`.
    public func query(batch: String, metric: String?, types: [MetricType], now: Date) -> MetricQuery {
        switch self {
        case .lastPoints(let n):
            return MetricQuery(batch: batch, names: metric.map { [$0] }, types: types, through: now, latest: n)
        case .span(let seconds):
            return MetricQuery(batch: batch, names: metric.map { [$0] }, types: types, from: now.addingTimeInterval(-seconds), through: now)
        }
    }

    /// The start of the window for one metric: a span's start, or the time of the N-th latest value.
    public func start(batch: String, metric: String, store: any MetricStore, now: Date) throws -> Date? {
        switch self {
        case .span(let seconds): return now.addingTimeInterval(-seconds)
        case .lastPoints(let n):
            return try store.extent(MetricQuery(batch: batch, names: [metric], types: [.metric], through: now, latest: n)).first
        }
    }
}

/// A time window that could not be read.
public struct TimeWindowError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String = "expected a count and a unit: 90n (last 90 points), 30m, 24h or 7d"
    public var description: String { "bad time window '\(text)': \(reason)" }
}
