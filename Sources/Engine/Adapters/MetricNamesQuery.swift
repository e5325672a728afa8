import Foundation

/// The SQL both stores list a batch's metric names of one type with. `SELECT DISTINCT` over the
/// batch read every row it holds (thousands of metrics times `train_max_n` points, at every job
/// run); this walks the primary key `(metric_batch, metric_name, metric_type, metric_timestamp)`
/// from one name to the next instead, one index seek per name, and keeps the names with a row
/// of the type.
enum MetricNamesQuery {
    /// The query on `table`, with `batch` and `type` as the placeholders of the batch and the
    /// metric type (`?1`/`?2` in SQLite, `$1`/`$2` in PostgreSQL), names in order.
    static func sql(table: String, batch: String, type: String) -> String {
        """
        WITH RECURSIVE names(name) AS (
            SELECT (SELECT MIN(metric_name) FROM "\(table)" WHERE metric_batch = \(batch))
            UNION ALL
            SELECT (SELECT MIN(metric_name) FROM "\(table)" WHERE metric_batch = \(batch) AND metric_name > names.name)
            FROM names WHERE names.name IS NOT NULL
        )
        SELECT name FROM names WHERE name IS NOT NULL
            AND EXISTS (SELECT 1 FROM "\(table)" WHERE metric_batch = \(batch) AND metric_name = names.name AND metric_type = \(type))
        ORDER BY name
        """
    }
}
