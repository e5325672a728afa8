import Foundation
import Synchronization

/// PostgreSQL as the engine's store (`--db postgresql://…` or `ENGINE_DB`): the metrics
/// table(s) and `job_runs`, the delivery log, mutes and run-time overrides, in the same shape as
/// the embedded SQLite store, so several engine processes can share one. Timestamps are the same
/// sortable UTC text; a delivery is claimed with a conditional UPDATE, so two processes never
/// send it twice. Each call's writes are one transaction.
public final class PostgresDatabase: MetricStores {
    let connection: PostgresConnection
    /// The metrics tables this process has made sure exist.
    private let ready = Mutex<Set<String>>([])

    public init(url: String) throws {
        connection = try PostgresConnection(url: url)
        try PostgresSchema.migrate(connection)
    }

    public var displayURL: String { connection.displayURL }

    public func store(table: String) throws -> any MetricStore {
        guard ConfigSchema.isIdentifier(table) else { throw JobError("'\(table)' is not a valid table name") }
        let known = ready.withLock { $0.contains(table) }
        if !known {
            try connection.transaction {
                try connection.query(PostgresSchema.advisoryLock)
                try connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS "\(table)" (
                        metric_timestamp TEXT NOT NULL, metric_batch TEXT NOT NULL, metric_name TEXT NOT NULL,
                        metric_type TEXT NOT NULL, metric_value DOUBLE PRECISION NOT NULL, metadata TEXT,
                        PRIMARY KEY (metric_batch, metric_name, metric_type, metric_timestamp))
                    """)
                try connection.query(
                    """
                    CREATE INDEX IF NOT EXISTS "\(table)_by_type_time" ON "\(table)" (metric_batch, metric_type, metric_timestamp, metric_value)
                    """)
                try connection.query(PostgresSchema.countingTriggers(table: table))
                try connection.query(PostgresReadModel.triggers(table: table))
            }
            ready.withLock { _ = $0.insert(table) }
        }
        return PostgresMetricStore(connection: connection, table: table)
    }
}

/// SQL parameters for PostgreSQL's text protocol.
enum PostgresText {
    static func time(_ date: Date) -> String { MetricTimestamp.format(date) }
    static func number(_ value: Double) -> String { "\(value)" }
    static func bytes(_ data: Data?) -> String? { data.map { "\\x" + $0.map { String(format: "%02x", $0) }.joined() } }
    static func data(_ text: String?) -> Data? {
        guard let text, text.hasPrefix("\\x") else { return nil }
        var data = Data(capacity: (text.count - 2) / 2)
        var index = text.index(text.startIndex, offsetBy: 2)
        while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
            if let byte = UInt8(text[index..<next], radix: 16) { data.append(byte) }
            index = next
        }
        return data
    }

    /// `$1, $2, …` placeholders and their values, built up clause by clause.
    struct Arguments {
        private(set) var values: [String?] = []
        mutating func add(_ value: String?) -> String {
            values.append(value)
            return "$\(values.count)"
        }
        mutating func list(_ items: [String]) -> String { items.map { add($0) }.joined(separator: ",") }
    }
}
