import Foundation

/// A job's schedule switched on or off at run time (dashboard or API), overriding its
/// `<job>_default_schedule_status`.
public struct ScheduleOverride: Sendable, Hashable, Codable {
    public var batch: String
    public var job: JobKind
    public var running: Bool
    public var changedBy: String
    public var changedAt: Date

    public init(batch: String, job: JobKind, running: Bool, changedBy: String, changedAt: Date) {
        self.batch = batch
        self.job = job
        self.running = running
        self.changedBy = changedBy
        self.changedAt = changedAt
    }
}

/// A batch setting changed at run time: the YAML key and its value as text (as `--set` takes it).
/// In the history, a nil value records that the override was removed.
public struct SettingOverride: Sendable, Hashable, Codable {
    public var batch: String
    public var key: String
    public var value: String?
    public var changedBy: String
    public var changedAt: Date

    public init(batch: String, key: String, value: String?, changedBy: String, changedAt: Date) {
        self.batch = batch
        self.key = key
        self.value = value
        self.changedBy = changedBy
        self.changedAt = changedAt
    }
}

/// Run-time overrides that survive a restart: schedules started or stopped and settings changed
/// from the dashboard, with who changed them and when.
public protocol OverrideStore: Sendable {
    func setSchedule(_ change: ScheduleOverride) throws
    /// Every schedule override, by batch then job.
    func scheduleOverrides() throws -> [ScheduleOverride]
    /// Sets a setting (a nil value removes the override) and appends the change to the history.
    func setSetting(_ change: SettingOverride) throws
    /// The settings in force, by batch then key.
    func settingOverrides() throws -> [SettingOverride]
    /// Every change, newest first, optionally for one batch.
    func settingHistory(batch: String?, limit: Int) throws -> [SettingOverride]
}
