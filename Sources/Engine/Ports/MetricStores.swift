/// Opens the metric store for a table (`table_key`); batches may keep their rows apart.
public protocol MetricStores: Sendable {
    func store(table: String) throws -> any MetricStore
}
