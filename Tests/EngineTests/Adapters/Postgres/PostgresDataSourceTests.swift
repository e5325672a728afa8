import Engine
import Foundation
import Testing

/// `db: postgres`: ingest_sql on a real PostgreSQL server.
@Suite struct PostgresDataSourceTests {
    func url() throws -> String { try testService("ENGINE_TEST_POSTGRES_URL", "the PostgreSQL test") }

    @Test func rowsComeBackTypedAndQueriesAreReadOnly() throws {
        let source = try PostgresDataSource(url: try url())
        let rows = try source.query(
            """
            SELECT '2026-01-15 12:00:00'::text AS metric_timestamp, 'orders' AS metric_name, 42::bigint AS metric_value,
                   1.5::double precision AS "Ratio", NULL::text AS note, 7.25::numeric AS price
            """)
        #expect(
            rows == [
                [
                    "metric_timestamp": .text("2026-01-15 12:00:00"), "metric_name": .text("orders"), "metric_value": .integer(42),
                    "ratio": .real(1.5), "note": .null, "price": .real(7.25),
                ]
            ])
        #expect {
            try source.query("CREATE TABLE should_not_exist (x int)")
        } throws: { "\($0)".contains("read-only transaction") }
        #expect {
            try source.query("SELECT * FROM no_such_table")
        } throws: { "\($0)".contains("relation \"no_such_table\" does not exist") }
    }

    @Test func theResolverNeedsAURLAndReportsAnUnreachableServer() async throws {
        let b = try batch("metric_batch: test\ningest_sql: select 1\ndb: postgres\n")
        #expect {
            try LocalDataSourceResolver(database: nil, environment: [:]).dataSource(for: b)
        } throws: { "\($0)" == "test/test.yaml: db: postgres needs ANOMSTACK_POSTGRES_URL (postgresql://user:password@host:5432/database)" }
        let unreachable = ["ANOMSTACK_POSTGRES_URL": "postgresql://someone:secret@127.0.0.1:1/none?connect_timeout=2"]
        #expect {
            try LocalDataSourceResolver(database: nil, environment: unreachable).dataSource(for: b)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("test/test.yaml: db: postgres: cannot connect to postgresql://someone:***@127.0.0.1:1/none")
                && !text.contains("secret")
        }
        #expect(throws: JobError.self) {
            try LocalDataSourceResolver(database: nil, environment: [:]).dataSource(for: try batch("metric_batch: test\ningest_sql: select 1\n"))
        }
        // Redshift goes through the same PostgreSQL client with its own variable.
        let redshift = try batch("metric_batch: test\ningest_sql: select 1\ndb: redshift\n")
        #expect {
            try LocalDataSourceResolver(database: nil, environment: [:]).dataSource(for: redshift)
        } throws: { "\($0)" == "test/test.yaml: db: redshift needs ANOMSTACK_REDSHIFT_URL (postgresql://user:password@host:5439/database)" }
        let viaRedshift = try LocalDataSourceResolver(database: nil, environment: ["ANOMSTACK_REDSHIFT_URL": try url()]).dataSource(for: redshift)
        #expect(try await viaRedshift.query("SELECT 2::bigint AS metric_value") == [["metric_value": .integer(2)]])
        _ = try url()
    }
}
