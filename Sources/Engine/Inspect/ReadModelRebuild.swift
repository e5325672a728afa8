import Foundation

/// `engine reindex`: recreates the stores' read models (the hourly totals the overviews read and
/// each batch's generation) from the rows of every metrics table the folder's batches use. The
/// stores keep them as rows are written; this is for a database restored from a backup of the
/// rows alone, or written by a tool that bypassed the triggers, or to add the value sums up
/// again after many deletes.
public struct ReadModelRebuild: Sendable {
    public let stores: any MetricStores

    public init(stores: any MetricStores) {
        self.stores = stores
    }

    /// Rebuilds each table once (batches may share one), in name order; one line per table.
    public func run(_ batches: [BatchConfig]) throws -> [String] {
        try Set(batches.map(\.tableKey)).sorted().map { table in
            let hours = try stores.store(table: table).rebuildReadModels()
            return "\(table): \(hours) batch-hours added up from the rows"
        }
    }
}
