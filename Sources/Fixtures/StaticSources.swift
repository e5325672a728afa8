import Engine
import Foundation

/// A data source that answers every query with the same rows and remembers the SQL it was sent.
public final class StaticDataSource: DataSource, DataSourceResolver, @unchecked Sendable {
    private let lock = NSLock()
    private var rowsToReturn: [SourceRow]
    private var sent: [String] = []

    public init(rows: [SourceRow]) {
        rowsToReturn = rows
    }

    public func query(_ sql: String) throws -> [SourceRow] {
        lock.withLock {
            sent.append(sql)
            return rowsToReturn
        }
    }

    public func dataSource(for batch: BatchConfig) throws -> any DataSource { self }

    public var queries: [String] { lock.withLock { sent } }

    /// Replaces the rows later queries return.
    public func setRows(_ rows: [SourceRow]) { lock.withLock { rowsToReturn = rows } }
}

/// An ingest-function runner that returns canned JSON instead of starting Python.
public struct CannedIngestRunner: IngestFunctionRunner {
    public let output: Data

    public init(output: Data = Data("[]".utf8)) {
        self.output = output
    }

    public func run(source: String, batch: String, now: Date, timeout: TimeInterval) throws -> Data { output }
}
