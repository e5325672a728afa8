import Foundation

/// `engine list`: one line per batch with its metric count and the last run of each job, as
/// stable plain text.
public struct BatchListing: Sendable {
    public let stores: any MetricStores

    public init(database: any MetricStores) {
        stores = database
    }

    public func describe(_ batches: [BatchConfig]) throws -> String {
        guard !batches.isEmpty else { return "no batches found" }
        var lines: [String] = []
        for batch in batches.sorted(by: { $0.name < $1.name }) {
            let store = try stores.store(table: batch.tableKey)
            let metrics = try store.metricNames(batch: batch.name, type: .metric).count
            let runs = try store.jobRuns(batch: batch.name)
            var line = "\(batch.name)\(batch.disabled ? " (disabled)" : "")  metrics: \(metrics)"
            for kind in JobKind.allCases {
                if let last = runs.last(where: { $0.job == kind }) {
                    line += "  \(kind.rawValue): \(last.status.rawValue) \(MetricTimestamp.format(last.asOf))"
                } else {
                    line += "  \(kind.rawValue): never"
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
