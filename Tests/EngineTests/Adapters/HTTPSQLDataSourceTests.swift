import Engine
import Foundation
import Testing

/// Turso (libSQL `/v2/pipeline`) and ClickHouse (HTTP interface) sources against a loopback
/// server that answers in the documented wire formats (scripts/services/sql_http_server.py).
@Suite struct HTTPSQLDataSourceTests {
    func base() throws -> URL { URL(string: try testService("ENGINE_TEST_SQL_HTTP_URL", "the Turso and ClickHouse test"))! }

    let expected: [SourceRow] = [
        [
            "metric_timestamp": .text("2026-01-15 11:00:00"), "metric_name": .text("orders"), "metric_value": .real(10.5),
            "hits": .integer(3), "note": .text("ok"),
        ],
        [
            "metric_timestamp": .text("2026-01-15 12:00:00"), "metric_name": .text("orders"), "metric_value": .real(12.25),
            "hits": .integer(9_007_199_254_740_993), "note": .null,
        ],
    ]

    @Test func tursoRowsAreTypedAndErrorsNamed() async throws {
        let source = TursoDataSource(url: try base(), token: "turso-token", transport: URLSessionTransport(timeout: 10))
        #expect(try await source.query("SELECT * FROM metrics_src ORDER BY metric_timestamp") == expected)
        do {
            _ = try await source.query("SELECT * FROM nope")
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "Turso: SQLite error: no such table: nope")
        }
        do {
            _ = try await TursoDataSource(url: try base(), token: "wrong", transport: URLSessionTransport(timeout: 10)).query("SELECT 1")
            Issue.record("no error")
        } catch {
            #expect("\(error)".hasPrefix("Turso answered 401"))
        }
        #expect(TursoDataSource.endpoint("libsql://db-org.turso.io")?.absoluteString == "https://db-org.turso.io")
    }

    @Test func clickHouseRowsAreReadLineByLineAndErrorsNamed() async throws {
        let source = ClickHouseDataSource(
            url: try base(), user: "ch-user", password: "ch-pass", database: "default",
            transport: URLSessionTransport(timeout: 10))
        #expect(try await source.query("SELECT * FROM metrics_src ORDER BY metric_timestamp;") == expected)
        #expect(try await source.query("SELECT * FROM metrics_src WHERE 1 = 0").isEmpty)
        do {
            _ = try await source.query("DROP TABLE metrics_src")
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "ClickHouse answered 500: Code: 164. DB::Exception: Cannot execute query in readonly mode. (READONLY)")
        }
        do {
            _ = try await ClickHouseDataSource(
                url: try base(), user: "ch-user", password: "nope", database: nil,
                transport: URLSessionTransport(timeout: 10)
            ).query("SELECT 1")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("AUTHENTICATION_FAILED"))
        }
    }

    @Test func theResolverReadsAnomstacksVariables() throws {
        let turso = try batch("metric_batch: test\ningest_sql: select 1\ndb: turso\n")
        #expect(throws: JobError.self) { try LocalDataSourceResolver(database: nil, environment: [:]).dataSource(for: turso) }
        let source =
            try LocalDataSourceResolver(database: nil, environment: ["ANOMSTACK_TURSO_DATABASE_URL": "libsql://x.turso.io"])
            .dataSource(for: turso) as? TursoDataSource
        #expect(source?.url.absoluteString == "https://x.turso.io")
        // Anomstack's route: db: sqlite with a libsql:// path.
        let sqlite = try batch("metric_batch: test\ningest_sql: select 1\n")
        let viaSQLite =
            try LocalDataSourceResolver(
                database: nil, environment: ["ANOMSTACK_SQLITE_PATH": "libsql://y.turso.io", "ANOMSTACK_TURSO_AUTH_TOKEN": "t"]
            )
            .dataSource(for: sqlite) as? TursoDataSource
        #expect(viaSQLite?.url.absoluteString == "https://y.turso.io" && viaSQLite?.token == "t")
        let clickhouse = try batch("metric_batch: test\ningest_sql: select 1\ndb: clickhouse\n")
        let ch =
            try LocalDataSourceResolver(
                database: nil, environment: ["ANOMSTACK_CLICKHOUSE_HOST": "ch.internal", "ANOMSTACK_CLICKHOUSE_PORT": "8443"]
            )
            .dataSource(for: clickhouse) as? ClickHouseDataSource
        #expect(ch?.url.absoluteString == "https://ch.internal:8443/")
    }
}
