import Foundation
import GRDB

/// The delivery log and the run-time mutes in the embedded SQLite database.
extension SQLiteDatabase: DeliveryStore, MuteStore {
    static let notificationSchema = """
        CREATE TABLE IF NOT EXISTS deliveries (
            id TEXT PRIMARY KEY,
            batch TEXT NOT NULL,
            metric TEXT NOT NULL,
            alert_type TEXT NOT NULL,
            method TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT NOT NULL,
            delivered_at TEXT,
            notification TEXT NOT NULL,
            target TEXT NOT NULL,
            message TEXT NOT NULL,
            attachment BLOB
        );
        CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
        CREATE TABLE IF NOT EXISTS delivery_attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_id TEXT NOT NULL,
            at TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT
        );
        CREATE TABLE IF NOT EXISTS mutes (
            batch TEXT NOT NULL,
            metric TEXT NOT NULL,
            until TEXT NOT NULL,
            reason TEXT,
            PRIMARY KEY (batch, metric)
        );
        """

    static let maintenanceSchema = """
        CREATE TABLE IF NOT EXISTS maintenance_windows (
            id TEXT NOT NULL,
            batch TEXT NOT NULL,
            spec TEXT NOT NULL,
            reason TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (batch, id)
        );
        """

    public func enqueue(_ deliveries: [Delivery]) throws -> Int {
        guard !deliveries.isEmpty else { return 0 }
        return try writer.write { db in
            var inserted = 0
            for d in deliveries {
                try db.execute(
                    sql: """
                        INSERT INTO deliveries (id, batch, metric, alert_type, method, status, attempts, last_error, created_at,
                                                next_attempt_at, delivered_at, notification, target, message, attachment, muted_by)
                        VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, NULL, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        d.id, d.notification.batch, d.notification.metric, d.notification.kind.rawValue, d.method,
                        d.status.rawValue, MetricTimestamp.format(d.createdAt), MetricTimestamp.format(d.nextAttemptAt),
                        try StoredJSON.encode(d.notification), try StoredJSON.encode(d.target), try StoredJSON.encode(d.message), d.attachment,
                        d.mutedBy,
                    ])
                inserted += db.changesCount
            }
            return inserted
        }
    }

    private static let deliveryColumns = """
        id, method, status, attempts, last_error, created_at, next_attempt_at, delivered_at, notification, target, message, attachment,
        muted_by
        """

    private static func delivery(_ row: Row) throws -> Delivery {
        let notification = try StoredJSON.decode(AlertNotification.self, row["notification"])
        var d = Delivery(
            notification: notification, method: row["method"], target: try StoredJSON.decode(DeliveryTarget.self, row["target"]),
            message: try StoredJSON.decode(ComposedMessage.self, row["message"]), attachment: row["attachment"],
            status: DeliveryStatus(rawValue: row["status"]) ?? .failed,
            createdAt: MetricTimestamp.parse(row["created_at"]) ?? Date(timeIntervalSince1970: 0))
        d.id = row["id"]
        d.attempts = row["attempts"]
        d.lastError = row["last_error"]
        d.mutedBy = row["muted_by"]
        d.nextAttemptAt = MetricTimestamp.parse(row["next_attempt_at"]) ?? d.createdAt
        d.deliveredAt = (row["delivered_at"] as String?).flatMap(MetricTimestamp.parse)
        return d
    }

    public func due(batch: String?, now: Date, limit: Int) throws -> [Delivery] {
        try selecting { db in
            let sql =
                "SELECT \(Self.deliveryColumns) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?"
                + (batch == nil ? "" : " AND batch = ?") + " ORDER BY created_at, id LIMIT \(max(limit, 0))"
            var arguments: StatementArguments = [MetricTimestamp.format(now)]
            if let batch { arguments += [batch] }
            // Asked at every alert run: compiled once per connection.
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(Self.delivery)
        }
    }

    public func claim(id: String, holder: String, now: Date, until: Date) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE deliveries SET next_attempt_at = ?, claimed_by = ?
                    WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?
                    """, arguments: [MetricTimestamp.format(until), holder, id, MetricTimestamp.format(now)])
            return db.changesCount == 1
        }
    }

    public func claimHolders(batch: String?) throws -> Set<String> {
        try selecting { db in
            let sql =
                "SELECT DISTINCT claimed_by FROM deliveries WHERE status = 'pending' AND claimed_by IS NOT NULL"
                + (batch == nil ? "" : " AND batch = ?")
            return Set(try String.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(batch.map { [$0] } ?? [])))
        }
    }

    public func releaseClaims(holder: String, now: Date) throws -> Int {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE deliveries SET next_attempt_at = ?, claimed_by = NULL WHERE claimed_by = ? AND status = 'pending'",
                arguments: [MetricTimestamp.format(now), holder])
            return db.changesCount
        }
    }

    public func recordAttempt(id: String, at: Date, error: String?, status: DeliveryStatus, nextAttemptAt: Date) throws {
        try writer.write { db in
            let time = MetricTimestamp.format(at)
            try db.execute(
                sql: """
                    UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_by = NULL,
                        delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
                    WHERE id = ? AND status != 'delivered'
                    """, arguments: [status.rawValue, error, MetricTimestamp.format(nextAttemptAt), status.rawValue, time, id])
            try db.execute(
                sql: "INSERT INTO delivery_attempts (delivery_id, at, status, error) VALUES (?, ?, ?, ?)",
                arguments: [id, time, status.rawValue, error])
        }
    }

    public func notificationQueued(_ notificationID: String) throws -> Bool {
        // A delivery's id is the notification's and "/<method>": a range of the primary key, from
        // "<id>/" up to "<id>0" ('0' follows '/'), rather than a scan comparing every id's prefix.
        try selecting { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM deliveries WHERE id >= ? AND id < ?)"),
                arguments: [notificationID + "/", notificationID + "0"]) ?? false
        }
    }

    public func deliveryStates(notifications ids: [String]) throws -> [String: [DeliveryState]] {
        try selecting { db in
            // A delivery's id is the notification's and "/<method>": the ids from "<id>/" up to
            // "<id>0" ('0' follows '/'), a range of the primary key.
            let statement = try db.cachedStatement(
                sql: "SELECT method, status, attempts, last_error, muted_by FROM deliveries WHERE id >= ? AND id < ? ORDER BY method")
            var states: [String: [DeliveryState]] = [:]
            for id in Set(ids) {
                let found = try Row.fetchAll(statement, arguments: [id + "/", id + "0"]).map { row in
                    DeliveryState(
                        method: row["method"], status: DeliveryStatus(rawValue: row["status"]) ?? .failed, attempts: row["attempts"],
                        lastError: row["last_error"], mutedBy: row["muted_by"])
                }
                if !found.isEmpty { states[id] = found }
            }
            return states
        }
    }

    public func deliveries(batch: String?) throws -> [Delivery] {
        try selecting { db in
            let sql = "SELECT \(Self.deliveryColumns) FROM deliveries" + (batch == nil ? "" : " WHERE batch = ?") + " ORDER BY created_at, id"
            return try Row.fetchAll(db, sql: sql, arguments: batch.map { [$0] } ?? []).map(Self.delivery)
        }
    }

    public func deliveryCounts() throws -> (byStatus: [DeliveryStatus: Int], failedAttempts: Int) {
        try selecting { db in
            var byStatus: [DeliveryStatus: Int] = [:]
            var failed = 0
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT status, COUNT(*), TOTAL(attempts - CASE WHEN status = 'delivered' THEN 1 ELSE 0 END) FROM deliveries GROUP BY status
                    """)
            {
                if let status = DeliveryStatus(rawValue: row[0]) { byStatus[status] = row[1] }
                failed += Int(row[2] as Double)
            }
            return (byStatus, failed)
        }
    }

    public func setMute(_ mute: Mute) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO mutes (batch, metric, until, reason) VALUES (?, ?, ?, ?)
                    ON CONFLICT (batch, metric) DO UPDATE SET until = excluded.until, reason = excluded.reason
                    """, arguments: [mute.batch, mute.metric ?? "", MetricTimestamp.format(mute.until), mute.reason])
        }
    }

    public func clearMute(batch: String, metric: String?) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM mutes WHERE batch = ? AND metric = ?", arguments: [batch, metric ?? ""])
            return db.changesCount > 0
        }
    }

    public func mutes(batch: String?) throws -> [Mute] {
        try selecting { db in
            let sql = "SELECT batch, metric, until, reason FROM mutes" + (batch == nil ? "" : " WHERE batch = ?") + " ORDER BY batch, metric"
            return try Row.fetchAll(db, sql: sql, arguments: batch.map { [$0] } ?? []).compactMap { row in
                guard let until = MetricTimestamp.parse(row["until"]) else { return nil }
                let metric: String = row["metric"]
                return Mute(batch: row["batch"], metric: metric.isEmpty ? nil : metric, until: until, reason: row["reason"])
            }
        }
    }

    public func addMaintenanceWindow(_ window: StoredMaintenanceWindow) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO maintenance_windows (id, batch, spec, reason, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (batch, id) DO UPDATE SET reason = excluded.reason
                    """,
                arguments: [window.id, window.batch, window.window.spec.text, window.reason, MetricTimestamp.format(window.createdAt)])
        }
    }

    public func removeMaintenanceWindow(batch: String, id: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM maintenance_windows WHERE batch = ? AND id = ?", arguments: [batch, id])
            return db.changesCount > 0
        }
    }

    public func maintenanceWindows(batch: String?) throws -> [StoredMaintenanceWindow] {
        try selecting { db in
            let sql =
                "SELECT id, batch, spec, reason, created_at FROM maintenance_windows" + (batch == nil ? "" : " WHERE batch = ?")
                + " ORDER BY created_at, batch, id"
            return try Row.fetchAll(db, sql: sql, arguments: batch.map { [$0] } ?? []).map { row in
                try StoredMaintenanceWindow.stored(
                    id: row["id"], batch: row["batch"], spec: row["spec"], reason: row["reason"],
                    createdAt: MetricTimestamp.parse(row["created_at"]) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }
}
