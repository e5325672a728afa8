import Foundation

/// Finds where an ingest template reads the current time itself (`get_current_timestamp()`,
/// `DATETIME('now')`, `pd.to_datetime('now')`): such a batch ignores the engine's clock, so
/// `--as-of`, backfills and replay cannot move it. `engine validate` warns with the call it saw.
public enum WallClockUse {
    /// What the template is written in.
    public enum Language: Sendable {
        case sql, python

        /// Lower-cased fragments that read the wall clock.
        var readers: [String] {
            switch self {
            case .sql:
                return [
                    "get_current_timestamp()", "current_timestamp", "current_date", "localtimestamp", "now()", "getdate()",
                    "sysdate", "datetime('now'", "date('now'", "unixepoch('now'", "strftime('%s', 'now'",
                ]
            case .python:
                // datetime.now(), date.today(), time.time() and pandas' Timestamp.now() and
                // friends are pinned to the engine's clock when an ingest_fn runs; these are not.
                return [
                    "to_datetime('now'", "to_datetime(\"now\"", "timestamp('now'", "timestamp(\"now\"", "datetime64('now'",
                    "datetime64(\"now\"", "time.time_ns(",
                ]
            }
        }
    }

    /// The first wall-clock read in `text`, as written there (with its call closed), or nil.
    public static func find(in text: String, language: Language) -> String? {
        let hits = language.readers.compactMap { reader in
            text.range(of: reader, options: .caseInsensitive).map { (reader, $0) }
        }
        guard let (_, range) = hits.min(by: { $0.1.lowerBound < $1.1.lowerBound }) else { return nil }
        let call = String(text[range])
        let open = call.filter { $0 == "(" }.count - call.filter { $0 == ")" }.count
        return call + String(repeating: ")", count: max(open, 0))
    }
}
