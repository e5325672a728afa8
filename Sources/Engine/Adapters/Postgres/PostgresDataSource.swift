import Foundation

/// Runs `ingest_sql` on PostgreSQL (`db: postgres`) in a read-only transaction; integer and
/// floating or numeric columns come back as numbers, everything else as text.
public struct PostgresDataSource: DataSource {
    let connection: PostgresConnection

    public init(url: String) throws {
        connection = try PostgresConnection(url: url)
    }

    public func query(_ sql: String) throws -> [SourceRow] {
        let result = try connection.transaction {
            try connection.query("SET TRANSACTION READ ONLY")
            return try connection.query(sql)
        }
        return result.rows.map { row in
            var out: SourceRow = [:]
            for (index, column) in result.columns.enumerated() {
                let name = column.lowercased()
                guard let text = row[index] else {
                    out[name] = .null
                    continue
                }
                switch result.types[index] {
                case 20, 21, 23: out[name] = Int64(text).map(SourceValue.integer) ?? .text(text)
                case 700, 701, 1700: out[name] = Double(text).map(SourceValue.real) ?? .text(text)
                default: out[name] = .text(text)
                }
            }
            return out
        }
    }
}
