import Engine
import Foundation
import Testing

/// `db: duckdb` with the real DuckDB CLI (PyPI's duckdb-cli, installed by scripts/test-services.sh)
/// on a real database file.
@Suite struct DuckDBDataSourceTests {
    func cli() throws -> String { try testService("ENGINE_TEST_DUCKDB_CLI", "the DuckDB test") }

    /// A database file with a small metrics table, made with the CLI itself.
    func database() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString).duckdb").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try cli())
        process.arguments = [
            path, "-c",
            """
            CREATE TABLE m AS SELECT TIMESTAMP '2026-01-15 12:00:00' AS metric_timestamp, 'orders' AS metric_name,
                   42::BIGINT AS metric_value, 1.5::DOUBLE AS ratio, NULL AS note, true AS flag
            """,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return path
    }

    @Test func rowsComeBackTypedFromAFileOpenedReadOnly() throws {
        let path = try database()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = DuckDBDataSource(cli: try cli(), path: path)
        #expect(
            try source.query("SELECT * FROM m") == [
                [
                    "metric_timestamp": .text("2026-01-15 12:00:00"), "metric_name": .text("orders"),
                    "metric_value": .integer(42), "ratio": .real(1.5), "note": .null, "flag": .integer(1),
                ]
            ])
        #expect(try source.query("SELECT * FROM m WHERE false").isEmpty)
        #expect { try source.query("SELECT * FROM nope") } throws: { "\($0)".hasPrefix("DuckDB: Catalog Error: Table with name nope does not exist") }
        #expect { try source.query("INSERT INTO m VALUES (TIMESTAMP '2026-01-16', 'x', 1, 1, NULL, false)") } throws: {
            "\($0)".contains("read-only")
        }
    }

    @Test func aMissingFileOrToolSaysWhich() throws {
        let file = try database()
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect {
            try DuckDBDataSource(cli: try cli(), path: file + "/inside/db.duckdb").query("SELECT 1")
        } throws: { "\($0)".hasPrefix("the DuckDB file '\(file)/inside/db.duckdb' does not exist and its folder cannot be made") }
        let path = try database()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try DuckDBDataSource(cli: "no-such-duckdb-binary", path: path).query("SELECT 1")
        } throws: { "\($0)".contains("is not installed") }
    }

    /// Anomstack's `sales` example queries a DuckDB file nobody made yet: the first query makes it.
    @Test func aFileThatDoesNotExistYetIsMade() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-duckdb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tmpdata/anomstack-duckdb.db").path
        let source = DuckDBDataSource(cli: try cli(), path: path)
        #expect(try source.query("SELECT 7 AS metric_value") == [["metric_value": .integer(7)]])
        #expect(FileManager.default.fileExists(atPath: path))
        #expect { try source.query("CREATE TABLE t (x INT)") } throws: { "\($0)".contains("read-only") }
    }

    @Test func theResolverPicksDuckDBAndMotherDuck() throws {
        let local = try batch("metric_batch: test\ningest_sql: select 1\ndb: duckdb\nduckdb_path: /data/x.duckdb\n")
        let source = try LocalDataSourceResolver(database: nil, environment: ["ANOMSTACK_DUCKDB_CLI": "/opt/duckdb"]).dataSource(for: local)
        #expect((source as? DuckDBDataSource)?.path == "/data/x.duckdb")
        #expect((source as? DuckDBDataSource)?.cli == "/opt/duckdb")
        let cloud = try batch("metric_batch: test\ningest_sql: select 1\ndb: motherduck\n")
        let md =
            try LocalDataSourceResolver(database: nil, environment: ["ANOMSTACK_DUCKDB_PATH": "metrics", "ANOMSTACK_MOTHERDUCK_TOKEN": "t"])
            .dataSource(for: cloud) as? DuckDBDataSource
        #expect(md?.path == "md:metrics")
        #expect(md?.token == "t")
    }
}

/// A failing ingest query names the batch file, the source and the query, and writes nothing.
@Suite struct IngestFailureTests {
    struct Failing: DataSource {
        func query(_ sql: String) async throws -> [SourceRow] { throw JobError("connection lost") }
    }
    struct Resolver: DataSourceResolver {
        func dataSource(for batch: BatchConfig) throws -> any DataSource { Failing() }
    }

    @Test func theErrorNamesBatchSourceAndQuery() async throws {
        let h = try Harness()
        var context = h.context
        context.sources = Resolver()
        let b = try batch("metric_batch: test\ningest_sql: |\n  select *\n  from   orders\n")
        let run = await JobRunner(context: context).run(.ingest, batch: b)
        #expect(run.error == "test/test.yaml: ingest_sql on sqlite failed: connection lost — query: select * from orders")
        #expect(try h.all("test", .metric).isEmpty)
    }
}
