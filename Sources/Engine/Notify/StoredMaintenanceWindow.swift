import Foundation

/// A maintenance window set at run time (`engine mute --from/--cron`, the API, the dashboard),
/// kept in the database beside the batch's own `maintenance_windows`. Its id is made from the
/// batch and the window's normalised keys, so setting the same window twice keeps one.
public struct StoredMaintenanceWindow: Sendable, Hashable {
    public var id: String
    public var batch: String
    public var window: MaintenanceWindow
    public var reason: String?
    public var createdAt: Date

    public init(batch: String, window: MaintenanceWindow, reason: String?, createdAt: Date) {
        var hash = StableHash()
        hash.combine(batch)
        hash.combine(window.spec.text)
        self.id = String(hash.hex.prefix(12))
        self.batch = batch
        self.window = window
        self.reason = reason
        self.createdAt = createdAt
    }

    /// A window read back from the store: `spec` is the JSON `window.spec` was written as.
    public static func stored(id: String, batch: String, spec: String, reason: String?, createdAt: Date) throws -> StoredMaintenanceWindow {
        let window = try MaintenanceWindow.parse(ConfigValue.scalar(spec), index: nil).get()
        var stored = StoredMaintenanceWindow(batch: batch, window: window, reason: reason, createdAt: createdAt)
        stored.id = id
        return stored
    }

    /// Reads a window from the keys `maintenance_windows` takes (`start`, `end`, `forever`, `cron`,
    /// `duration`, `metrics`, `match`), refusing what YAML would refuse, and one already over at `now`.
    public static func parse(_ keys: ConfigValue, batch: String, reason: String?, now: Date) throws -> StoredMaintenanceWindow {
        let window = try MaintenanceWindow.parse(keys, index: nil).get()
        guard !window.isOver(at: now) else {
            throw ConfigError(
                file: "", key: "maintenance_windows", line: nil, message: "the window ended before now (\(MetricTimestamp.format(now)) UTC)")
        }
        return StoredMaintenanceWindow(batch: batch, window: window, reason: reason, createdAt: now)
    }
}
