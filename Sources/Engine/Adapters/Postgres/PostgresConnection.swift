import CLibPQ
import Foundation

/// One connection to a PostgreSQL server through libpq, used by one caller at a time (a lock
/// serialises queries; transactions hold it throughout). Parameters and results travel as text,
/// parameters always separately from the SQL. A broken connection is reset once before a query
/// fails.
public final class PostgresConnection: @unchecked Sendable {
    /// A query's result: column names, and rows of optional text (nil is SQL NULL).
    public struct Result: Sendable {
        public var columns: [String]
        /// The columns' type OIDs (20 int8, 21 int2, 23 int4, 700 float4, 701 float8, 1700 numeric...).
        public var types: [UInt32]
        public var rows: [[String?]]
        /// Rows the statement touched (INSERT, UPDATE, DELETE).
        public var affected: Int
    }

    private let lock = NSRecursiveLock()
    private var connection: OpaquePointer?
    /// The URL with any password hidden, for messages.
    public let displayURL: String

    public init(url: String) throws {
        displayURL = Self.hidePassword(url)
        connection = PQconnectdb(url)
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(connection)
            PQfinish(connection)
            connection = nil
            throw PostgresError("cannot connect to \(displayURL): \(message)")
        }
        _ = try query("SET client_min_messages TO WARNING")
    }

    deinit {
        PQfinish(connection)
    }

    /// Runs one statement with `$1…` parameters.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> Result {
        try lock.withLock {
            if PQstatus(connection) != CONNECTION_OK { PQreset(connection) }
            guard PQstatus(connection) == CONNECTION_OK else {
                throw PostgresError("the connection to \(displayURL) is lost: \(Self.message(connection))")
            }
            let result = Self.withCStrings(parameters) { values in
                PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
                let detail = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? Self.message(connection)
                throw PostgresError(detail.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let columnCount = Int(PQnfields(result))
            let rowCount = Int(PQntuples(result))
            let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
            let types = (0..<columnCount).map { UInt32(PQftype(result, Int32($0))) }
            var rows: [[String?]] = []
            rows.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                rows.append(
                    (0..<columnCount).map { column in
                        PQgetisnull(result, Int32(row), Int32(column)) == 1 ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
                    })
            }
            let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
            return Result(columns: columns, types: types, rows: rows, affected: affected)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock {
            try query("BEGIN")
            do {
                let value = try body()
                try query("COMMIT")
                return value
            } catch {
                _ = try? query("ROLLBACK")
                throw error
            }
        }
    }

    private static func withCStrings<T>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let copies: [UnsafeMutablePointer<CChar>?] = values.map { value in value.flatMap { strdup($0) } }
        defer { for copy in copies { free(copy) } }
        return body(copies.map { copy in copy.map { UnsafePointer($0) } })
    }

    private static func message(_ connection: OpaquePointer?) -> String {
        connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "no connection"
    }

    public static func hidePassword(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

/// A PostgreSQL error, with the server's message.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
