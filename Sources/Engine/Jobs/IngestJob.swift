import Foundation
import Logging

/// Ingest: runs the batch's `ingest_sql` against its data source, or its Python `ingest_fn`,
/// and writes the result as `metric` rows. Rows with a bad timestamp, name or value are dropped
/// with one warning that counts them; rows that repeat a (timestamp, metric) within one result
/// are averaged; an empty result is a logged no-op. Rows already stored
/// are left as they are, so a rerun writes nothing twice.
public struct IngestJob: BatchJob {
    public let kind = JobKind.ingest

    public init() {}

    public func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome {
        let rows = try await Self.fetch(batch: batch, context: context)
        guard !rows.isEmpty else { return JobOutcome() }
        let written = try context.store(for: batch).insert(rows)
        context.logger.info("ingest \(batch.name): \(rows.count) rows, \(written) new")
        return JobOutcome(rowsWritten: written)
    }

    /// The rows one ingest of `batch` would write (`engine preview` prints them): the query or
    /// function run at the context's time, its result converted, the dropped and repeated rows logged.
    public static func fetch(batch: BatchConfig, context: JobContext) async throws -> [MetricRow] {
        let now = context.clock.now
        let records: [SourceRow]
        if batch.ingestSQL != nil {
            let sql = try context.templates.render("ingest_sql", of: batch, now: now)
            let source = try context.sources.dataSource(for: batch)
            do {
                records = try await source.query(sql)
            } catch {
                // Batch, source and query, so the failing one is found at once; nothing was written.
                let query = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                throw JobError(
                    "\(batch.file): ingest_sql on \(batch.db) failed: \(error) — query: \(query.prefix(160))\(query.count > 160 ? "…" : "")")
            }
        } else if batch.ingestFn != nil {
            let code = try context.templates.render("ingest_fn", of: batch, now: now)
            let output = try context.ingestRunner.run(source: code, batch: batch.name, now: now, timeout: batch.ingestFnTimeout)
            records = try IngestRecords.decodeJSON(output)
        } else {
            throw JobError("\(batch.file): batch has neither ingest_sql nor ingest_fn")
        }
        guard !records.isEmpty else {
            context.logger.info("ingest \(batch.name): the query returned no rows; nothing to write")
            return []
        }
        let converted: IngestRecords.Result
        do {
            converted = try IngestRecords(batch: batch.name, rounding: batch.ingestRounding).convert(records)
        } catch let error as JobError {
            throw JobError("\(batch.file): \(error.message)")
        }
        if converted.dropped > 0 {
            context.logger.warning(
                "ingest \(batch.name): dropped \(converted.dropped) of \(records.count) rows (first: \(converted.firstProblem ?? "?"))")
        }
        if converted.duplicates > 0 {
            context.logger.warning(
                "ingest \(batch.name): \(converted.duplicates) rows repeat a (timestamp, metric) already in the result; their values were averaged")
        }
        return converted.rows
    }
}
