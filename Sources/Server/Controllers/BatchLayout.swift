import Engine
import Foundation

/// How the batch page lays its metrics out: a full chart each (`charts`, the default), small
/// charts in two or three columns (`grid`), or a table with a sparkline a row (`table`), which
/// shows four times as many metrics a page and can be sorted.
enum BatchLayout: String, QueryChoice {
    case charts, grid, table

    static let parameter = "view"
    static let fallback = BatchLayout.charts

    /// Metrics a page in this layout, for a page size of `pageSize` charts.
    func metricsPerPage(_ pageSize: Int) -> Int { self == .table ? pageSize * 4 : pageSize }
}

/// The order of the batch page's metrics: the ranking (`rate`, highest anomaly rate first), or by
/// mean score, alerts, latest point (each highest or newest first) or name.
enum MetricOrder: String, QueryChoice {
    case rate, score, alerts, latest, name

    static let parameter = "sort"
    static let fallback = MetricOrder.rate

    /// `standings` (ranked by rate) in this order; ties keep the ranking's order.
    func sorted(_ standings: [MetricStanding]) -> [MetricStanding] {
        let ranked = Array(standings.enumerated())
        func by<Key: Comparable>(_ key: (MetricStanding) -> Key, descending: Bool) -> [MetricStanding] {
            ranked.sorted { a, b in
                let (x, y) = (key(a.element), key(b.element))
                if x != y { return descending ? x > y : x < y }
                return a.offset < b.offset
            }.map(\.element)
        }
        switch self {
        case .rate: return standings
        case .score: return by({ $0.meanScore ?? -1 }, descending: true)
        case .alerts: return by({ $0.alerts }, descending: true)
        case .latest: return by({ $0.latestPoint ?? .distantPast }, descending: true)
        case .name: return by({ $0.metric }, descending: false)
        }
    }
}

/// A query parameter that names one of a few choices, with the one taken when it is absent.
protocol QueryChoice: RawRepresentable<String>, CaseIterable, Sendable {
    static var parameter: String { get }
    static var fallback: Self { get }
}

extension QueryChoice {
    /// The choice `text` names, the fallback when it is empty or absent; an error naming the
    /// parameter and the choices otherwise.
    init(parsing text: String?) throws {
        guard let text, !text.isEmpty else {
            self = Self.fallback
            return
        }
        guard let choice = Self(rawValue: text) else {
            throw BatchPageInputError("bad \(Self.parameter) '\(text)': expected \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = choice
    }
}

/// A batch page parameter that does not parse; the page shows it beside the form.
struct BatchPageInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
