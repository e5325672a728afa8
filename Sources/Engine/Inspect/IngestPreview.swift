import Foundation

/// `engine preview`: the rows one ingest of a batch would write, as a table, without writing them
/// (Anomstack's `make run-example`).
public struct IngestPreview: Sendable {
    public let rows: [MetricRow]

    public init(rows: [MetricRow]) {
        self.rows = rows
    }

    /// Runs the batch's ingest query or function at the context's time; writes nothing.
    public static func run(batch: BatchConfig, context: JobContext) async throws -> IngestPreview {
        IngestPreview(rows: try await IngestJob.fetch(batch: batch, context: context))
    }

    /// The first `limit` rows (by time, then name) as aligned columns, and a closing line with
    /// the counts.
    public func table(limit: Int) -> String {
        let sorted = rows.sorted { ($0.timestamp, $0.name) < ($1.timestamp, $1.name) }
        let shown = sorted.prefix(max(limit, 0)).map { [MetricTimestamp.format($0.timestamp), $0.name, Fixed.format($0.value, 4)] }
        let header = ["metric_timestamp", "metric_name", "metric_value"]
        let widths = header.indices.map { column in ([header] + shown).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        let metrics = Set(rows.map(\.name)).count
        var lines = [line(header)] + shown.map(line)
        if sorted.count > shown.count { lines.append("… \(sorted.count - shown.count) more") }
        lines.append("\(rows.count) rows, \(metrics) metric\(metrics == 1 ? "" : "s"); nothing was written")
        return lines.joined(separator: "\n")
    }
}
