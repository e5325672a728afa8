import Engine
import Foundation
import Synchronization

/// A data source that answers every query with the same rows and remembers the SQL it was sent.
public final class StaticDataSource: DataSource, DataSourceResolver {
    private struct State {
        var rows: [SourceRow]
        var sent: [String] = []
    }

    private let state: Mutex<State>

    public init(rows: [SourceRow]) {
        state = Mutex(State(rows: rows))
    }

    public func query(_ sql: String) throws -> [SourceRow] {
        state.withLock { state in
            state.sent.append(sql)
            return state.rows
        }
    }

    public func dataSource(for batch: BatchConfig) throws -> any DataSource { self }

    public var queries: [String] { state.withLock { $0.sent } }

    /// Replaces the rows later queries return.
    public func setRows(_ rows: [SourceRow]) { state.withLock { $0.rows = rows } }
}

/// An ingest-function runner that returns canned JSON instead of starting Python.
public struct CannedIngestRunner: IngestFunctionRunner {
    public let output: Data

    public init(output: Data = Data("[]".utf8)) {
        self.output = output
    }

    public func run(source: String, batch: String, now: Date, timeout: TimeInterval) throws -> Data { output }
}
