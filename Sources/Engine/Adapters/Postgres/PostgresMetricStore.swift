import Foundation

/// A metrics table in PostgreSQL; the same contract, queries and results as `SQLiteMetricStore`.
public struct PostgresMetricStore: MetricStore {
    let connection: PostgresConnection
    public let table: String
    /// Rows per INSERT statement (PostgreSQL takes up to 65,535 parameters per statement).
    static let chunk = 1_000

    public func insert(_ rows: [MetricRow]) throws -> Int {
        guard !rows.isEmpty else { return 0 }
        let inserted = try insertRows(rows)
        // After a bulk load (a first ingest, a backfill) the planner's statistics do not know the
        // new batch until autovacuum gets round to the table, estimate one row for it, and read
        // each metric's window through the (batch, type, time) index, filtering out every other
        // metric of the batch. Measured on 910,000 rows: 9.3 ms a window read instead of 0.23 ms,
        // which made a first training of 10,000 metrics store-bound. ANALYZE took 105 ms there.
        if inserted >= Self.analyzeAfter { try connection.query("ANALYZE \"\(table)\"") }
        return inserted
    }

    /// Rows written in one call from which the table's statistics are refreshed.
    static let analyzeAfter = 10_000

    private func insertRows(_ rows: [MetricRow]) throws -> Int {
        try connection.transaction {
            var inserted = 0
            for start in stride(from: 0, to: rows.count, by: Self.chunk) {
                var arguments = PostgresText.Arguments()
                let tuples = rows[start..<min(start + Self.chunk, rows.count)].map { row in
                    "("
                        + [
                            arguments.add(PostgresText.time(row.timestamp)), arguments.add(row.batch), arguments.add(row.name),
                            arguments.add(row.type.rawValue), arguments.add(PostgresText.number(row.value)) + "::double precision",
                            arguments.add(row.metadata),
                        ].joined(separator: ",") + ")"
                }
                inserted += try connection.query(
                    """
                    INSERT INTO "\(table)" (metric_timestamp, metric_batch, metric_name, metric_type, metric_value, metadata)
                    VALUES \(tuples.joined(separator: ",")) ON CONFLICT DO NOTHING
                    """, arguments.values
                ).affected
            }
            return inserted
        }
    }

    /// The WHERE clause of a query, or nil when it can select nothing.
    private func filter(_ query: MetricQuery, _ arguments: inout PostgresText.Arguments) -> String? {
        guard !query.types.isEmpty else { return nil }
        var conditions = [
            "metric_batch = \(arguments.add(query.batch))",
            "metric_type IN (\(arguments.list(query.types.map(\.rawValue))))",
        ]
        if let names = query.names {
            guard !names.isEmpty else { return nil }
            conditions.append("metric_name IN (\(arguments.list(names)))")
        }
        if let from = query.from { conditions.append("metric_timestamp >= \(arguments.add(PostgresText.time(from)))") }
        if let through = query.through { conditions.append("metric_timestamp <= \(arguments.add(PostgresText.time(through)))") }
        return conditions.joined(separator: " AND ")
    }

    public func rows(_ query: MetricQuery) throws -> [MetricRow] {
        var arguments = PostgresText.Arguments()
        guard let filter = filter(query, &arguments) else { return [] }
        let columns = "metric_timestamp, metric_batch, metric_name, metric_type, metric_value, metadata"
        let sql: String
        if let latest = query.latest {
            sql = """
                SELECT \(columns) FROM (
                    SELECT \(columns), ROW_NUMBER() OVER (PARTITION BY metric_name, metric_type ORDER BY metric_timestamp DESC) AS position
                    FROM "\(table)" WHERE \(filter)) ranked
                WHERE position <= \(max(latest, 0)) ORDER BY metric_timestamp, metric_name, metric_type
                """
        } else {
            sql = "SELECT \(columns) FROM \"\(table)\" WHERE \(filter) ORDER BY metric_timestamp, metric_name, metric_type"
        }
        return try connection.query(sql, arguments.values).rows.compactMap { row in
            guard let time = row[0].flatMap(MetricTimestamp.parse), let type = row[3].flatMap(MetricType.init),
                let value = row[4].flatMap(Double.init)
            else { return nil }
            return MetricRow(timestamp: time, batch: row[1] ?? "", name: row[2] ?? "", type: type, value: value, metadata: row[5])
        }
    }

    public func extent(_ query: MetricQuery) throws -> MetricExtent {
        var arguments = PostgresText.Arguments()
        guard let filter = filter(query, &arguments) else { return MetricExtent(count: 0, first: nil, last: nil, valueSum: 0) }
        let source =
            query.latest.map {
                "(SELECT metric_timestamp, metric_value FROM \"\(table)\" WHERE \(filter) ORDER BY metric_timestamp DESC LIMIT \(max($0, 0))) s"
            } ?? "(SELECT metric_timestamp, metric_value FROM \"\(table)\" WHERE \(filter)) s"
        let row =
            try connection.query(
                """
                SELECT COUNT(*), MIN(metric_timestamp), MAX(metric_timestamp), COALESCE(SUM(metric_value), 0) FROM \(source)
                """, arguments.values
            ).rows.first ?? []
        return MetricExtent(
            count: row.first.flatMap { $0.flatMap(Int.init) } ?? 0, first: row[safe: 1].flatMap { $0.flatMap(MetricTimestamp.parse) },
            last: row[safe: 2].flatMap { $0.flatMap(MetricTimestamp.parse) },
            valueSum: row[safe: 3].flatMap { $0.flatMap(Double.init) } ?? 0)
    }

    public func extentsByMetric(
        batch: String, types: [MetricType], from: Date?, latestValues: Int?, through: Date
    ) throws
        -> [String: [MetricType: MetricExtent]]
    {
        guard !types.isEmpty else { return [:] }
        var arguments = PostgresText.Arguments()
        let sql: String
        if let latest = latestValues {
            let b = arguments.add(batch)
            let until = arguments.add(PostgresText.time(through))
            sql = """
                WITH starts AS (
                    SELECT metric_name, MIN(metric_timestamp) AS start FROM (
                        SELECT metric_name, metric_timestamp,
                               ROW_NUMBER() OVER (PARTITION BY metric_name ORDER BY metric_timestamp DESC) AS position
                        FROM "\(table)" WHERE metric_batch = \(b) AND metric_type = 'metric' AND metric_timestamp <= \(until)) ranked
                    WHERE position <= \(max(latest, 0)) GROUP BY metric_name)
                SELECT r.metric_name, r.metric_type, COUNT(*), MIN(r.metric_timestamp), MAX(r.metric_timestamp), COALESCE(SUM(r.metric_value), 0)
                FROM "\(table)" r JOIN starts s ON r.metric_name = s.metric_name
                WHERE r.metric_batch = \(b) AND r.metric_type IN (\(arguments.list(types.map(\.rawValue))))
                  AND r.metric_timestamp >= s.start AND r.metric_timestamp <= \(until)
                GROUP BY r.metric_name, r.metric_type
                """
        } else {
            sql = """
                SELECT metric_name, metric_type, COUNT(*), MIN(metric_timestamp), MAX(metric_timestamp), COALESCE(SUM(metric_value), 0)
                FROM "\(table)" WHERE metric_batch = \(arguments.add(batch)) AND metric_type IN (\(arguments.list(types.map(\.rawValue))))
                  AND metric_timestamp <= \(arguments.add(PostgresText.time(through)))
                  \(from.map { "AND metric_timestamp >= \(arguments.add(PostgresText.time($0)))" } ?? "")
                GROUP BY metric_name, metric_type
                """
        }
        var result: [String: [MetricType: MetricExtent]] = [:]
        for row in try connection.query(sql, arguments.values).rows {
            guard let name = row[0], let type = row[1].flatMap(MetricType.init) else { continue }
            result[name, default: [:]][type] = MetricExtent(
                count: row[2].flatMap(Int.init) ?? 0, first: row[3].flatMap(MetricTimestamp.parse),
                last: row[4].flatMap(MetricTimestamp.parse), valueSum: row[5].flatMap(Double.init) ?? 0)
        }
        return result
    }

    public func metricNames(batch: String, type: MetricType) throws -> [String] {
        try connection.query(MetricNamesQuery.sql(table: table, batch: "$1", type: "$2"), [batch, type.rawValue]).rows.compactMap { $0[0] }
    }

    public func record(_ run: JobRun) throws {
        try connection.query(
            """
            INSERT INTO job_runs (job, batch, as_of, started_at, finished_at, status, rows_written, error, duration_ms)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                run.job.rawValue, run.batch, PostgresText.time(run.asOf), PostgresText.time(run.startedAt), PostgresText.time(run.finishedAt),
                run.status.rawValue, String(run.rowsWritten), run.error,
                String(Int((run.finishedAt.timeIntervalSince(run.startedAt) * 1000).rounded())),
            ])
    }

    public func jobRuns(batch: String?) throws -> [JobRun] { try fetchRuns(batch: batch, order: "id", limit: nil) }

    public func latestJobRuns(batch: String?, job: JobKind?, status: JobStatus?, limit: Int) throws -> [JobRun] {
        try fetchRuns(batch: batch, job: job, status: status, order: "id DESC", limit: max(limit, 0))
    }

    public func jobRunCountsByDay(batch: String, from: Date, through: Date) throws -> [String: (runs: Int, failed: Int)] {
        var counts: [String: (runs: Int, failed: Int)] = [:]
        for row in try connection.query(
            """
            SELECT substr(started_at, 1, 10), COUNT(*), COUNT(*) FILTER (WHERE status = 'failed') FROM job_runs
            WHERE batch = $1 AND started_at >= $2 AND started_at <= $3 GROUP BY 1
            """, [batch, PostgresText.time(from), PostgresText.time(through)]
        ).rows {
            counts[row[0] ?? ""] = (row[1].flatMap(Int.init) ?? 0, row[2].flatMap(Int.init) ?? 0)
        }
        return counts
    }

    private func fetchRuns(batch: String?, job: JobKind? = nil, status: JobStatus? = nil, order: String, limit: Int?) throws -> [JobRun] {
        let conditions = JobRunConditions(batch: batch, job: job, status: status)
        let sql =
            "SELECT job, batch, as_of, started_at, finished_at, status, rows_written, error, duration_ms FROM job_runs"
            + conditions.clause { "$\($0)" } + " ORDER BY \(order)" + (limit.map { " LIMIT \($0)" } ?? "")
        return try connection.query(sql, conditions.values).rows.compactMap { row in
            guard let job = row[0].flatMap(JobKind.init), let status = row[5].flatMap(JobStatus.init),
                let asOf = row[2].flatMap(MetricTimestamp.parse), let started = row[3].flatMap(MetricTimestamp.parse),
                var finished = row[4].flatMap(MetricTimestamp.parse)
            else { return nil }
            if let milliseconds = row[8].flatMap(Int.init) { finished = started.addingTimeInterval(Double(milliseconds) / 1000) }
            return JobRun(
                job: job, batch: row[1] ?? "", asOf: asOf, startedAt: started, finishedAt: finished, status: status,
                rowsWritten: row[6].flatMap(Int.init) ?? 0, error: row[7])
        }
    }

    public func delete(_ query: MetricQuery) throws -> Int {
        var arguments = PostgresText.Arguments()
        guard let filter = filter(query, &arguments) else { return 0 }
        return try connection.query("DELETE FROM \"\(table)\" WHERE \(filter)", arguments.values).affected
    }

    public func seriesVersion(batch: String, name: String, type: MetricType) throws -> SeriesVersion? {
        let row = try connection.query(
            """
            SELECT inserted, deleted FROM series_versions
            WHERE metric_table = $1 AND metric_batch = $2 AND metric_name = $3 AND metric_type = $4
            """, [table, batch, name, type.rawValue]
        ).rows.first
        guard let row, let inserted = row[0].flatMap({ Int64($0) }), let deleted = row[1].flatMap({ Int64($0) }) else { return .zero }
        return SeriesVersion(inserted: inserted, deleted: deleted)
    }

    public func batchVersion(batch: String, types: [MetricType]) throws -> SeriesVersion? {
        guard !types.isEmpty else { return .zero }
        let marks = types.indices.map { "$\($0 + 3)" }.joined(separator: ", ")
        let row = try connection.query(
            """
            SELECT coalesce(sum(inserted), 0), coalesce(sum(deleted), 0) FROM series_versions
            WHERE metric_table = $1 AND metric_batch = $2 AND metric_type IN (\(marks))
            """, [table, batch] + types.map(\.rawValue)
        ).rows.first
        guard let row, let inserted = row[0].flatMap({ Int64($0) }), let deleted = row[1].flatMap({ Int64($0) }) else { return .zero }
        return SeriesVersion(inserted: inserted, deleted: deleted)
    }

    public func batchGeneration(batch: String) throws -> Int64? {
        let row = try connection.query(
            "SELECT generation FROM batch_generations WHERE metric_table = $1 AND metric_batch = $2", [table, batch]
        ).rows.first
        return row?[0].flatMap { Int64($0) } ?? 0
    }

    public func hourlyTotals(batch: String, types: [MetricType], from: Date, through: Date) throws -> [MetricType: HourlyTotal] {
        guard !types.isEmpty else { return [:] }
        var arguments = PostgresText.Arguments()
        let sql = """
            SELECT metric_type, sum(row_count), sum(value_sum) FROM batch_hours
            WHERE metric_table = \(arguments.add(table)) AND metric_batch = \(arguments.add(batch))
              AND metric_type IN (\(arguments.list(types.map(\.rawValue))))
              AND hour >= \(arguments.add(HourlyTotal.hour(of: from))) AND hour <= \(arguments.add(HourlyTotal.hour(of: through)))
            GROUP BY metric_type
            """
        var totals: [MetricType: HourlyTotal] = [:]
        for row in try connection.query(sql, arguments.values).rows {
            guard let type = row[0].flatMap(MetricType.init(rawValue:)), let count = row[1].flatMap({ Int($0) }), count > 0 else { continue }
            totals[type] = HourlyTotal(count: count, valueSum: row[2].flatMap { Double($0) } ?? 0)
        }
        return totals
    }

    public func rebuildReadModels() throws -> Int {
        try connection.transaction {
            for statement in PostgresReadModel.rebuild(table: table) { try connection.query(statement) }
            return try connection.query("SELECT count(*) FROM batch_hours WHERE metric_table = $1", [table]).rows.first?[0]
                .flatMap { Int($0) } ?? 0
        }
    }

    public func deleteJobRuns(batch: String, before date: Date) throws -> Int {
        try connection.query("DELETE FROM job_runs WHERE batch = $1 AND started_at < $2", [batch, PostgresText.time(date)]).affected
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
