import Foundation
import GRDB

/// Run-time schedule and setting overrides in the embedded SQLite database.
extension SQLiteDatabase: OverrideStore {
    static let controlSchema = """
        CREATE TABLE IF NOT EXISTS schedule_overrides (
            batch TEXT NOT NULL,
            job TEXT NOT NULL,
            running INTEGER NOT NULL,
            changed_by TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            PRIMARY KEY (batch, job)
        );
        CREATE TABLE IF NOT EXISTS setting_overrides (
            batch TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            PRIMARY KEY (batch, key)
        );
        CREATE TABLE IF NOT EXISTS setting_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            batch TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT,
            changed_by TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );
        """

    public func setSchedule(_ change: ScheduleOverride) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO schedule_overrides (batch, job, running, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (batch, job) DO UPDATE SET running = excluded.running,
                        changed_by = excluded.changed_by, changed_at = excluded.changed_at
                    """,
                arguments: [
                    change.batch, change.job.rawValue, change.running, change.changedBy,
                    MetricTimestamp.format(change.changedAt),
                ])
        }
    }

    public func scheduleOverrides() throws -> [ScheduleOverride] {
        try selecting { db in
            try Row.fetchAll(db, sql: "SELECT * FROM schedule_overrides ORDER BY batch, job").compactMap { row in
                guard let job = JobKind(rawValue: row["job"]), let at = MetricTimestamp.parse(row["changed_at"]) else { return nil }
                return ScheduleOverride(batch: row["batch"], job: job, running: row["running"], changedBy: row["changed_by"], changedAt: at)
            }
        }
    }

    public func setSetting(_ change: SettingOverride) throws {
        try writer.write { db in
            let at = MetricTimestamp.format(change.changedAt)
            if let value = change.value {
                try db.execute(
                    sql: """
                        INSERT INTO setting_overrides (batch, key, value, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (batch, key) DO UPDATE SET value = excluded.value,
                            changed_by = excluded.changed_by, changed_at = excluded.changed_at
                        """, arguments: [change.batch, change.key, value, change.changedBy, at])
            } else {
                try db.execute(sql: "DELETE FROM setting_overrides WHERE batch = ? AND key = ?", arguments: [change.batch, change.key])
            }
            try db.execute(
                sql: "INSERT INTO setting_changes (batch, key, value, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [change.batch, change.key, change.value, change.changedBy, at])
        }
    }

    public func settingOverrides() throws -> [SettingOverride] {
        try selecting { db in
            try Row.fetchAll(db, sql: "SELECT * FROM setting_overrides ORDER BY batch, key").compactMap(Self.settingChange)
        }
    }

    public func settingHistory(batch: String?, limit: Int) throws -> [SettingOverride] {
        try selecting { db in
            let sql = "SELECT * FROM setting_changes" + (batch == nil ? "" : " WHERE batch = ?") + " ORDER BY id DESC LIMIT \(max(limit, 0))"
            return try Row.fetchAll(db, sql: sql, arguments: batch.map { [$0] } ?? []).compactMap(Self.settingChange)
        }
    }

    private static func settingChange(_ row: Row) -> SettingOverride? {
        guard let at = MetricTimestamp.parse(row["changed_at"]) else { return nil }
        return SettingOverride(batch: row["batch"], key: row["key"], value: row["value"], changedBy: row["changed_by"], changedAt: at)
    }
}
