import Engine
import Foundation

/// Where a replay lands the rows that arrive at each ingest before the ingest job reads them, so
/// that a real database and its data-source adapter can sit between the scenario and the engine.
public protocol ArrivalLanding: Sendable {
    /// Stores `rows`, in order, as delivery number `delivery`, and returns them as the batch's
    /// source reads them back.
    func land(_ rows: [SourceRow], delivery: Int) async throws -> [SourceRow]
}

/// Lands arrivals in a PostgreSQL table and reads them back through `PostgresDataSource`, the
/// adapter behind `db: postgres`: every value crosses PostgreSQL's types and the source's reading
/// of them, as a batch on PostgreSQL would see it.
public struct PostgresArrivalLanding: ArrivalLanding {
    let connection: PostgresConnection
    let source: PostgresDataSource
    let table: String

    /// Creates the (empty) landing table `table` in the database at `url`.
    public init(url: String, table: String = "replay_arrivals") throws {
        connection = try PostgresConnection(url: url)
        source = try PostgresDataSource(url: url)
        self.table = table
        try connection.query("DROP TABLE IF EXISTS \(table)")
        try connection.query(
            """
            CREATE TABLE \(table) (delivery integer NOT NULL, position integer NOT NULL, metric_timestamp text NOT NULL,
                                   metric_name text NOT NULL, metric_value double precision, PRIMARY KEY (delivery, position))
            """)
    }

    public func land(_ rows: [SourceRow], delivery: Int) async throws -> [SourceRow] {
        try connection.transaction {
            for (position, row) in rows.enumerated() {
                try connection.query(
                    "INSERT INTO \(table) VALUES ($1, $2, $3, $4, $5)",
                    [
                        String(delivery), String(position), Self.text(row["metric_timestamp"]), Self.text(row["metric_name"]),
                        Self.text(row["metric_value"]),
                    ])
            }
        }
        return try source.query(
            """
            SELECT metric_timestamp, metric_name, metric_value FROM \(table) WHERE delivery = \(delivery) ORDER BY position
            """)
    }

    static func text(_ value: SourceValue?) -> String? {
        switch value {
        case .text(let text): return text
        case .integer(let number): return String(number)
        // Swift's shortest round-trip form; PostgreSQL 12+ prints double precision the same way.
        case .real(let number): return "\(number)"
        case .null, nil: return nil
        }
    }
}
