import Foundation

/// Run leases in PostgreSQL: engine processes on many machines sharing one database. The upsert
/// is atomic under concurrent callers, so exactly one of them gets a free lease.
extension PostgresDatabase: LeaseStore {
    public func acquireLease(job: JobKind, batch: String, holder: String, now: Date, expires: Date) throws -> RunLease {
        let row = try connection.transaction {
            try connection.query(
                """
                INSERT INTO job_leases (job, batch, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (job, batch) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
                    expires_at = excluded.expires_at
                WHERE job_leases.expires_at <= excluded.acquired_at OR job_leases.holder = excluded.holder
                """, [job.rawValue, batch, holder, PostgresText.time(now), PostgresText.time(expires)])
            return try connection.query(
                "SELECT holder, acquired_at, expires_at FROM job_leases WHERE job = $1 AND batch = $2",
                [job.rawValue, batch]
            ).rows[0]
        }
        return RunLease(
            job: job, batch: batch, holder: row[0] ?? "", acquiredAt: row[1].flatMap(MetricTimestamp.parse) ?? now,
            expiresAt: row[2].flatMap(MetricTimestamp.parse) ?? now)
    }

    public func releaseLease(job: JobKind, batch: String, holder: String) throws {
        try connection.query("DELETE FROM job_leases WHERE job = $1 AND batch = $2 AND holder = $3", [job.rawValue, batch, holder])
    }
}
