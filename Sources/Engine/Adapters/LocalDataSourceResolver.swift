import Foundation

/// Picks a batch's data source from its `db` key. `sqlite` runs against `sqlite_path`, else
/// `ANOMSTACK_SQLITE_PATH`, else the engine's own database (when that is SQLite); `postgres` runs
/// against `ANOMSTACK_POSTGRES_URL` (`redshift` against `ANOMSTACK_REDSHIFT_URL`, over the same
/// PostgreSQL protocol); `duckdb` against `duckdb_path`, else `ANOMSTACK_DUCKDB_PATH`,
/// through the DuckDB CLI (`motherduck`: the same with an `md:` path and
/// `ANOMSTACK_MOTHERDUCK_TOKEN`); `turso` over the libSQL HTTP protocol
/// (`ANOMSTACK_TURSO_DATABASE_URL`, `_AUTH_TOKEN`); `clickhouse` over ClickHouse's HTTP interface
/// (`ANOMSTACK_CLICKHOUSE_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_DATABASE`). Other databases are
/// a clear error until they arrive.
public struct LocalDataSourceResolver: DataSourceResolver {
    /// The engine's own SQLite database, when its store is one.
    public let database: SQLiteDatabase?
    public let environment: [String: String]

    public init(database: SQLiteDatabase?, environment: [String: String]) {
        self.database = database
        self.environment = environment
    }

    public func dataSource(for batch: BatchConfig) throws -> DataSource {
        switch batch.db {
        case "sqlite":
            if let path = batch.values["sqlite_path"]?.stringValue ?? environment["ANOMSTACK_SQLITE_PATH"] {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw JobError("\(batch.file): sqlite_path '\(path)' does not exist")
                }
                return try SQLiteDataSource(path: path)
            }
            guard let database else {
                throw JobError("\(batch.file): db: sqlite needs sqlite_path or ANOMSTACK_SQLITE_PATH when the engine's store is PostgreSQL")
            }
            return SQLiteDataSource(database: database)
        case "postgres", "redshift":
            // Redshift speaks PostgreSQL's protocol: the same client, its own URL.
            let variable = batch.db == "redshift" ? "ANOMSTACK_REDSHIFT_URL" : "ANOMSTACK_POSTGRES_URL"
            let port = batch.db == "redshift" ? "5439" : "5432"
            guard let url = environment[variable], !url.isEmpty else {
                throw JobError("\(batch.file): db: \(batch.db) needs \(variable) (postgresql://user:password@host:\(port)/database)")
            }
            do {
                return try PostgresDataSource(url: url)
            } catch {
                throw JobError("\(batch.file): db: \(batch.db): \(error)")
            }
        case "duckdb", "motherduck":
            let path = batch.values["duckdb_path"]?.stringValue ?? environment["ANOMSTACK_DUCKDB_PATH"] ?? "tmpdata/anomstack-duckdb.db"
            let target = batch.db == "motherduck" && !path.hasPrefix("md:") ? "md:" + path : path
            return DuckDBDataSource(cli: environment["ANOMSTACK_DUCKDB_CLI"] ?? "duckdb", path: target,
                                    token: environment["ANOMSTACK_MOTHERDUCK_TOKEN"])
        case "turso":
            guard let url = environment["ANOMSTACK_TURSO_DATABASE_URL"].flatMap(TursoDataSource.endpoint) else {
                throw JobError("\(batch.file): db: turso needs ANOMSTACK_TURSO_DATABASE_URL (libsql://… or https://…)")
            }
            return TursoDataSource(url: url, token: environment["ANOMSTACK_TURSO_AUTH_TOKEN"], transport: URLSessionTransport(timeout: 120))
        case "clickhouse":
            let host = environment["ANOMSTACK_CLICKHOUSE_HOST"] ?? "localhost"
            let port = environment["ANOMSTACK_CLICKHOUSE_PORT"] ?? "8123"
            let scheme = port == "8443" || port == "443" ? "https" : "http"
            guard let url = URL(string: host.contains("://") ? host : "\(scheme)://\(host):\(port)/") else {
                throw JobError("\(batch.file): db: clickhouse: ANOMSTACK_CLICKHOUSE_HOST '\(host)' is not a host name")
            }
            return ClickHouseDataSource(url: url, user: environment["ANOMSTACK_CLICKHOUSE_USER"],
                                        password: environment["ANOMSTACK_CLICKHOUSE_PASSWORD"],
                                        database: environment["ANOMSTACK_CLICKHOUSE_DATABASE"], transport: URLSessionTransport(timeout: 120))
        default:
            throw JobError("\(batch.file): key 'db': data source '\(batch.db)' is not supported yet "
                           + "(supported: sqlite, postgres, redshift, duckdb, motherduck, turso, clickhouse)")
        }
    }
}
