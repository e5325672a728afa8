import Foundation

/// A batch's `table_key`. In Anomstack it names the warehouse table its rows are saved to, and
/// for a warehouse that is a path: `project.dataset.table` (BigQuery, whose project ids may hold
/// `-`), `DATABASE.SCHEMA.TABLE` (Snowflake), `schema.table`. The engine keeps the rows in its own
/// store, in the table named by the path's last part, lower-cased, so an Anomstack folder loads
/// as it is and its batches share one table, as they shared one in the warehouse.
public struct TableKey: Sendable, Hashable {
    /// The parts of the path, as written.
    public let parts: [String]

    /// Parses `text`; nil unless it is one to three parts joined by dots, each letters, digits
    /// and `_` not starting with a digit (`-` is allowed in a three-part path's project).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count) else { return nil }
        for (index, part) in parts.enumerated() {
            let project = parts.count == 3 && index == 0
            guard ConfigSchema.isIdentifier(project ? part.replacingOccurrences(of: "-", with: "_") : part) else { return nil }
        }
        self.parts = parts
    }

    /// The table of the engine's store that holds the rows.
    public var storeTable: String { parts.count == 1 ? parts[0] : parts[parts.count - 1].lowercased() }
}
