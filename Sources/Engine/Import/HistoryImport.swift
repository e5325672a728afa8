import Foundation

/// `engine import`: copies an Anomstack `metrics` table (values, scores, alerts, changes, LLM and
/// threshold alerts, 👍/👎 feedback) into the engine's store, so a migrated batch trains, alerts
/// and learns from its history at once.
///
/// The table is read in pages ordered by its key (timestamp, batch, name, type), each page
/// starting after the last key of the one before; the key is kept in the store
/// (`history_imports`) after every page, so a killed import resumes where it stopped, and a
/// second import reads only rows added since. Rows are keyed in the store too, so nothing is
/// written twice and a row the engine already has is left as it is. A table without Anomstack's
/// columns is refused before anything is written; a row the engine cannot hold (an unknown
/// type, a bad time, name or value) is skipped and counted, the first named.
public struct HistoryImport: Sendable {
    /// Anomstack's columns, in key order, then the value and (when present) the metadata.
    static let keyColumns = ["metric_timestamp", "metric_batch", "metric_name", "metric_type"]
    static let requiredColumns = keyColumns + ["metric_value"]

    public let source: any DataSource
    /// The source as the cursor and messages name it (no password).
    public let sourceName: String
    /// The table to read, as the source's SQL names it (`metrics`, `schema.metrics`).
    public let table: String
    public let store: any EngineStore
    /// The engine's table for a batch's rows (its `table_key`'s, for batches of the metrics folder).
    public let storeTable: @Sendable (String) -> String
    public var pageSize = 50_000
    /// How the source's SQL names the table (`SQLDialect.quoted`).
    public var dialect = SQLDialect.sqlite

    public init(
        source: any DataSource, sourceName: String, table: String, store: any EngineStore,
        storeTable: @escaping @Sendable (String) -> String = { _ in "metrics" }
    ) {
        self.source = source
        self.sourceName = sourceName
        self.table = table
        self.store = store
        self.storeTable = storeTable
    }

    /// What an import did.
    public struct Summary: Sendable, Hashable {
        public var rowsRead = 0
        public var rowsWritten = 0
        public var skipped = 0
        public var firstProblem: String?
        /// Rows read per batch.
        public var batches: [String: Int] = [:]
        /// Whether it went on from an earlier import's cursor.
        public var resumed = false
    }

    /// Imports what is new since the last import (everything, with `restart`); `progress` hears
    /// the running totals after every page.
    public func run(restart: Bool = false, progress: @Sendable (Summary) -> Void = { _ in }) async throws -> Summary {
        guard TableKey(table) != nil else {
            throw JobError("--table '\(table)' is not a table name (letters, digits and _; schema.table or project.dataset.table)")
        }
        let hasMetadata = try await checkColumns()
        var cursor = (restart ? nil : try store.importCursor(source: sourceName, table: table)) ?? ImportCursor(source: sourceName, table: table)
        var summary = Summary()
        summary.resumed = !cursor.after.isEmpty
        while true {
            try Task.checkCancellation()
            let rows = try await page(after: cursor.after, metadata: hasMetadata)
            guard let last = rows.last else { break }
            var byTable: [String: [MetricRow]] = [:]
            for (index, row) in rows.enumerated() {
                summary.rowsRead += 1
                switch Self.metricRow(row) {
                case .success(let metric):
                    byTable[storeTable(metric.batch), default: []].append(metric)
                    summary.batches[metric.batch, default: 0] += 1
                case .failure(let problem):
                    summary.skipped += 1
                    if summary.firstProblem == nil { summary.firstProblem = "row \(cursor.rowsRead + index + 1): \(problem.message)" }
                }
            }
            for (name, metrics) in byTable.sorted(by: { $0.key < $1.key }) {
                summary.rowsWritten += try store.store(table: name).insert(metrics)
            }
            cursor.after = Self.keyColumns.map { Self.literal(last[$0] ?? .null) }
            cursor.rowsRead += rows.count
            cursor.finished = rows.count < pageSize
            try store.saveImportCursor(cursor)
            progress(summary)
            if cursor.finished { break }
        }
        if !cursor.finished {
            cursor.finished = true
            try store.saveImportCursor(cursor)
        }
        return summary
    }

    /// Checks that the table has Anomstack's columns; returns whether it has `metadata`.
    func checkColumns() async throws -> Bool {
        let probe: [SourceRow]
        do {
            probe = try await source.query("SELECT * FROM \(quotedTable) LIMIT 1")
        } catch {
            throw JobError("cannot read table '\(table)' of \(sourceName): \(error)")
        }
        guard let first = probe.first else { return false }
        let missing = Self.requiredColumns.filter { first[$0] == nil }
        guard missing.isEmpty else {
            throw JobError(
                "table '\(table)' of \(sourceName) is not an Anomstack metrics table: it lacks \(missing.joined(separator: ", ")) "
                    + "(it has \(first.keys.sorted().joined(separator: ", "))); nothing was imported")
        }
        return first["metadata"] != nil
    }

    /// The next page of rows after `after` (a key of SQL literals), in key order.
    func page(after: [String], metadata: Bool) async throws -> [SourceRow] {
        let columns = (Self.requiredColumns + (metadata ? ["metadata"] : [])).joined(separator: ", ")
        let order = Self.keyColumns.joined(separator: ", ")
        let condition = after.count == Self.keyColumns.count ? " WHERE " + Self.after(after) : ""
        let sql = "SELECT \(columns) FROM \(quotedTable)\(condition) ORDER BY \(order) LIMIT \(pageSize)"
        do {
            return try await source.query(sql)
        } catch {
            throw JobError("reading table '\(table)' of \(sourceName) failed: \(error)")
        }
    }

    /// `key > after`, spelled out column by column: row-value comparison would be shorter, but
    /// DuckDB does not cast a text literal to a timestamp inside one.
    static func after(_ key: [String]) -> String {
        let terms = keyColumns.indices.map { position in
            let equal = (0..<position).map { "\(keyColumns[$0]) = \(key[$0])" }
            return "(" + (equal + ["\(keyColumns[position]) > \(key[position])"]).joined(separator: " AND ") + ")"
        }
        return "(" + terms.joined(separator: " OR ") + ")"
    }

    /// The table as the source's dialect names it.
    var quotedTable: String {
        TableKey(table).map(dialect.quoted) ?? table
    }

    /// A value as an SQL literal, to compare the key with in the next page's condition.
    static func literal(_ value: SourceValue) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let i): return String(i)
        case .real(let d): return d.isFinite ? "\(d)" : "NULL"
        case .text(let s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    /// One source row as the engine's row, or why it cannot be one.
    static func metricRow(_ row: SourceRow) -> Result<MetricRow, JobError> {
        guard let time = IngestRecords.timestamp(row["metric_timestamp"] ?? .null) else {
            return .failure(JobError("metric_timestamp \(IngestRecords.show(row["metric_timestamp"])) is not a time between the years 0001 and 9999"))
        }
        guard let batch = IngestRecords.name(row["metric_batch"] ?? .null), RepresentableValues.nameProblem(batch) == nil else {
            return .failure(JobError("metric_batch \(IngestRecords.show(row["metric_batch"])) is not a batch name"))
        }
        guard let name = IngestRecords.name(row["metric_name"] ?? .null), RepresentableValues.nameProblem(name) == nil else {
            return .failure(JobError("metric_name \(IngestRecords.show(row["metric_name"])) is not a metric name"))
        }
        guard case .text(let typeText) = row["metric_type"] ?? .null, let type = MetricType(rawValue: typeText) else {
            let known = MetricType.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(JobError("metric_type \(IngestRecords.show(row["metric_type"])) is none of \(known)"))
        }
        guard let value = IngestRecords.number(row["metric_value"] ?? .null), value.isFinite, RepresentableValues.isValue(value) else {
            return .failure(JobError("metric_value \(IngestRecords.show(row["metric_value"])) is not a finite number within ±1e100"))
        }
        var metadata: String?
        if case .text(let text)? = row["metadata"], !text.isEmpty { metadata = text }
        return .success(MetricRow(timestamp: time, batch: batch, name: name, type: type, value: value, metadata: metadata))
    }
}
