import Foundation
import GRDB
import Synchronization

/// The embedded SQLite database (through the system libsqlite3, via GRDB): a file in WAL mode,
/// or an in-memory database for tests and benchmarks. It holds the metrics table(s) and
/// `job_runs`, the delivery log and mutes, and serves as the default data source for `ingest_sql`.
public final class SQLiteDatabase: MetricStores, Sendable {
    let writer: any DatabaseWriter
    public let path: String

    /// Opens (creating if needed) the database at `path`; `:memory:` opens a private in-memory one.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        if path == ":memory:" {
            writer = try DatabaseQueue(configuration: configuration)
        } else {
            writer = try DatabasePool(path: path, configuration: configuration)
        }
        try Self.migrator.migrate(writer)
    }

    /// The schema as named steps, applied once each and in order (GRDB records them in
    /// `grdb_migrations`). A new table or column is a new step at the end; a step never changes
    /// once released. The steps are idempotent too, so a database made before the steps were
    /// recorded takes them all without harm. Metrics tables are made per `table_key` by
    /// `store(table:)`.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1 job runs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS job_runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job TEXT NOT NULL,
                        batch TEXT NOT NULL,
                        as_of TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        finished_at TEXT NOT NULL,
                        status TEXT NOT NULL,
                        rows_written INTEGER NOT NULL,
                        error TEXT
                    );
                    CREATE INDEX IF NOT EXISTS job_runs_batch ON job_runs (batch, job, id);
                    """)
        }
        migrator.registerMigration("2 job run durations") { db in
            if try !db.columns(in: "job_runs").contains(where: { $0.name == "duration_ms" }) {
                try db.alter(table: "job_runs") { $0.add(column: "duration_ms", .integer) }
            }
        }
        migrator.registerMigration("3 deliveries and mutes") { db in try db.execute(sql: notificationSchema) }
        migrator.registerMigration("4 run-time overrides") { db in try db.execute(sql: controlSchema) }
        migrator.registerMigration("5 job leases") { db in try db.execute(sql: leaseSchema) }
        migrator.registerMigration("6 delivery claims") { db in
            if try !db.columns(in: "deliveries").contains(where: { $0.name == "claimed_by" }) {
                try db.alter(table: "deliveries") { $0.add(column: "claimed_by", .text) }
            }
        }
        migrator.registerMigration("7 history imports") { db in try db.execute(sql: importSchema) }
        migrator.registerMigration("8 maintenance windows") { db in
            try db.execute(sql: maintenanceSchema)
            if try !db.columns(in: "deliveries").contains(where: { $0.name == "muted_by" }) {
                try db.alter(table: "deliveries") { $0.add(column: "muted_by", .text) }
            }
        }
        migrator.registerMigration("9 series versions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS series_versions (
                        metric_table TEXT NOT NULL,
                        metric_batch TEXT NOT NULL,
                        metric_name TEXT NOT NULL,
                        metric_type TEXT NOT NULL,
                        inserted INTEGER NOT NULL DEFAULT 0,
                        deleted INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (metric_table, metric_batch, metric_name, metric_type)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("10 read models") { db in try db.execute(sql: SQLiteReadModel.schema) }
        return migrator
    }()

    /// Runs one of the engine's own SELECTs (every store read is one statement): a single
    /// statement is consistent by itself, so it needs no transaction, and it skips the read-only
    /// guard GRDB puts around `read`. On the in-memory queue that guard sets `PRAGMA query_only`
    /// on and off, which expires every prepared statement, so a cached statement was compiled
    /// again after any read (about a tenth of a backtest's time). A user's `ingest_sql` keeps the
    /// guard: it is not ours to trust.
    func selecting<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.unsafeRead(body)
    }

    /// The metrics tables this connection has made sure of: every job asks for its table on
    /// every run, and the schema statements cost a write transaction each time.
    private let preparedTables = Mutex<Set<String>>([])

    public func store(table: String) throws -> any MetricStore {
        guard ConfigSchema.isIdentifier(table) else { throw JobError("'\(table)' is not a valid table name") }
        if preparedTables.withLock({ $0.contains(table) }) { return SQLiteMetricStore(database: self, table: table) }
        try writer.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS "\(table)" (
                        metric_timestamp TEXT NOT NULL,
                        metric_batch TEXT NOT NULL,
                        metric_name TEXT NOT NULL,
                        metric_type TEXT NOT NULL,
                        metric_value REAL NOT NULL,
                        metadata TEXT,
                        PRIMARY KEY (metric_batch, metric_name, metric_type, metric_timestamp)
                    ) WITHOUT ROWID;
                    -- Covers the dashboard's aggregates by batch, type and time (count, span, value sum).
                    CREATE INDEX IF NOT EXISTS "\(table)_by_type_time" ON "\(table)" (metric_batch, metric_type, metric_timestamp, metric_value);
                    -- Every row written or deleted, by the engine or anyone else, is counted per
                    -- series, so a reader holding a series in memory can tell it is current.
                    CREATE TRIGGER IF NOT EXISTS "\(table)_count_inserts" AFTER INSERT ON "\(table)" BEGIN
                        INSERT INTO series_versions (metric_table, metric_batch, metric_name, metric_type, inserted, deleted)
                        VALUES ('\(table)', NEW.metric_batch, NEW.metric_name, NEW.metric_type, 1, 0)
                        ON CONFLICT DO UPDATE SET inserted = inserted + 1;
                    END;
                    CREATE TRIGGER IF NOT EXISTS "\(table)_count_deletes" AFTER DELETE ON "\(table)" BEGIN
                        INSERT INTO series_versions (metric_table, metric_batch, metric_name, metric_type, inserted, deleted)
                        VALUES ('\(table)', OLD.metric_batch, OLD.metric_name, OLD.metric_type, 0, 1)
                        ON CONFLICT DO UPDATE SET deleted = deleted + 1;
                    END;
                    """)
            try SQLiteReadModel.prepare(table: table, in: db)
        }
        preparedTables.withLock { _ = $0.insert(table) }
        return SQLiteMetricStore(database: self, table: table)
    }
}

/// A metrics table in the embedded SQLite database. Timestamps are stored as UTC text
/// `YYYY-MM-DD HH:MM:SS`, which sorts in time order and compares with SQLite's `datetime()`.
public struct SQLiteMetricStore: MetricStore {
    let database: SQLiteDatabase
    public let table: String

    public func insert(_ rows: [MetricRow]) throws -> Int {
        guard !rows.isEmpty else { return 0 }
        return try database.writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO "\(table)" (metric_timestamp, metric_batch, metric_name, metric_type, metric_value, metadata)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """)
            var inserted = 0
            for row in rows {
                try statement.execute(arguments: [
                    MetricTimestamp.format(row.timestamp), row.batch, row.name,
                    row.type.rawValue, row.value, row.metadata,
                ])
                inserted += db.changesCount
            }
            return inserted
        }
    }

    /// The WHERE clause and its arguments for a query, or nil when it can select nothing.
    private func filter(_ query: MetricQuery) -> (String, [(any DatabaseValueConvertible)?])? {
        guard !query.types.isEmpty else { return nil }
        var conditions = ["metric_batch = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [query.batch]
        conditions.append("metric_type IN (\(query.types.map { _ in "?" }.joined(separator: ",")))")
        arguments += query.types.map { $0.rawValue }
        if let names = query.names {
            guard !names.isEmpty else { return nil }
            conditions.append("metric_name IN (\(names.map { _ in "?" }.joined(separator: ",")))")
            arguments += names
        }
        if let from = query.from {
            conditions.append("metric_timestamp >= ?")
            arguments.append(MetricTimestamp.format(from))
        }
        if let through = query.through {
            conditions.append("metric_timestamp <= ?")
            arguments.append(MetricTimestamp.format(through))
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    public func extent(_ query: MetricQuery) throws -> MetricExtent {
        guard let (filter, arguments) = filter(query) else { return MetricExtent(count: 0, first: nil, last: nil, valueSum: 0) }
        let columns = "metric_timestamp, metric_value"
        let source =
            query.latest.map {
                "(SELECT \(columns) FROM \"\(table)\" WHERE \(filter) ORDER BY metric_timestamp DESC LIMIT \(max($0, 0)))"
            } ?? "(SELECT \(columns) FROM \"\(table)\" WHERE \(filter))"
        return try database.selecting { db in
            // Cached: the jobs ask a handful of shapes of this at every run.
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COUNT(*), MIN(metric_timestamp), MAX(metric_timestamp), TOTAL(metric_value) FROM \(source)
                        """), arguments: StatementArguments(arguments))
            let first: String? = row?[1]
            let last: String? = row?[2]
            return MetricExtent(
                count: row?[0] ?? 0, first: first.flatMap(MetricTimestamp.parse),
                last: last.flatMap(MetricTimestamp.parse), valueSum: row?[3] ?? 0)
        }
    }

    public func rows(_ query: MetricQuery) throws -> [MetricRow] {
        guard let (filter, filterArguments) = filter(query) else { return [] }
        var arguments = filterArguments
        let columns = "metric_timestamp, metric_batch, metric_name, metric_type, metric_value, metadata"
        let sql: String
        // One metric's latest rows come newest first from the index and are reversed here:
        // sorting them again in SQL compared every timestamp text twice.
        var newestFirst = false
        if let latest = query.latest {
            if query.names?.count == 1 && query.types.count == 1 {
                newestFirst = true
                sql = """
                    SELECT \(columns) FROM "\(table)" WHERE \(filter)
                    ORDER BY metric_timestamp DESC LIMIT ?
                    """
                arguments.append(max(latest, 0))
            } else {
                sql = """
                    SELECT \(columns) FROM (SELECT \(columns), ROW_NUMBER() OVER (PARTITION BY metric_name, metric_type
                    ORDER BY metric_timestamp DESC) AS recency FROM "\(table)" WHERE \(filter))
                    WHERE recency <= \(max(latest, 0)) ORDER BY metric_timestamp, metric_name, metric_type
                    """
            }
        } else if query.names == nil && !query.types.contains(.metric) && !query.types.contains(.score) {
            // A batch's alerts, changes or feedback (the sparse types) over a span: along the
            // index by type and time. Without statistics SQLite walks the batch's primary key
            // instead, every value and score of every metric (1.8 s at 10,000 metrics x 30 days).
            sql = """
                SELECT \(columns) FROM "\(table)" INDEXED BY "\(table)_by_type_time" WHERE \(filter)
                ORDER BY metric_timestamp, metric_name, metric_type
                """
        } else {
            sql = "SELECT \(columns) FROM \"\(table)\" WHERE \(filter) ORDER BY metric_timestamp, metric_name, metric_type"
        }
        let table = self.table
        // One metric's rows are read by every job for every metric: their few statement shapes
        // are compiled once per connection. Queries over many names vary with the count.
        let cached = (query.names?.count ?? 0) <= 1
        return try database.selecting { db in
            let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            // A cursor reads each row straight off the statement, without copying it first.
            let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
            var result: [MetricRow] = []
            while let row = try cursor.next() {
                let text: String = row[0]
                guard let timestamp = MetricTimestamp.parse(text) else {
                    throw JobError("table \(table): bad metric_timestamp '\(text)'")
                }
                let typeText: String = row[3]
                guard let type = MetricType(rawValue: typeText) else {
                    throw JobError("table \(table): unknown metric_type '\(typeText)'")
                }
                result.append(MetricRow(timestamp: timestamp, batch: row[1], name: row[2], type: type, value: row[4], metadata: row[5]))
            }
            return newestFirst ? result.reversed() : result
        }
    }

    public func extentsByMetric(
        batch: String, types: [MetricType], from: Date?, latestValues: Int?, through: Date
    ) throws
        -> [String: [MetricType: MetricExtent]]
    {
        guard !types.isEmpty else { return [:] }
        let until = MetricTimestamp.format(through)
        let typeList = types.map { _ in "?" }.joined(separator: ",")
        var arguments: [(any DatabaseValueConvertible)?] = []
        let sql: String
        if let latest = latestValues {
            // Each metric's window starts at its latest-th latest value (or its first, when it has
            // fewer): a lookup per metric along the primary key, not a sort of every row. The
            // names come by skipping from one to the next along the primary key (as
            // `MetricNamesQuery`; a DISTINCT read every row of the batch, 1.2 s of 4 at 10,000
            // metrics x 30 days), and CROSS JOIN keeps SQLite from walking the rows first.
            sql = """
                WITH RECURSIVE walk(name) AS (
                    SELECT (SELECT MIN(metric_name) FROM "\(table)" WHERE metric_batch = ?)
                    UNION ALL
                    SELECT (SELECT MIN(metric_name) FROM "\(table)" WHERE metric_batch = ? AND metric_name > walk.name)
                    FROM walk WHERE walk.name IS NOT NULL
                ),
                names AS MATERIALIZED (
                    SELECT name AS metric_name FROM walk WHERE name IS NOT NULL AND EXISTS (
                        SELECT 1 FROM "\(table)" WHERE metric_batch = ? AND metric_name = walk.name AND metric_type = 'metric')
                ),
                starts AS (
                    SELECT metric_name, COALESCE((
                        SELECT metric_timestamp FROM "\(table)" x
                        WHERE x.metric_batch = ? AND x.metric_name = names.metric_name AND x.metric_type = 'metric'
                          AND x.metric_timestamp <= ?
                        ORDER BY x.metric_timestamp DESC LIMIT 1 OFFSET ?
                    ), '') AS start FROM names
                )
                SELECT r.metric_name, r.metric_type, COUNT(*), MIN(r.metric_timestamp), MAX(r.metric_timestamp), TOTAL(r.metric_value)
                FROM starts s CROSS JOIN "\(table)" r ON r.metric_batch = ? AND r.metric_name = s.metric_name
                WHERE r.metric_type IN (\(typeList)) AND r.metric_timestamp >= s.start AND r.metric_timestamp <= ?
                GROUP BY r.metric_name, r.metric_type
                """
            arguments = [batch, batch, batch, batch, until, max(latest - 1, 0), batch] + types.map(\.rawValue) + [until]
        } else {
            // The index by type and time covers the query (a WITHOUT ROWID index holds the
            // primary key, name included); without statistics SQLite walks the batch's primary
            // key instead, every row of every type (2.2 s against 0.4 s for a day of 10,000 metrics).
            sql = """
                SELECT metric_name, metric_type, COUNT(*), MIN(metric_timestamp), MAX(metric_timestamp), TOTAL(metric_value)
                FROM "\(table)" INDEXED BY "\(table)_by_type_time" WHERE metric_batch = ? AND metric_type IN (\(typeList)) AND metric_timestamp <= ?
                \(from == nil ? "" : "AND metric_timestamp >= ?")
                GROUP BY metric_name, metric_type
                """
            arguments = [batch] + types.map(\.rawValue) + [until] + (from.map { [MetricTimestamp.format($0)] } ?? [])
        }
        return try database.selecting { db in
            var result: [String: [MetricType: MetricExtent]] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) {
                guard let type = MetricType(rawValue: row[1]) else { continue }
                let first: String? = row[3]
                let last: String? = row[4]
                result[row[0], default: [:]][type] = MetricExtent(
                    count: row[2], first: first.flatMap(MetricTimestamp.parse),
                    last: last.flatMap(MetricTimestamp.parse), valueSum: row[5])
            }
            return result
        }
    }

    public func metricNames(batch: String, type: MetricType) throws -> [String] {
        try database.selecting { db in
            try String.fetchAll(
                db.cachedStatement(sql: MetricNamesQuery.sql(table: table, batch: "?1", type: "?2")), arguments: [batch, type.rawValue])
        }
    }

    public func record(_ run: JobRun) throws {
        try database.writer.write { db in
            // Every job run writes one: the statement is compiled once per connection.
            try db.cachedStatement(
                sql: """
                    INSERT INTO job_runs (job, batch, as_of, started_at, finished_at, status, rows_written, error, duration_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    run.job.rawValue, run.batch, MetricTimestamp.format(run.asOf),
                    MetricTimestamp.format(run.startedAt), MetricTimestamp.format(run.finishedAt),
                    run.status.rawValue, run.rowsWritten, run.error,
                    Int((run.finishedAt.timeIntervalSince(run.startedAt) * 1000).rounded()),
                ])
        }
    }

    public func jobRuns(batch: String?) throws -> [JobRun] {
        try fetchRuns(batch: batch, order: "id", limit: nil)
    }

    public func latestJobRuns(batch: String?, job: JobKind?, status: JobStatus?, limit: Int) throws -> [JobRun] {
        try fetchRuns(batch: batch, job: job, status: status, order: "id DESC", limit: max(limit, 0))
    }

    public func jobRunCountsByDay(batch: String, from: Date, through: Date) throws -> [String: (runs: Int, failed: Int)] {
        try database.selecting { db in
            var counts: [String: (runs: Int, failed: Int)] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT substr(started_at, 1, 10), COUNT(*), SUM(status = 'failed') FROM job_runs
                    WHERE batch = ? AND started_at >= ? AND started_at <= ? GROUP BY 1
                    """, arguments: [batch, MetricTimestamp.format(from), MetricTimestamp.format(through)])
            {
                counts[row[0]] = (row[1], row[2])
            }
            return counts
        }
    }

    private func fetchRuns(batch: String?, job: JobKind? = nil, status: JobStatus? = nil, order: String, limit: Int?) throws -> [JobRun] {
        try database.selecting { db in
            let conditions = JobRunConditions(batch: batch, job: job, status: status)
            let sql =
                "SELECT job, batch, as_of, started_at, finished_at, status, rows_written, error, duration_ms FROM job_runs"
                + conditions.clause { _ in "?" } + " ORDER BY \(order)" + (limit.map { " LIMIT \($0)" } ?? "")
            // The alert job asks for its previous run every time: the few shapes are compiled once per connection.
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(conditions.values)).compactMap { row in
                guard let job = JobKind(rawValue: row[0]), let status = JobStatus(rawValue: row[5]),
                    let asOf = MetricTimestamp.parse(row[2]), let started = MetricTimestamp.parse(row[3]),
                    var finished = MetricTimestamp.parse(row[4])
                else { return nil }
                if let milliseconds: Int = row[8] { finished = started.addingTimeInterval(Double(milliseconds) / 1000) }
                return JobRun(
                    job: job, batch: row[1], asOf: asOf, startedAt: started, finishedAt: finished,
                    status: status, rowsWritten: row[6], error: row[7])
            }
        }
    }

    public func delete(_ query: MetricQuery) throws -> Int {
        guard let (filter, arguments) = filter(query) else { return 0 }
        return try database.writer.write { db in
            try db.execute(sql: "DELETE FROM \"\(table)\" WHERE \(filter)", arguments: StatementArguments(arguments))
            return db.changesCount
        }
    }

    public func seriesVersion(batch: String, name: String, type: MetricType) throws -> SeriesVersion? {
        try database.selecting { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT inserted, deleted FROM series_versions
                        WHERE metric_table = ? AND metric_batch = ? AND metric_name = ? AND metric_type = ?
                        """), arguments: [table, batch, name, type.rawValue])
            return row.map { SeriesVersion(inserted: $0[0], deleted: $0[1]) } ?? .zero
        }
    }

    public func batchVersion(batch: String, types: [MetricType]) throws -> SeriesVersion? {
        guard !types.isEmpty else { return .zero }
        let marks = Array(repeating: "?", count: types.count).joined(separator: ", ")
        return try database.selecting { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT coalesce(sum(inserted), 0), coalesce(sum(deleted), 0) FROM series_versions
                        WHERE metric_table = ? AND metric_batch = ? AND metric_type IN (\(marks))
                        """), arguments: StatementArguments([table, batch] + types.map(\.rawValue)))
            return row.map { SeriesVersion(inserted: $0[0], deleted: $0[1]) } ?? .zero
        }
    }

    public func batchGeneration(batch: String) throws -> Int64? {
        try database.selecting { db in
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT generation FROM batch_generations WHERE metric_table = ? AND metric_batch = ?"),
                arguments: [table, batch]) ?? 0
        }
    }

    public func hourlyTotals(batch: String, types: [MetricType], from: Date, through: Date) throws -> [MetricType: HourlyTotal] {
        guard !types.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: types.count).joined(separator: ", ")
        return try database.selecting { db in
            var totals: [MetricType: HourlyTotal] = [:]
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT metric_type, SUM(row_count), TOTAL(value_sum) FROM batch_hours
                        WHERE metric_table = ? AND metric_batch = ? AND metric_type IN (\(marks)) AND hour >= ? AND hour <= ?
                        GROUP BY metric_type
                        """),
                arguments: StatementArguments(
                    [table, batch] + types.map(\.rawValue) + [HourlyTotal.hour(of: from), HourlyTotal.hour(of: through)]))
            for row in rows {
                guard let type = MetricType(rawValue: row[0]), let count: Int = row[1], count > 0 else { continue }
                totals[type] = HourlyTotal(count: count, valueSum: row[2])
            }
            return totals
        }
    }

    public func rebuildReadModels() throws -> Int {
        try database.writer.write { db in try SQLiteReadModel.rebuild(table: table, in: db) }
    }

    public func deleteJobRuns(batch: String, before date: Date) throws -> Int {
        try database.writer.write { db in
            try db.execute(
                sql: "DELETE FROM job_runs WHERE batch = ? AND started_at < ?",
                arguments: [batch, MetricTimestamp.format(date)])
            return db.changesCount
        }
    }
}

/// Runs `ingest_sql` on a SQLite database, read-only.
public struct SQLiteDataSource: DataSource {
    let reader: any DatabaseReader

    /// The engine's own database as a data source.
    public init(database: SQLiteDatabase) {
        reader = database.writer
    }

    /// Another SQLite file, opened read-only.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        reader = try DatabaseQueue(path: path, configuration: configuration)
    }

    public func query(_ sql: String) throws -> [SourceRow] {
        try reader.read { db in
            let cursor = try Row.fetchCursor(db, sql: sql)
            var rows: [SourceRow] = []
            while let row = try cursor.next() {
                var out: SourceRow = [:]
                for (index, (column, value)) in row.enumerated() {
                    let name = column.lowercased()
                    switch value.storage {
                    case .null: out[name] = .null
                    case .int64(let i): out[name] = .integer(i)
                    case .double(let d): out[name] = .real(d)
                    case .string(let s): out[name] = .text(try Self.wholeText(s, row: row, index: index))
                    case .blob: out[name] = .null
                    }
                }
                rows.append(out)
            }
            return rows
        }
    }

    /// The text of a column with every byte SQLite holds: read as a C string it stops at the first
    /// NUL, so "cpu\0a" and "cpu\0b" would both read "cpu" and two metrics become one. With the NUL
    /// kept, ingest sees it and refuses the name.
    private static func wholeText(_ text: String, row: Row, index: Int) throws -> String {
        try row.withUnsafeData(atIndex: index) { data in
            guard let data, data.count != text.utf8.count else { return text }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
