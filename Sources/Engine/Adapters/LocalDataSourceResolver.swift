import Foundation

/// Picks a batch's data source from its `db` key. `sqlite` runs against `sqlite_path`, else
/// `ANOMSTACK_SQLITE_PATH`, else the engine's own database. Other databases arrive with the
/// sources issue; until then they are a clear error.
public struct LocalDataSourceResolver: DataSourceResolver {
    public let database: SQLiteDatabase
    public let environment: [String: String]

    public init(database: SQLiteDatabase, environment: [String: String]) {
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
            return SQLiteDataSource(database: database)
        default:
            throw JobError("\(batch.file): key 'db': data source '\(batch.db)' is not supported yet (supported: sqlite)")
        }
    }
}
