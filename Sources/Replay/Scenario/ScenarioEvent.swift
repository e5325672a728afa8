import Engine
import Foundation

/// Something that happens to a replay at a simulated time, after that minute's jobs ran.
public enum ScenarioEvent: Sendable, Hashable {
    /// A user's 👍/👎 on the alert of `metric` at `alertAt` (a `thumbsup`/`thumbsdown` row).
    case feedback(metric: String, alertAt: Date, positive: Bool)
    /// Stop alerting on `metric` until `until`: no alert rows at all (as excluding it would).
    case snooze(metric: String, until: Date)
    /// Mute the notifications of `metric` (of the whole batch when nil) until `until` (nil: until
    /// unmuted), through the engine's mute store: alerts are still recorded, nothing is sent.
    case mute(metric: String?, until: Date?)
    /// Plan a maintenance window through the engine's store, as `engine mute --from/--cron` does
    /// (the keys of `maintenance_windows`, and a `reason`).
    case maintenance(MaintenanceWindow, reason: String?)
    /// Lift the mute (and snooze) of `metric`, or the batch's mute when nil.
    case unmute(metric: String?)
    /// Change configuration keys from now on (`key=value`, as `--set` takes them).
    case set([String])
    /// Move the clock to a time (forwards or backwards).
    case clockJump(to: Date)
    /// The next run of a job fails.
    case fail(JobKind)
}

/// An event and its time.
public struct TimedEvent: Sendable, Hashable {
    public var at: Date
    public var event: ScenarioEvent
    /// Position in the scenario file, to keep same-time events in written order.
    public var order: Int
}
