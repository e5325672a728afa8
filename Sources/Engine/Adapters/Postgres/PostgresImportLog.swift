import Foundation

/// Import cursors in PostgreSQL.
extension PostgresDatabase: ImportLog {
    public func importCursor(source: String, table: String) throws -> ImportCursor? {
        guard
            let row = try connection.query(
                "SELECT cursor, rows_read, finished FROM history_imports WHERE source = $1 AND source_table = $2", [source, table]
            ).rows.first
        else { return nil }
        return ImportCursor(
            source: source, table: table, after: try StoredJSON.decode([String].self, row[0] ?? "[]"),
            rowsRead: row[1].flatMap(Int.init) ?? 0, finished: row[2] == "t")
    }

    public func saveImportCursor(_ cursor: ImportCursor) throws {
        try connection.query(
            """
            INSERT INTO history_imports (source, source_table, cursor, rows_read, finished) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (source, source_table) DO UPDATE SET cursor = excluded.cursor, rows_read = excluded.rows_read,
                finished = excluded.finished
            """, [cursor.source, cursor.table, try StoredJSON.encode(cursor.after), String(cursor.rowsRead), cursor.finished ? "true" : "false"])
    }
}
