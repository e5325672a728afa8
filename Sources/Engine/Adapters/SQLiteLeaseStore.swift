import Foundation
import GRDB

/// Run leases in the embedded SQLite database: engine processes on one machine sharing the file.
extension SQLiteDatabase: LeaseStore {
    static let leaseSchema = """
        CREATE TABLE IF NOT EXISTS job_leases (
            job TEXT NOT NULL,
            batch TEXT NOT NULL,
            holder TEXT NOT NULL,
            acquired_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            PRIMARY KEY (job, batch)
        );
        """

    public func acquireLease(job: JobKind, batch: String, holder: String, now: Date, expires: Date) throws -> RunLease {
        try writer.write { db in
            // The upsert only replaces a lease that has expired or is the caller's own.
            try db.execute(
                sql: """
                    INSERT INTO job_leases (job, batch, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (job, batch) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
                        expires_at = excluded.expires_at
                    WHERE job_leases.expires_at <= excluded.acquired_at OR job_leases.holder = excluded.holder
                    """, arguments: [job.rawValue, batch, holder, MetricTimestamp.format(now), MetricTimestamp.format(expires)])
            let row = try Row.fetchOne(
                db, sql: "SELECT holder, acquired_at, expires_at FROM job_leases WHERE job = ? AND batch = ?",
                arguments: [job.rawValue, batch])!
            return RunLease(
                job: job, batch: batch, holder: row["holder"], acquiredAt: MetricTimestamp.parse(row["acquired_at"]) ?? now,
                expiresAt: MetricTimestamp.parse(row["expires_at"]) ?? now)
        }
    }

    public func releaseLease(job: JobKind, batch: String, holder: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM job_leases WHERE job = ? AND batch = ? AND holder = ?", arguments: [job.rawValue, batch, holder])
        }
    }
}
