import Foundation
import GRDB

/// The read models of the embedded store, kept by triggers in the same transaction as the rows
/// whoever writes them: per batch, type and UTC hour the rows' count and value sum
/// (`batch_hours`), and per batch a generation that every row written or deleted moves on
/// (`batch_generations`). The dashboard's overviews read these instead of the rows.
enum SQLiteReadModel {
    /// The tables (schema step "10 read models").
    static let schema = """
        CREATE TABLE IF NOT EXISTS batch_hours (
            metric_table TEXT NOT NULL,
            metric_batch TEXT NOT NULL,
            metric_type TEXT NOT NULL,
            hour TEXT NOT NULL,
            row_count INTEGER NOT NULL,
            value_sum REAL NOT NULL,
            PRIMARY KEY (metric_table, metric_batch, metric_type, hour)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS batch_generations (
            metric_table TEXT NOT NULL,
            metric_batch TEXT NOT NULL,
            generation INTEGER NOT NULL,
            PRIMARY KEY (metric_table, metric_batch)
        ) WITHOUT ROWID;
        """

    /// The name of the trigger that keeps `table`'s read models on insert: its absence says the
    /// table was made before them, so its read models are rebuilt once.
    static func insertTrigger(_ table: String) -> String { "\(table)_read_model_inserts" }

    /// The triggers of one metrics table. An hour's value sum is kept by adding and subtracting,
    /// so after many deletes it may drift in the last digits; `engine reindex` adds it up again.
    static func triggers(table: String) -> String {
        """
        CREATE TRIGGER IF NOT EXISTS "\(insertTrigger(table))" AFTER INSERT ON "\(table)" BEGIN
            INSERT INTO batch_hours (metric_table, metric_batch, metric_type, hour, row_count, value_sum)
            VALUES ('\(table)', NEW.metric_batch, NEW.metric_type, substr(NEW.metric_timestamp, 1, 13), 1, NEW.metric_value)
            ON CONFLICT DO UPDATE SET row_count = row_count + 1, value_sum = value_sum + excluded.value_sum;
            INSERT INTO batch_generations (metric_table, metric_batch, generation) VALUES ('\(table)', NEW.metric_batch, 1)
            ON CONFLICT DO UPDATE SET generation = generation + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS "\(table)_read_model_deletes" AFTER DELETE ON "\(table)" BEGIN
            UPDATE batch_hours SET row_count = row_count - 1, value_sum = value_sum - OLD.metric_value
            WHERE metric_table = '\(table)' AND metric_batch = OLD.metric_batch AND metric_type = OLD.metric_type
              AND hour = substr(OLD.metric_timestamp, 1, 13);
            DELETE FROM batch_hours
            WHERE metric_table = '\(table)' AND metric_batch = OLD.metric_batch AND metric_type = OLD.metric_type
              AND hour = substr(OLD.metric_timestamp, 1, 13) AND row_count <= 0;
            INSERT INTO batch_generations (metric_table, metric_batch, generation) VALUES ('\(table)', OLD.metric_batch, 1)
            ON CONFLICT DO UPDATE SET generation = generation + 1;
        END;
        """
    }

    /// Makes `table`'s triggers; a table that had none gets its read models added up from its
    /// rows in the same transaction, so a database from before them reads right at once.
    static func prepare(table: String, in db: Database) throws {
        let existed = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?)",
            arguments: [insertTrigger(table)]) ?? false
        try db.execute(sql: triggers(table: table))
        if !existed { _ = try rebuild(table: table, in: db) }
    }

    /// Adds `table`'s hourly totals up again from its rows and moves every batch's generation on,
    /// so anything computed from the old totals is recomputed; returns the batch-hours kept.
    static func rebuild(table: String, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM batch_hours WHERE metric_table = ?", arguments: [table])
        try db.execute(
            sql: """
                INSERT INTO batch_hours (metric_table, metric_batch, metric_type, hour, row_count, value_sum)
                SELECT ?, metric_batch, metric_type, substr(metric_timestamp, 1, 13), COUNT(*), TOTAL(metric_value)
                FROM "\(table)" GROUP BY metric_batch, metric_type, substr(metric_timestamp, 1, 13)
                """, arguments: [table])
        let hours = db.changesCount
        try db.execute(
            sql: """
                INSERT INTO batch_generations (metric_table, metric_batch, generation)
                SELECT DISTINCT metric_table, metric_batch, 1 FROM batch_hours WHERE metric_table = ?
                ON CONFLICT DO UPDATE SET generation = generation + 1
                """, arguments: [table])
        return hours
    }
}
