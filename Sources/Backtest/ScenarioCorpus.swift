import Engine
import Foundation
import Replay

/// Replay scenarios as labelled series: each series of each scenario (missing points left out)
/// becomes `<scenario>/<metric>.csv`, run under its own metric name, and its windows are the
/// ranges its expectations say must alert (`alerts` with `at` or `between`, and `nab` windows).
/// The scenario's own batch settings are not used: the backtest's settings are what is being
/// tested.
public enum ScenarioCorpus {
    public static func load(_ scenarios: [Scenario]) -> [NABSeries] {
        scenarios.sorted { $0.name < $1.name }.flatMap { scenario in
            scenario.series.sorted { $0.name < $1.name }.compactMap { spec -> NABSeries? in
                let points = spec.points.compactMap { p in p.value.map { (p.timestamp, $0) } }.sorted { $0.0 < $1.0 }
                guard !points.isEmpty else { return nil }
                var windows: [ClosedRange<Date>] = []
                for expectation in scenario.expectations {
                    switch expectation {
                    case .alert(let metric, let window, _, _, _) where metric == spec.name: windows.append(window)
                    case .windowsHit(let metric, let found, _, _) where metric == spec.name: windows += found
                    default: continue
                    }
                }
                return NABSeries(
                    path: "\(scenario.name)/\(PlotJob.fileStem(spec.name)).csv", timestamps: points.map(\.0),
                    values: points.map(\.1), windows: merged(windows, times: points.map(\.0)), metric: spec.name)
            }
        }
    }

    /// Windows snapped to the series' own timestamps (NAB's windows start and end on rows),
    /// sorted and merged where they overlap.
    static func merged(_ windows: [ClosedRange<Date>], times: [Date]) -> [ClosedRange<Date>] {
        NABSeries.mergingOverlaps(
            windows.compactMap { window in
                guard let first = times.first(where: { $0 >= window.lowerBound }), let last = times.last(where: { $0 <= window.upperBound }),
                    first <= last
                else { return nil }
                return first...last
            })
    }
}
