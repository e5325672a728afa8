import Engine
import Foundation

/// Something that happens to a replay at a simulated time, after that minute's jobs ran.
public enum ScenarioEvent: Sendable, Hashable {
    /// A user's 👍/👎 on the alert of `metric` at `alertAt` (a `thumbsup`/`thumbsdown` row).
    case feedback(metric: String, alertAt: Date, positive: Bool)
    /// Stop alerting on `metric` until `until` (nil: until unmuted).
    case mute(metric: String, until: Date?)
    case unmute(metric: String)
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
