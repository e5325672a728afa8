import Foundation

/// How far an `engine import` of one source table has come: the key of the last row imported
/// (its timestamp, batch, name and type, as the source wrote them), so a killed import resumes
/// after it rather than from the start.
public struct ImportCursor: Sendable, Hashable, Codable {
    public var source: String
    public var table: String
    /// The last imported row's key, as text; empty before the first page.
    public var after: [String]
    public var rowsRead: Int
    public var finished: Bool

    public init(source: String, table: String, after: [String] = [], rowsRead: Int = 0, finished: Bool = false) {
        self.source = source
        self.table = table
        self.after = after
        self.rowsRead = rowsRead
        self.finished = finished
    }
}

/// Where imports keep their cursors (`history_imports`).
public protocol ImportLog: Sendable {
    /// The cursor of `table` in `source`, or nil when it was never imported.
    func importCursor(source: String, table: String) throws -> ImportCursor?
    func saveImportCursor(_ cursor: ImportCursor) throws
}
