import Foundation

/// Picks a batch's data source from its `db` key. `sqlite` runs against `sqlite_path`, else
/// `ANOMSTACK_SQLITE_PATH`, else the engine's own database (when that is SQLite); `postgres` runs
/// against `ANOMSTACK_POSTGRES_URL` (`redshift` against `ANOMSTACK_REDSHIFT_URL`, over the same
/// PostgreSQL protocol); `duckdb` against `duckdb_path`, else `ANOMSTACK_DUCKDB_PATH`,
/// through the DuckDB CLI (`motherduck`: the same with an `md:` path and
/// `ANOMSTACK_MOTHERDUCK_TOKEN`); `turso` over the libSQL HTTP protocol
/// (`ANOMSTACK_TURSO_DATABASE_URL`, `_AUTH_TOKEN`), also reached as Anomstack does, through
/// `db: sqlite` with a `libsql://` `sqlite_path` or `ANOMSTACK_SQLITE_PATH`; `clickhouse` over ClickHouse's HTTP interface
/// (`ANOMSTACK_CLICKHOUSE_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_DATABASE`); `bigquery` through
/// BigQuery's REST API with the service account in `ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS`
/// (project `ANOMSTACK_GCP_PROJECT_ID`, else the key's); `snowflake` through the SQL API v2 with a
/// key pair (`ANOMSTACK_SNOWFLAKE_ACCOUNT`, `ANOMSTACK_SNOWFLAKE_USER`,
/// `ANOMSTACK_SNOWFLAKE_PRIVATE_KEY_PATH`), or a drivers' session with `ANOMSTACK_SNOWFLAKE_PASSWORD`
/// when there is no key (`ANOMSTACK_SNOWFLAKE_WAREHOUSE`,
/// `ANOMSTACK_SNOWFLAKE_DATABASE`, `ANOMSTACK_SNOWFLAKE_SCHEMA`, `ANOMSTACK_SNOWFLAKE_ROLE`).
/// Other databases are a clear error.
public struct LocalDataSourceResolver: DataSourceResolver {
    /// The engine's own SQLite database, when its store is one.
    public let database: SQLiteDatabase?
    public let environment: [String: String]

    public init(database: SQLiteDatabase?, environment: [String: String]) {
        self.database = database
        self.environment = environment
    }

    /// Whether an SQLite path names a Turso database (`libsql://…`, or an https URL on turso.io).
    static func isTurso(_ path: String) -> Bool {
        path.hasPrefix("libsql://") || (path.hasPrefix("https://") && (URL(string: path)?.host?.hasSuffix("turso.io") ?? false))
    }

    public func dataSource(for batch: BatchConfig) throws -> any DataSource {
        try dataSource(db: batch.db, file: batch.file, sqlitePath: batch[.sqlitePath], duckdbPath: batch[.duckdbPath])
    }

    /// The data source `db` names, with a batch's own paths (or none); `file` names the batch's
    /// file (or the option) in messages.
    public func dataSource(db: String, file: String, sqlitePath: String? = nil, duckdbPath: String? = nil) throws -> any DataSource {
        switch db {
        case "sqlite":
            if let path = sqlitePath ?? environment["ANOMSTACK_SQLITE_PATH"], Self.isTurso(path) {
                // Anomstack reaches Turso through db: sqlite with a libsql:// (or *.turso.io) path.
                guard let url = TursoDataSource.endpoint(path) else { throw JobError("\(file): '\(path)' is not a Turso URL") }
                return TursoDataSource(url: url, token: environment["ANOMSTACK_TURSO_AUTH_TOKEN"], transport: URLSessionTransport(timeout: 120))
            }
            if let path = sqlitePath ?? environment["ANOMSTACK_SQLITE_PATH"] {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw JobError("\(file): sqlite_path '\(path)' does not exist")
                }
                return try SQLiteDataSource(path: path)
            }
            guard let database else {
                throw JobError("\(file): db: sqlite needs sqlite_path or ANOMSTACK_SQLITE_PATH when the engine's store is PostgreSQL")
            }
            return SQLiteDataSource(database: database)
        case "postgres", "redshift":
            // Redshift speaks PostgreSQL's protocol: the same client, its own URL.
            let variable = db == "redshift" ? "ANOMSTACK_REDSHIFT_URL" : "ANOMSTACK_POSTGRES_URL"
            let port = db == "redshift" ? "5439" : "5432"
            guard let url = environment[variable], !url.isEmpty else {
                throw JobError("\(file): db: \(db) needs \(variable) (postgresql://user:password@host:\(port)/database)")
            }
            do {
                return try PostgresDataSource(url: url)
            } catch {
                throw JobError("\(file): db: \(db): \(error)")
            }
        case "duckdb", "motherduck":
            let path = duckdbPath ?? environment["ANOMSTACK_DUCKDB_PATH"] ?? "tmpdata/anomstack-duckdb.db"
            let target = db == "motherduck" && !path.hasPrefix("md:") ? "md:" + path : path
            return DuckDBDataSource(
                cli: environment["ANOMSTACK_DUCKDB_CLI"] ?? "duckdb", path: target,
                token: environment["ANOMSTACK_MOTHERDUCK_TOKEN"])
        case "turso":
            guard let url = environment["ANOMSTACK_TURSO_DATABASE_URL"].flatMap(TursoDataSource.endpoint) else {
                throw JobError("\(file): db: turso needs ANOMSTACK_TURSO_DATABASE_URL (libsql://… or https://…)")
            }
            return TursoDataSource(url: url, token: environment["ANOMSTACK_TURSO_AUTH_TOKEN"], transport: URLSessionTransport(timeout: 120))
        case "clickhouse":
            let host = environment["ANOMSTACK_CLICKHOUSE_HOST"] ?? "localhost"
            let port = environment["ANOMSTACK_CLICKHOUSE_PORT"] ?? "8123"
            let scheme = port == "8443" || port == "443" ? "https" : "http"
            guard let url = URL(string: host.contains("://") ? host : "\(scheme)://\(host):\(port)/") else {
                throw JobError("\(file): db: clickhouse: ANOMSTACK_CLICKHOUSE_HOST '\(host)' is not a host name")
            }
            return ClickHouseDataSource(
                url: url, user: environment["ANOMSTACK_CLICKHOUSE_USER"],
                password: environment["ANOMSTACK_CLICKHOUSE_PASSWORD"],
                database: environment["ANOMSTACK_CLICKHOUSE_DATABASE"], transport: URLSessionTransport(timeout: 120))
        case "bigquery":
            return try bigQuery(file: file)
        case "snowflake":
            return try snowflake(file: file)
        default:
            throw JobError(
                "\(file): key 'db': data source '\(db)' is not supported "
                    + "(supported: sqlite, postgres, redshift, duckdb, motherduck, turso, clickhouse, bigquery, snowflake)")
        }
    }

    private func bigQuery(file: String) throws -> any DataSource {
        let found: GoogleServiceAccount?
        do { found = try GoogleServiceAccount.fromEnvironment(environment) } catch { throw JobError("\(file): db: bigquery: \(error)") }
        guard let account = found else {
            throw JobError("\(file): db: bigquery needs \(GoogleServiceAccount.variable) (the path of a service-account JSON key)")
        }
        guard let project = environment["ANOMSTACK_GCP_PROJECT_ID"] ?? account.projectID else {
            throw JobError("\(file): db: bigquery needs ANOMSTACK_GCP_PROJECT_ID (the key has no project_id)")
        }
        var endpoint = BigQueryDataSource.defaultEndpoint
        if let text = environment["ANOMSTACK_BIGQUERY_URL"] {
            guard let url = URL(string: text) else { throw JobError("\(file): ANOMSTACK_BIGQUERY_URL '\(text)' is not a URL") }
            endpoint = url
        }
        let transport = URLSessionTransport(timeout: 120)
        return BigQueryDataSource(
            project: project, location: environment["ANOMSTACK_BIGQUERY_LOCATION"], endpoint: endpoint,
            tokens: GoogleAccessTokens(account: account, scope: BigQueryDataSource.scope, transport: transport),
            transport: transport)
    }

    private func snowflake(file: String) throws -> any DataSource {
        func variable(_ name: String) -> String? { environment["ANOMSTACK_SNOWFLAKE_\(name)"].flatMap { $0.isEmpty ? nil : $0 } }
        func endpoint() throws -> URL? {
            guard let text = variable("URL") else { return nil }
            guard let url = URL(string: text) else { throw JobError("\(file): ANOMSTACK_SNOWFLAKE_URL '\(text)' is not a URL") }
            return url
        }
        func context() -> [String: String] {
            var context: [String: String] = [:]
            for name in ["warehouse", "database", "schema", "role"] { context[name] = variable(name.uppercased()) }
            return context
        }
        guard let account = variable("ACCOUNT"), let user = variable("USER") else {
            throw JobError("\(file): db: snowflake needs ANOMSTACK_SNOWFLAKE_ACCOUNT and ANOMSTACK_SNOWFLAKE_USER")
        }
        let pem: String
        let label: String
        if let path = variable("PRIVATE_KEY_PATH") {
            label = "ANOMSTACK_SNOWFLAKE_PRIVATE_KEY_PATH file '\(path)'"
            guard let data = FileManager.default.contents(atPath: path) else { throw JobError("\(file): \(label) cannot be read") }
            pem = String(decoding: data, as: UTF8.self)
        } else if let text = variable("PRIVATE_KEY") {
            label = "ANOMSTACK_SNOWFLAKE_PRIVATE_KEY"
            pem = text
        } else if let password = variable("PASSWORD") {
            // No key pair: the password signs in to a session, as Anomstack's connector does.
            return SnowflakeSessionDataSource(
                account: account, user: user, password: password, endpoint: try endpoint(), context: context(),
                transport: URLSessionTransport(timeout: 120))
        } else {
            throw JobError(
                "\(file): db: snowflake needs ANOMSTACK_SNOWFLAKE_PASSWORD, or a key pair: ANOMSTACK_SNOWFLAKE_PRIVATE_KEY_PATH, "
                    + "the PEM file of the key registered with ALTER USER … SET RSA_PUBLIC_KEY")
        }
        let key: RSASigningKey
        do { key = try RSASigningKey(pem: pem, label: label) } catch { throw JobError("\(file): db: snowflake: \(error)") }
        return SnowflakeDataSource(
            account: account, user: user, endpoint: try endpoint(), key: key, context: context(),
            transport: URLSessionTransport(timeout: 120))
    }
}
