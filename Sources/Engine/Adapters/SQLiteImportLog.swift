import Foundation
import GRDB

/// Import cursors in the embedded SQLite database.
extension SQLiteDatabase: ImportLog {
    static let importSchema = """
        CREATE TABLE IF NOT EXISTS history_imports (
            source TEXT NOT NULL,
            source_table TEXT NOT NULL,
            cursor TEXT NOT NULL,
            rows_read INTEGER NOT NULL,
            finished INTEGER NOT NULL,
            PRIMARY KEY (source, source_table)
        );
        """

    public func importCursor(source: String, table: String) throws -> ImportCursor? {
        try selecting { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT cursor, rows_read, finished FROM history_imports WHERE source = ? AND source_table = ?",
                    arguments: [source, table])
            else { return nil }
            return ImportCursor(
                source: source, table: table, after: try StoredJSON.decode([String].self, row["cursor"]), rowsRead: row["rows_read"],
                finished: row["finished"])
        }
    }

    public func saveImportCursor(_ cursor: ImportCursor) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO history_imports (source, source_table, cursor, rows_read, finished) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (source, source_table) DO UPDATE SET cursor = excluded.cursor, rows_read = excluded.rows_read,
                        finished = excluded.finished
                    """,
                arguments: [cursor.source, cursor.table, try StoredJSON.encode(cursor.after), cursor.rowsRead, cursor.finished])
        }
    }
}
