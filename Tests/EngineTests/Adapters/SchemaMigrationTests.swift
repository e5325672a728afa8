import Fixtures
import Foundation
import GRDB
import Testing

@testable import Engine

/// The stores' schemas are named steps, taken once each: a database made by an older engine
/// (before the steps were recorded, `job_runs` without `duration_ms`) takes them all, and opening
/// it again takes none.
@Suite struct SchemaMigrationTests {
    static let oldJobRuns = """
        CREATE TABLE job_runs (id INTEGER PRIMARY KEY, job TEXT NOT NULL, batch TEXT NOT NULL, as_of TEXT NOT NULL,
            started_at TEXT NOT NULL, finished_at TEXT NOT NULL, status TEXT NOT NULL, rows_written INTEGER NOT NULL, error TEXT)
        """

    @Test func anOlderSQLiteFileTakesEveryStepOnce() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("old-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DatabaseQueue(path: path).write { try $0.execute(sql: Self.oldJobRuns) }
        let steps = SQLiteDatabase.migrator.migrations
        for _ in 0..<2 {
            let database = try SQLiteDatabase(path: path)
            let (applied, columns) = try database.writer.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
                    try db.columns(in: "job_runs").map(\.name)
                )
            }
            // Each step once (identifiers sort as text: "10 ..." before "2 ...").
            #expect(applied.count == steps.count && Set(applied) == Set(steps) && columns.contains("duration_ms"))
            #expect(try database.writer.read { try $0.tableExists("job_leases") && $0.tableExists("deliveries") })
        }
    }

    @Test func anOlderPostgreSQLDatabaseTakesEveryStepOnce() throws {
        let scratch = try ScratchPostgresDatabase(serverURL: try TestServices.url("ENGINE_TEST_POSTGRES_URL"), prefix: "schema")
        let setup = try PostgresConnection(url: scratch.url)
        try setup.query(Self.oldJobRuns.replacingOccurrences(of: "INTEGER PRIMARY KEY", with: "BIGSERIAL PRIMARY KEY"))
        for _ in 0..<2 {
            _ = try PostgresDatabase(url: scratch.url)
            let applied = try setup.query("SELECT name FROM engine_migrations ORDER BY name").rows.map { $0[0] ?? "" }
            // Each step once (names sort as text: "10 ..." before "2 ...").
            #expect(applied.count == PostgresSchema.steps.count && Set(applied) == Set(PostgresSchema.steps.map(\.name)))
            let columns = try setup.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'job_runs'").rows
            #expect(columns.contains { $0[0] == "duration_ms" })
        }
    }

    /// A metrics table written before the read models existed: opening it adds its hourly totals
    /// up from its rows once, and from then on the triggers keep them.
    @Test func aSQLiteTableFromBeforeTheReadModelsIsAddedUpOnOpen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("old-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = (0..<5).map { MetricRow(timestamp: referenceTime.addingTimeInterval(Double($0) * 1200), batch: "b", name: "m", type: .score, value: 0.5) }
        try SQLiteDatabase(path: path).store(table: "metrics").insert(rows)
        // As an engine from before the read models left it: rows, no triggers, no totals.
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DROP TRIGGER metrics_read_model_inserts; DROP TRIGGER metrics_read_model_deletes; DELETE FROM batch_hours")
        }
        let store = try SQLiteDatabase(path: path).store(table: "metrics")
        let day = (from: referenceTime, through: referenceTime.addingTimeInterval(86_400))
        #expect(try store.hourlyTotals(batch: "b", types: [.score], from: day.from, through: day.through)[.score] == HourlyTotal(count: 5, valueSum: 2.5))
        try store.insert([MetricRow(timestamp: referenceTime.addingTimeInterval(7200), batch: "b", name: "n", type: .score, value: 1)])
        #expect(try store.hourlyTotals(batch: "b", types: [.score], from: day.from, through: day.through)[.score] == HourlyTotal(count: 6, valueSum: 3.5))
    }

    @Test func aPostgreSQLTableFromBeforeTheReadModelsIsAddedUpOnOpen() throws {
        let scratch = try ScratchPostgresDatabase(serverURL: try TestServices.url("ENGINE_TEST_POSTGRES_URL"), prefix: "schema")
        let rows = (0..<5).map { MetricRow(timestamp: referenceTime.addingTimeInterval(Double($0) * 1200), batch: "b", name: "m", type: .score, value: 0.5) }
        try PostgresDatabase(url: scratch.url).store(table: "metrics").insert(rows)
        let setup = try PostgresConnection(url: scratch.url)
        try setup.query("DROP TRIGGER metrics_read_model_inserts ON metrics")
        try setup.query("DROP TRIGGER metrics_read_model_deletes ON metrics")
        try setup.query("DELETE FROM batch_hours")
        let store = try PostgresDatabase(url: scratch.url).store(table: "metrics")
        let day = (from: referenceTime, through: referenceTime.addingTimeInterval(86_400))
        #expect(try store.hourlyTotals(batch: "b", types: [.score], from: day.from, through: day.through)[.score] == HourlyTotal(count: 5, valueSum: 2.5))
        try store.insert([MetricRow(timestamp: referenceTime.addingTimeInterval(7200), batch: "b", name: "n", type: .score, value: 1)])
        #expect(try store.hourlyTotals(batch: "b", types: [.score], from: day.from, through: day.through)[.score] == HourlyTotal(count: 6, valueSum: 3.5))
    }
}
