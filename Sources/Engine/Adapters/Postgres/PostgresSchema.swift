import Foundation

/// The PostgreSQL store's schema as named steps, applied once each and in order, as GRDB's
/// `DatabaseMigrator` does for SQLite: `engine_migrations` records the steps a database has taken.
/// All of it runs in one transaction under an advisory lock, so engines that start together
/// neither race nor apply a step twice. The steps are idempotent too, so a database made before
/// the steps were recorded takes them all without harm. A new table or column is a new step at
/// the end; a step never changes once released.
enum PostgresSchema {
    /// The lock every schema change of the engine takes (metrics tables too).
    static let advisoryLock = "SELECT pg_advisory_xact_lock(7412001)"

    static let steps: [(name: String, statements: [String])] = [
        (
            "1 job runs",
            [
                """
                CREATE TABLE IF NOT EXISTS job_runs (
                    id BIGSERIAL PRIMARY KEY, job TEXT NOT NULL, batch TEXT NOT NULL, as_of TEXT NOT NULL,
                    started_at TEXT NOT NULL, finished_at TEXT NOT NULL, status TEXT NOT NULL,
                    rows_written BIGINT NOT NULL, error TEXT)
                """,
                "CREATE INDEX IF NOT EXISTS job_runs_batch ON job_runs (batch, job, id)",
            ]
        ),
        ("2 job run durations", ["ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS duration_ms BIGINT"]),
        (
            "3 deliveries and mutes",
            [
                """
                CREATE TABLE IF NOT EXISTS deliveries (
                    id TEXT PRIMARY KEY, batch TEXT NOT NULL, metric TEXT NOT NULL, alert_type TEXT NOT NULL, method TEXT NOT NULL,
                    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at TEXT NOT NULL,
                    next_attempt_at TEXT NOT NULL, delivered_at TEXT, notification TEXT NOT NULL, target TEXT NOT NULL,
                    message TEXT NOT NULL, attachment BYTEA)
                """,
                "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at)",
                """
                CREATE TABLE IF NOT EXISTS delivery_attempts (
                    id BIGSERIAL PRIMARY KEY, delivery_id TEXT NOT NULL, at TEXT NOT NULL, status TEXT NOT NULL, error TEXT)
                """,
                """
                CREATE TABLE IF NOT EXISTS mutes (
                    batch TEXT NOT NULL, metric TEXT NOT NULL, until TEXT NOT NULL, reason TEXT, PRIMARY KEY (batch, metric))
                """,
            ]
        ),
        (
            "4 run-time overrides",
            [
                """
                CREATE TABLE IF NOT EXISTS schedule_overrides (
                    batch TEXT NOT NULL, job TEXT NOT NULL, running BOOLEAN NOT NULL, changed_by TEXT NOT NULL,
                    changed_at TEXT NOT NULL, PRIMARY KEY (batch, job))
                """,
                """
                CREATE TABLE IF NOT EXISTS setting_overrides (
                    batch TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, changed_by TEXT NOT NULL,
                    changed_at TEXT NOT NULL, PRIMARY KEY (batch, key))
                """,
                """
                CREATE TABLE IF NOT EXISTS setting_changes (
                    id BIGSERIAL PRIMARY KEY, batch TEXT NOT NULL, key TEXT NOT NULL, value TEXT, changed_by TEXT NOT NULL,
                    changed_at TEXT NOT NULL)
                """,
            ]
        ),
        (
            "5 job leases",
            [
                """
                CREATE TABLE IF NOT EXISTS job_leases (
                    job TEXT NOT NULL, batch TEXT NOT NULL, holder TEXT NOT NULL, acquired_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL, PRIMARY KEY (job, batch))
                """
            ]
        ),
        ("6 delivery claims", ["ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS claimed_by TEXT"]),
        (
            "7 history imports",
            [
                """
                CREATE TABLE IF NOT EXISTS history_imports (
                    source TEXT NOT NULL, source_table TEXT NOT NULL, cursor TEXT NOT NULL, rows_read BIGINT NOT NULL,
                    finished BOOLEAN NOT NULL, PRIMARY KEY (source, source_table))
                """
            ]
        ),
        (
            "8 maintenance windows",
            [
                """
                CREATE TABLE IF NOT EXISTS maintenance_windows (
                    id TEXT NOT NULL, batch TEXT NOT NULL, spec TEXT NOT NULL, reason TEXT, created_at TEXT NOT NULL,
                    PRIMARY KEY (batch, id))
                """,
                "ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS muted_by TEXT",
            ]
        ),
        (
            "9 series versions",
            [
                """
                CREATE TABLE IF NOT EXISTS series_versions (
                    metric_table TEXT NOT NULL, metric_batch TEXT NOT NULL, metric_name TEXT NOT NULL, metric_type TEXT NOT NULL,
                    inserted BIGINT NOT NULL DEFAULT 0, deleted BIGINT NOT NULL DEFAULT 0,
                    PRIMARY KEY (metric_table, metric_batch, metric_name, metric_type))
                """,
                countingFunction("engine_count_inserts", rows: "new_rows", column: "inserted"),
                countingFunction("engine_count_deletes", rows: "old_rows", column: "deleted"),
            ]
        ),
        (
            "10 deliveries by notification",
            [
                // A delivery's id is its notification's and "/<method>": ranges of ids in byte
                // order find a notification's deliveries, whatever the database's collation.
                "CREATE INDEX IF NOT EXISTS deliveries_id_bytes ON deliveries ((id COLLATE \"C\"))"
            ]
        ),
        ("11 read models", PostgresReadModel.statements),
    ]

    /// A trigger function that adds a statement's rows, per series, to `series_versions`: one
    /// grouped upsert a statement (through its transition table), not one a row. Series are
    /// upserted in key order, so two writers lock them in the same order.
    static func countingFunction(_ name: String, rows: String, column: String) -> String {
        """
        CREATE OR REPLACE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO series_versions (metric_table, metric_batch, metric_name, metric_type, \(column))
            SELECT TG_TABLE_NAME, metric_batch, metric_name, metric_type, count(*) FROM \(rows)
            GROUP BY metric_batch, metric_name, metric_type ORDER BY metric_batch, metric_name, metric_type
            ON CONFLICT (metric_table, metric_batch, metric_name, metric_type)
            DO UPDATE SET \(column) = series_versions.\(column) + EXCLUDED.\(column);
            RETURN NULL;
        END $$
        """
    }

    /// Makes the triggers that count a metrics table's rows, unless the table has them: never
    /// dropped and made again, which would let another process's rows go uncounted meanwhile.
    static func countingTriggers(table: String) -> String {
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"\(table)"'::regclass AND tgname = '\(table)_count_inserts') THEN
                CREATE TRIGGER "\(table)_count_inserts" AFTER INSERT ON "\(table)"
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engine_count_inserts();
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"\(table)"'::regclass AND tgname = '\(table)_count_deletes') THEN
                CREATE TRIGGER "\(table)_count_deletes" AFTER DELETE ON "\(table)"
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engine_count_deletes();
            END IF;
        END $$
        """
    }

    /// Applies the steps `connection`'s database has not taken.
    static func migrate(_ connection: PostgresConnection) throws {
        try connection.transaction {
            try connection.query(advisoryLock)
            try connection.query("CREATE TABLE IF NOT EXISTS engine_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            let applied = Set(try connection.query("SELECT name FROM engine_migrations").rows.compactMap { $0.first ?? nil })
            for step in steps where !applied.contains(step.name) {
                for statement in step.statements { try connection.query(statement) }
                // When a step was taken is for people reading the table, not for the engine's logic.
                try connection.query("INSERT INTO engine_migrations (name, applied_at) VALUES ($1, now()::text)", [step.name])
            }
        }
    }
}
