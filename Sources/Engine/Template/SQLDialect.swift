import Foundation
import Stencil

/// How a batch's `db` writes a time in SQL, for the template macros that keep `ingest_sql`
/// portable: `{{ now_sql }}` (the clock's time as a timestamp literal), `{{ "7d"|ago }}` (a
/// literal that long before now) and `{{ "metric_timestamp"|since:"24h" }}` (a filter on a
/// column: `metric_timestamp >= <literal>`). Durations are `30m`, `24h`, `7d`.
public enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite, postgres, duckdb, clickhouse, bigquery, snowflake

    public init(db: String) {
        switch db {
        case "postgres", "redshift": self = .postgres
        case "duckdb", "motherduck": self = .duckdb
        case "clickhouse": self = .clickhouse
        case "bigquery": self = .bigquery
        case "snowflake": self = .snowflake
        default: self = .sqlite  // sqlite, turso (libSQL)
        }
    }

    /// A UTC timestamp literal.
    public func literal(_ date: Date) -> String {
        let text = MetricTimestamp.format(date)
        switch self {
        case .sqlite: return "'\(text)'"
        case .postgres, .duckdb: return "TIMESTAMP '\(text)'"
        case .clickhouse: return "toDateTime('\(text)', 'UTC')"
        case .bigquery: return "TIMESTAMP('\(text)')"
        case .snowflake: return "'\(text)'::TIMESTAMP_NTZ"
        }
    }

    /// A table path (`table`, `schema.table`, `project.dataset.table`) as this dialect names it
    /// in SQL: SQLite, PostgreSQL and DuckDB quote each part in double quotes, ClickHouse in
    /// backticks, BigQuery the whole path in one pair of backticks (a project may hold `-`), and
    /// Snowflake leaves the parts unquoted — they are plain identifiers (`TableKey` allows no
    /// other), and a quoted one would be case-sensitive where Snowflake stored it upper-cased.
    public func quoted(_ table: TableKey) -> String {
        switch self {
        case .sqlite, .postgres, .duckdb: return table.parts.map { "\"\($0)\"" }.joined(separator: ".")
        case .clickhouse: return table.parts.map { "`\($0)`" }.joined(separator: ".")
        case .bigquery: return "`" + table.parts.joined(separator: ".") + "`"
        case .snowflake: return table.parts.joined(separator: ".")
        }
    }

    /// Seconds in a duration macro argument (`30m`, `24h`, `7d`).
    static func seconds(_ value: Any?, macro: String) throws -> TimeInterval {
        let text = value.map { "\($0)" } ?? ""
        guard case .span(let seconds)? = try? TimeWindow(parsing: text) else {
            throw TemplateSyntaxError("\(macro): expected a duration such as 30m, 24h or 7d, got '\(text)'")
        }
        return seconds
    }

    /// The Stencil extension with `ago` and `since` for a render at `now`.
    func macros(now: Date) -> Extension {
        let extensions = Extension()
        extensions.registerFilter("ago") { value in literal(now.addingTimeInterval(-(try Self.seconds(value, macro: "ago")))) }
        extensions.registerFilter("since") { (value: Any?, arguments: [Any?]) in
            guard let column = value.map({ "\($0)" }), !column.isEmpty else { throw TemplateSyntaxError("since: needs a column name before it") }
            let seconds = try Self.seconds(arguments.first ?? nil, macro: "since")
            return "\(column) >= \(literal(now.addingTimeInterval(-seconds)))"
        }
        return extensions
    }
}
