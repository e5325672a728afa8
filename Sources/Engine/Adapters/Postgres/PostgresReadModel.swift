import Foundation

/// The PostgreSQL store's read models, the same as the embedded store's (`SQLiteReadModel`):
/// per batch, type and UTC hour the rows' count and value sum (`batch_hours`), and per batch a
/// generation (`batch_generations`), kept by statement-level triggers through their transition
/// tables, one grouped upsert a statement, in the same transaction as the rows.
enum PostgresReadModel {
    /// Schema step "11 read models".
    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS batch_hours (
            metric_table TEXT NOT NULL, metric_batch TEXT NOT NULL, metric_type TEXT NOT NULL, hour TEXT NOT NULL,
            row_count BIGINT NOT NULL, value_sum DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (metric_table, metric_batch, metric_type, hour))
        """,
        """
        CREATE TABLE IF NOT EXISTS batch_generations (
            metric_table TEXT NOT NULL, metric_batch TEXT NOT NULL, generation BIGINT NOT NULL,
            PRIMARY KEY (metric_table, metric_batch))
        """,
        // Rows are grouped and upserted in key order, so two writers lock them in the same order.
        """
        CREATE OR REPLACE FUNCTION engine_read_model_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO batch_hours (metric_table, metric_batch, metric_type, hour, row_count, value_sum)
            SELECT TG_TABLE_NAME, metric_batch, metric_type, substr(metric_timestamp, 1, 13), count(*), sum(metric_value)
            FROM new_rows GROUP BY metric_batch, metric_type, substr(metric_timestamp, 1, 13)
            ORDER BY metric_batch, metric_type, substr(metric_timestamp, 1, 13)
            ON CONFLICT (metric_table, metric_batch, metric_type, hour) DO UPDATE
            SET row_count = batch_hours.row_count + EXCLUDED.row_count, value_sum = batch_hours.value_sum + EXCLUDED.value_sum;
            INSERT INTO batch_generations (metric_table, metric_batch, generation)
            SELECT TG_TABLE_NAME, metric_batch, count(*) FROM new_rows GROUP BY metric_batch ORDER BY metric_batch
            ON CONFLICT (metric_table, metric_batch) DO UPDATE SET generation = batch_generations.generation + EXCLUDED.generation;
            RETURN NULL;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION engine_read_model_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE batch_hours h SET row_count = h.row_count - d.n, value_sum = h.value_sum - d.total
            FROM (
                SELECT metric_batch, metric_type, substr(metric_timestamp, 1, 13) AS hour, count(*) AS n, sum(metric_value) AS total
                FROM old_rows GROUP BY metric_batch, metric_type, substr(metric_timestamp, 1, 13)
            ) d
            WHERE h.metric_table = TG_TABLE_NAME AND h.metric_batch = d.metric_batch AND h.metric_type = d.metric_type AND h.hour = d.hour;
            DELETE FROM batch_hours WHERE metric_table = TG_TABLE_NAME AND row_count <= 0;
            INSERT INTO batch_generations (metric_table, metric_batch, generation)
            SELECT TG_TABLE_NAME, metric_batch, count(*) FROM old_rows GROUP BY metric_batch ORDER BY metric_batch
            ON CONFLICT (metric_table, metric_batch) DO UPDATE SET generation = batch_generations.generation + EXCLUDED.generation;
            RETURN NULL;
        END $$
        """,
    ]

    /// Adds `table`'s hourly totals up again from its rows and moves each batch's generation on:
    /// three statements, to run in one transaction.
    static func rebuild(table: String) -> [String] {
        [
            "DELETE FROM batch_hours WHERE metric_table = '\(table)'",
            """
            INSERT INTO batch_hours (metric_table, metric_batch, metric_type, hour, row_count, value_sum)
            SELECT '\(table)', metric_batch, metric_type, substr(metric_timestamp, 1, 13), count(*), sum(metric_value)
            FROM "\(table)" GROUP BY metric_batch, metric_type, substr(metric_timestamp, 1, 13)
            """,
            """
            INSERT INTO batch_generations (metric_table, metric_batch, generation)
            SELECT DISTINCT metric_table, metric_batch, 1 FROM batch_hours WHERE metric_table = '\(table)'
            ON CONFLICT (metric_table, metric_batch) DO UPDATE SET generation = batch_generations.generation + 1
            """,
        ]
    }

    /// Makes `table`'s triggers unless it has them; a table that had none (made before the read
    /// models) gets its totals added up from its rows in the same transaction.
    static func triggers(table: String) -> String {
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"\(table)"'::regclass AND tgname = '\(table)_read_model_inserts') THEN
                CREATE TRIGGER "\(table)_read_model_inserts" AFTER INSERT ON "\(table)"
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engine_read_model_inserts();
                CREATE TRIGGER "\(table)_read_model_deletes" AFTER DELETE ON "\(table)"
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engine_read_model_deletes();
                \(rebuild(table: table).joined(separator: ";\n"));
            END IF;
        END $$
        """
    }
}
