import Foundation

/// The delivery log, mutes and maintenance windows in PostgreSQL; a delivery's claim is one conditional UPDATE, so
/// two engine processes never both send it.
extension PostgresDatabase: DeliveryStore, MuteStore {
    static let deliveryColumns = """
        id, method, status, attempts, last_error, created_at, next_attempt_at, delivered_at, notification, target, message, attachment,
        muted_by
        """

    public func enqueue(_ deliveries: [Delivery]) throws -> Int {
        guard !deliveries.isEmpty else { return 0 }
        return try connection.transaction {
            var inserted = 0
            for d in deliveries {
                inserted += try connection.query(
                    """
                    INSERT INTO deliveries (id, batch, metric, alert_type, method, status, attempts, last_error, created_at,
                                            next_attempt_at, delivered_at, notification, target, message, attachment, muted_by)
                    VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7, $8, NULL, $9, $10, $11, $12::bytea, $13) ON CONFLICT DO NOTHING
                    """,
                    [
                        d.id, d.notification.batch, d.notification.metric, d.notification.kind.rawValue, d.method, d.status.rawValue,
                        PostgresText.time(d.createdAt), PostgresText.time(d.nextAttemptAt), try StoredJSON.encode(d.notification),
                        try StoredJSON.encode(d.target), try StoredJSON.encode(d.message), PostgresText.bytes(d.attachment), d.mutedBy,
                    ]
                ).affected
            }
            return inserted
        }
    }

    static func delivery(_ row: [String?]) throws -> Delivery {
        let notification = try StoredJSON.decode(AlertNotification.self, row[8] ?? "")
        var d = Delivery(
            notification: notification, method: row[1] ?? "", target: try StoredJSON.decode(DeliveryTarget.self, row[9] ?? ""),
            message: try StoredJSON.decode(ComposedMessage.self, row[10] ?? ""), attachment: PostgresText.data(row[11]),
            status: row[2].flatMap(DeliveryStatus.init) ?? .failed,
            createdAt: row[5].flatMap(MetricTimestamp.parse) ?? Date(timeIntervalSince1970: 0))
        d.id = row[0] ?? ""
        d.attempts = row[3].flatMap(Int.init) ?? 0
        d.lastError = row[4]
        d.mutedBy = row[12]
        d.nextAttemptAt = row[6].flatMap(MetricTimestamp.parse) ?? d.createdAt
        d.deliveredAt = row[7].flatMap(MetricTimestamp.parse)
        return d
    }

    public func due(batch: String?, now: Date, limit: Int) throws -> [Delivery] {
        let sql =
            "SELECT \(Self.deliveryColumns) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1"
            + (batch == nil ? "" : " AND batch = $2") + " ORDER BY created_at, id LIMIT \(max(limit, 0))"
        return try connection.query(sql, [PostgresText.time(now)] + (batch.map { [$0] } ?? [])).rows.map(Self.delivery)
    }

    public func claim(id: String, holder: String, now: Date, until: Date) throws -> Bool {
        try connection.query(
            """
            UPDATE deliveries SET next_attempt_at = $1, claimed_by = $2 WHERE id = $3 AND status = 'pending' AND next_attempt_at <= $4
            """, [PostgresText.time(until), holder, id, PostgresText.time(now)]
        ).affected == 1
    }

    public func claimHolders(batch: String?) throws -> Set<String> {
        let sql =
            "SELECT DISTINCT claimed_by FROM deliveries WHERE status = 'pending' AND claimed_by IS NOT NULL"
            + (batch == nil ? "" : " AND batch = $1")
        return Set(try connection.query(sql, batch.map { [$0] } ?? []).rows.compactMap { $0[0] })
    }

    public func releaseClaims(holder: String, now: Date) throws -> Int {
        try connection.query(
            "UPDATE deliveries SET next_attempt_at = $1, claimed_by = NULL WHERE claimed_by = $2 AND status = 'pending'",
            [PostgresText.time(now), holder]
        ).affected
    }

    public func recordAttempt(id: String, at: Date, error: String?, status: DeliveryStatus, nextAttemptAt: Date) throws {
        try connection.transaction {
            let time = PostgresText.time(at)
            try connection.query(
                """
                UPDATE deliveries SET status = $1, attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_by = NULL,
                    delivered_at = CASE WHEN $1 = 'delivered' THEN $4 ELSE delivered_at END
                WHERE id = $5 AND status != 'delivered'
                """, [status.rawValue, error, PostgresText.time(nextAttemptAt), time, id])
            try connection.query(
                "INSERT INTO delivery_attempts (delivery_id, at, status, error) VALUES ($1, $2, $3, $4)",
                [id, time, status.rawValue, error])
        }
    }

    public func notificationQueued(_ notificationID: String) throws -> Bool {
        // A delivery's id is the notification's and "/<method>": a range of ids in byte order
        // (the `deliveries_id_bytes` index), from "<id>/" up to "<id>0" ('0' follows '/').
        try connection.query(
            #"SELECT EXISTS (SELECT 1 FROM deliveries WHERE id COLLATE "C" >= $1 AND id COLLATE "C" < $2)"#,
            [notificationID + "/", notificationID + "0"]
        ).rows.first?[0] == "t"
    }

    public func deliveryStates(notifications ids: [String]) throws -> [String: [DeliveryState]] {
        var states: [String: [DeliveryState]] = [:]
        for id in Set(ids) {
            // A delivery's id is the notification's and "/<method>". Compared in the C collation
            // (the `deliveries_id_bytes` index), so the range holds exactly the ids that start
            // with "<id>/" whatever the database's.
            let found = try connection.query(
                """
                SELECT method, status, attempts, last_error, muted_by FROM deliveries
                WHERE id COLLATE "C" >= $1 AND id COLLATE "C" < $2 ORDER BY method COLLATE "C"
                """, [id + "/", id + "0"]
            ).rows.map { row in
                DeliveryState(
                    method: row[0] ?? "", status: row[1].flatMap(DeliveryStatus.init) ?? .failed, attempts: row[2].flatMap(Int.init) ?? 0,
                    lastError: row[3], mutedBy: row[4])
            }
            if !found.isEmpty { states[id] = found }
        }
        return states
    }

    public func deliveries(batch: String?) throws -> [Delivery] {
        let sql = "SELECT \(Self.deliveryColumns) FROM deliveries" + (batch == nil ? "" : " WHERE batch = $1") + " ORDER BY created_at, id"
        return try connection.query(sql, batch.map { [$0] } ?? []).rows.map(Self.delivery)
    }

    public func deliveryCounts() throws -> (byStatus: [DeliveryStatus: Int], failedAttempts: Int) {
        var byStatus: [DeliveryStatus: Int] = [:]
        var failed = 0
        for row in try connection.query(
            """
            SELECT status, COUNT(*), COALESCE(SUM(attempts - CASE WHEN status = 'delivered' THEN 1 ELSE 0 END), 0) FROM deliveries GROUP BY status
            """
        ).rows {
            if let status = row[0].flatMap(DeliveryStatus.init) { byStatus[status] = row[1].flatMap(Int.init) ?? 0 }
            failed += row[2].flatMap(Int.init) ?? 0
        }
        return (byStatus, failed)
    }

    public func setMute(_ mute: Mute) throws {
        try connection.query(
            """
            INSERT INTO mutes (batch, metric, until, reason) VALUES ($1, $2, $3, $4)
            ON CONFLICT (batch, metric) DO UPDATE SET until = excluded.until, reason = excluded.reason
            """, [mute.batch, mute.metric ?? "", PostgresText.time(mute.until), mute.reason])
    }

    public func clearMute(batch: String, metric: String?) throws -> Bool {
        try connection.query("DELETE FROM mutes WHERE batch = $1 AND metric = $2", [batch, metric ?? ""]).affected > 0
    }

    public func mutes(batch: String?) throws -> [Mute] {
        let sql = "SELECT batch, metric, until, reason FROM mutes" + (batch == nil ? "" : " WHERE batch = $1") + " ORDER BY batch, metric"
        return try connection.query(sql, batch.map { [$0] } ?? []).rows.compactMap { row in
            guard let until = row[2].flatMap(MetricTimestamp.parse) else { return nil }
            let metric = row[1] ?? ""
            return Mute(batch: row[0] ?? "", metric: metric.isEmpty ? nil : metric, until: until, reason: row[3])
        }
    }

    public func addMaintenanceWindow(_ window: StoredMaintenanceWindow) throws {
        try connection.query(
            """
            INSERT INTO maintenance_windows (id, batch, spec, reason, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (batch, id) DO UPDATE SET reason = excluded.reason
            """, [window.id, window.batch, window.window.spec.text, window.reason, PostgresText.time(window.createdAt)])
    }

    public func removeMaintenanceWindow(batch: String, id: String) throws -> Bool {
        try connection.query("DELETE FROM maintenance_windows WHERE batch = $1 AND id = $2", [batch, id]).affected > 0
    }

    public func maintenanceWindows(batch: String?) throws -> [StoredMaintenanceWindow] {
        let sql =
            "SELECT id, batch, spec, reason, created_at FROM maintenance_windows" + (batch == nil ? "" : " WHERE batch = $1")
            + " ORDER BY created_at, batch, id"
        return try connection.query(sql, batch.map { [$0] } ?? []).rows.map { row in
            try StoredMaintenanceWindow.stored(
                id: row[0] ?? "", batch: row[1] ?? "", spec: row[2] ?? "", reason: row[3],
                createdAt: row[4].flatMap(MetricTimestamp.parse) ?? Date(timeIntervalSince1970: 0))
        }
    }
}

/// Run-time schedule and setting overrides in PostgreSQL.
extension PostgresDatabase: OverrideStore {
    public func setSchedule(_ change: ScheduleOverride) throws {
        try connection.query(
            """
            INSERT INTO schedule_overrides (batch, job, running, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (batch, job) DO UPDATE SET running = excluded.running, changed_by = excluded.changed_by, changed_at = excluded.changed_at
            """, [change.batch, change.job.rawValue, change.running ? "true" : "false", change.changedBy, PostgresText.time(change.changedAt)])
    }

    public func scheduleOverrides() throws -> [ScheduleOverride] {
        try connection.query("SELECT batch, job, running, changed_by, changed_at FROM schedule_overrides ORDER BY batch, job").rows.compactMap {
            row in
            guard let job = row[1].flatMap(JobKind.init), let at = row[4].flatMap(MetricTimestamp.parse) else { return nil }
            return ScheduleOverride(batch: row[0] ?? "", job: job, running: row[2] == "t", changedBy: row[3] ?? "", changedAt: at)
        }
    }

    public func setSetting(_ change: SettingOverride) throws {
        try connection.transaction {
            let at = PostgresText.time(change.changedAt)
            if let value = change.value {
                try connection.query(
                    """
                    INSERT INTO setting_overrides (batch, key, value, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (batch, key) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by, changed_at = excluded.changed_at
                    """, [change.batch, change.key, value, change.changedBy, at])
            } else {
                try connection.query("DELETE FROM setting_overrides WHERE batch = $1 AND key = $2", [change.batch, change.key])
            }
            try connection.query(
                "INSERT INTO setting_changes (batch, key, value, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)",
                [change.batch, change.key, change.value, change.changedBy, at])
        }
    }

    public func settingOverrides() throws -> [SettingOverride] {
        try connection.query("SELECT batch, key, value, changed_by, changed_at FROM setting_overrides ORDER BY batch, key").rows
            .compactMap(Self.settingChange)
    }

    public func settingHistory(batch: String?, limit: Int) throws -> [SettingOverride] {
        let sql =
            "SELECT batch, key, value, changed_by, changed_at FROM setting_changes" + (batch == nil ? "" : " WHERE batch = $1")
            + " ORDER BY id DESC LIMIT \(max(limit, 0))"
        return try connection.query(sql, batch.map { [$0] } ?? []).rows.compactMap(Self.settingChange)
    }

    private static func settingChange(_ row: [String?]) -> SettingOverride? {
        guard let at = row[4].flatMap(MetricTimestamp.parse) else { return nil }
        return SettingOverride(batch: row[0] ?? "", key: row[1] ?? "", value: row[2], changedBy: row[3] ?? "", changedAt: at)
    }
}
