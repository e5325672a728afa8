import Engine
import Fixtures
import Foundation
import GRDB
import Testing

/// `engine import` of Anomstack metrics tables built here in its schema (SQLite with GRDB, DuckDB
/// with its CLI): every row type arrives, a second import writes nothing, a stopped import
/// resumes, the engine trains on what arrived, and a table of the wrong shape writes nothing.
@Suite struct HistoryImportTests {
    static let hours = 3000

    /// An Anomstack SQLite file: `hours` hourly values of shop/orders, with scores, an alert,
    /// feedback and an LLM alert, and two rows the engine cannot hold.
    func anomstackSQLite() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("anomstack-\(UUID().uuidString).db").path
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE metrics (metric_timestamp TEXT, metric_batch TEXT, metric_name TEXT, metric_type TEXT,
                                          metric_value REAL, metadata TEXT)
                    """)
            let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00:00
            for hour in 0..<Self.hours {
                let time = MetricTimestamp.format(start.addingTimeInterval(Double(hour) * 3600))
                try db.execute(
                    sql: "INSERT INTO metrics VALUES (?, 'shop', 'orders', 'metric', ?, NULL)", arguments: [time, 10 + Double(hour % 7)])
                if hour >= Self.hours - 100 {
                    try db.execute(sql: "INSERT INTO metrics VALUES (?, 'shop', 'orders', 'score', 0.1, NULL)", arguments: [time])
                }
            }
            let last = MetricTimestamp.format(start.addingTimeInterval(Double(Self.hours - 1) * 3600))
            for type in ["alert", "thumbsup", "llmalert"] {
                try db.execute(sql: "INSERT INTO metrics VALUES (?, 'shop', 'orders', ?, 1, '{\"from\":\"anomstack\"}')", arguments: [last, type])
            }
            try db.execute(sql: "INSERT INTO metrics VALUES (?, 'shop', 'orders', 'mystery', 1, NULL)", arguments: [last])
            try db.execute(sql: "INSERT INTO metrics VALUES ('yesterday', 'shop', 'orders', 'metric', 1, NULL)")
        }
        return path
    }

    func engineStore() throws -> SQLiteDatabase { try SQLiteDatabase(path: ":memory:") }

    /// An SQLite file made by `sql` (synchronously, outside the async tests' executor).
    static func makeFile(_ path: String, sql: String) throws {
        try DatabaseQueue(path: path).write { try $0.execute(sql: sql) }
    }

    @Test func anSQLiteTableImportsOnceAndTrains() async throws {
        let path = try anomstackSQLite()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try engineStore()
        var importer = HistoryImport(source: try SQLiteDataSource(path: path), sourceName: "sqlite:\(path)", table: "metrics", store: store)
        importer.pageSize = 700
        let first = try await importer.run()
        #expect(first.rowsRead == Self.hours + 100 + 5)
        #expect(first.rowsWritten == Self.hours + 100 + 3)
        #expect(first.skipped == 2)
        #expect(first.firstProblem?.contains("metric_type 'mystery' is none of") == true, "\(first.firstProblem ?? "")")
        let rows = try store.store(table: "metrics").rows(MetricQuery(batch: "shop", types: MetricType.allCases))
        #expect(Set(rows.map(\.type)) == [.metric, .score, .alert, .thumbsup, .llmalert])
        #expect(rows.first { $0.type == .alert }?.metadata == "{\"from\":\"anomstack\"}")

        let second = try await importer.run()
        #expect(second.rowsRead == 0 && second.rowsWritten == 0 && second.resumed)
        let again = try await importer.run(restart: true)
        #expect(again.rowsRead == first.rowsRead && again.rowsWritten == 0)

        // The engine trains on the imported history at once.
        let h = try Harness()
        var context = h.context
        context.stores = store
        let run = await JobRunner(context: context).run(.train, batch: try batch("metric_batch: shop\ningest_sql: select 1\n"))
        #expect(run.status == .success && run.rowsWritten == 1, "\(run)")
    }

    /// A source that fails after some pages, as a killed import would stop: the rerun resumes
    /// after the last page it kept, and the store ends with every row once.
    @Test func aStoppedImportResumes() async throws {
        let path = try anomstackSQLite()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try engineStore()
        let flaky = FailingAfter(inner: try SQLiteDataSource(path: path), pages: 2)
        var importer = HistoryImport(source: flaky, sourceName: "flaky", table: "metrics", store: store)
        importer.pageSize = 500
        await #expect(throws: JobError.self) { try await importer.run() }
        let kept = try #require(try store.importCursor(source: "flaky", table: "metrics"))
        #expect(kept.rowsRead == 1000 && !kept.finished)
        importer = HistoryImport(source: try SQLiteDataSource(path: path), sourceName: "flaky", table: "metrics", store: store)
        importer.pageSize = 500
        let rest = try await importer.run()
        #expect(rest.resumed && rest.rowsRead == Self.hours + 105 - 1000)
        #expect(try store.store(table: "metrics").rows(MetricQuery(batch: "shop", types: MetricType.allCases)).count == Self.hours + 103)
    }

    /// BigQuery and Snowflake by name, through their own sources against the loopback stand-in of
    /// both APIs (scripts/services/cloud_server.py): the table named as each warehouse names it,
    /// read in pages across the APIs' own pages, imported once.
    @Test(arguments: [("bigquery", "engine-test.anomstack.metrics"), ("snowflake", "anomstack.metrics")])
    func aWarehouseTableImportsThroughItsSource(_ warehouse: String, _ table: String) async throws {
        let url = try testService("ENGINE_TEST_CLOUD_URL", "the warehouse import test")
        let environment = [
            "ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS": try testService("ENGINE_TEST_GOOGLE_CREDENTIALS", "the warehouse import test"),
            "ANOMSTACK_BIGQUERY_URL": url + "/bigquery/v2",
            "ANOMSTACK_SNOWFLAKE_ACCOUNT": "testorg-account", "ANOMSTACK_SNOWFLAKE_USER": "engine",
            "ANOMSTACK_SNOWFLAKE_PRIVATE_KEY_PATH": try testService("ENGINE_TEST_CLOUD_KEY", "the warehouse import test"),
            "ANOMSTACK_SNOWFLAKE_URL": url,
        ]
        let installation = LocalInstallation(
            metricsDirectory: FileManager.default.temporaryDirectory, databasePath: ":memory:", environment: environment,
            overrides: [], logger: quietLogger())
        let source = try installation.importSource(warehouse)
        #expect(source.name == warehouse && source.dialect == SQLDialect(db: warehouse))
        let store = try engineStore()
        var importer = HistoryImport(source: source.source, sourceName: source.name, table: table, store: store)
        importer.dialect = source.dialect
        importer.pageSize = 7
        let first = try await importer.run()
        #expect(first.rowsRead == 31 && first.rowsWritten == 31 && first.skipped == 0, "\(first)")
        let rows = try store.store(table: "metrics").rows(MetricQuery(batch: "shop", types: MetricType.allCases))
        #expect(rows.filter { $0.type == .metric }.count == 30)
        #expect(rows.first { $0.type == .alert }.map { ($0.timestamp, $0.metadata) }! == (try #require(MetricTimestamp.parse("2026-01-16 05:00:00")), "{\"score\": 0.93}"))
        let second = try await importer.run()
        #expect(second.rowsRead == 0 && second.rowsWritten == 0 && second.resumed)
        // Without the warehouse's own settings, the import says which are missing.
        let bare = LocalInstallation(
            metricsDirectory: FileManager.default.temporaryDirectory, databasePath: ":memory:", environment: [:], overrides: [],
            logger: quietLogger())
        #expect(throws: JobError.self) { try bare.importSource(warehouse) }
    }

    @Test func eachDialectNamesATablePathItsOwnWay() throws {
        let path = try #require(TableKey("my-project.anomstack.metrics"))
        #expect(SQLDialect.bigquery.quoted(path) == "`my-project.anomstack.metrics`")
        let two = try #require(TableKey("anomstack.metrics"))
        #expect(SQLDialect.snowflake.quoted(two) == "anomstack.metrics")
        #expect(SQLDialect.postgres.quoted(two) == "\"anomstack\".\"metrics\"")
        #expect(SQLDialect.duckdb.quoted(two) == SQLDialect.sqlite.quoted(two))
        #expect(SQLDialect.clickhouse.quoted(two) == "`anomstack`.`metrics`")
    }

    @Test func aDuckDBTableImports() async throws {
        let cli = try testService("ENGINE_TEST_DUCKDB_CLI", "the DuckDB CLI")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("anomstack-\(UUID().uuidString).duckdb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cli)
        process.arguments = [
            path, "-c",
            """
            CREATE TABLE metrics AS SELECT TIMESTAMP '2026-01-01 00:00:00' + to_hours(i) AS metric_timestamp, 'web' AS metric_batch,
                'm' || (i % 3) AS metric_name, CASE WHEN i % 10 = 0 THEN 'score' ELSE 'metric' END AS metric_type,
                (i % 5)::DOUBLE AS metric_value, NULL::VARCHAR AS metadata FROM range(2500) t(i)
            """,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let store = try engineStore()
        var importer = HistoryImport(source: DuckDBDataSource(cli: cli, path: path), sourceName: "duckdb:\(path)", table: "metrics", store: store)
        importer.pageSize = 1000
        let summary = try await importer.run()
        #expect(summary.rowsRead == 2500 && summary.rowsWritten == 2500 && summary.skipped == 0)
        #expect(try await importer.run().rowsWritten == 0)
        #expect(try store.store(table: "metrics").rows(MetricQuery(batch: "web", types: [.score])).count == 250)
    }

    @Test func aTableOfAnotherShapeIsRefusedBeforeAnyWrite() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("other-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.makeFile(path, sql: "CREATE TABLE metrics (ts TEXT, name TEXT, value REAL); INSERT INTO metrics VALUES ('2026-01-01', 'a', 1)")
        let store = try engineStore()
        let importer = HistoryImport(source: try SQLiteDataSource(path: path), sourceName: "sqlite:x", table: "metrics", store: store)
        await #expect {
            try await importer.run()
        } throws: {
            "\($0)".contains("is not an Anomstack metrics table: it lacks metric_timestamp, metric_batch, metric_name, metric_type, metric_value")
        }
        await #expect { try await HistoryImport(source: try SQLiteDataSource(path: path), sourceName: "s", table: "nope", store: store).run() } throws: {
            "\($0)".hasPrefix("cannot read table 'nope' of s")
        }
        #expect(try store.importCursor(source: "sqlite:x", table: "metrics") == nil)
    }
}

/// A data source that answers `pages` queries after the column check, then fails.
final class FailingAfter: DataSource, @unchecked Sendable {
    let inner: any DataSource
    private var left: Int
    private let lock = NSLock()

    init(inner: any DataSource, pages: Int) {
        self.inner = inner
        left = pages
    }

    func query(_ sql: String) async throws -> [SourceRow] {
        if sql.contains("ORDER BY") {
            let stop = lock.withLock {
                left -= 1
                return left < 0
            }
            if stop { throw JobError("the connection was lost") }
        }
        return try await inner.query(sql)
    }
}
