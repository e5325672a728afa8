import Foundation

/// The delivery log (`deliveries` and `delivery_attempts`): the outbox every notification goes
/// through, so a notification is queued once, sent at least once, and never again once delivered.
public protocol DeliveryStore: Sendable {
    /// Queues the deliveries whose id is not stored yet; returns how many were new.
    @discardableResult
    func enqueue(_ deliveries: [Delivery]) throws -> Int
    /// Pending deliveries due at `now` (optionally of one batch), oldest first, at most `limit`.
    func due(batch: String?, now: Date, limit: Int) throws -> [Delivery]
    /// Takes a due delivery for one attempt in `holder`'s name: succeeds for one caller only, and
    /// keeps others off it until `until` (after which a crashed attempt is retried) or until its
    /// holder is found gone and its claims released.
    func claim(id: String, holder: String, now: Date, until: Date) throws -> Bool
    /// Who holds claims on pending deliveries (attempts begun and never recorded), optionally of one batch.
    func claimHolders(batch: String?) throws -> Set<String>
    /// Makes the pending deliveries `holder` claimed due at `now`; returns how many. Only that
    /// holder's claims are touched, so a claim another process took since is kept.
    @discardableResult
    func releaseClaims(holder: String, now: Date) throws -> Int
    /// Records how an attempt went and what happens next; the delivery's claim ends with it.
    func recordAttempt(id: String, at: Date, error: String?, status: DeliveryStatus, nextAttemptAt: Date) throws
    /// Whether any delivery of the notification `notificationID` was queued (whatever its channel or status).
    func notificationQueued(_ notificationID: String) throws -> Bool
    /// Every delivery (optionally of one batch), oldest first.
    func deliveries(batch: String?) throws -> [Delivery]
    /// How each of the notifications `ids` went, per channel (sorted by method): what a page
    /// listing alerts shows, read by the deliveries' keys without their messages; a notification
    /// with no delivery is left out.
    func deliveryStates(notifications ids: [String]) throws -> [String: [DeliveryState]]
    /// Deliveries per status, and the attempts that failed (all but a delivered one's last),
    /// counted in the store without reading the messages out.
    func deliveryCounts() throws -> (byStatus: [DeliveryStatus: Int], failedAttempts: Int)
}

/// How one delivery of a notification stands: its channel, status and attempts, the last error
/// and, for a muted one, what held it.
public struct DeliveryState: Sendable, Hashable {
    public var method: String
    public var status: DeliveryStatus
    public var attempts: Int
    public var lastError: String?
    public var mutedBy: String?

    public init(method: String, status: DeliveryStatus, attempts: Int, lastError: String?, mutedBy: String?) {
        self.method = method
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.mutedBy = mutedBy
    }
}

/// A mute: notifications of a batch (all metrics when `metric` is nil) are recorded, not sent,
/// until `until`.
public struct Mute: Sendable, Hashable, Codable {
    public var batch: String
    public var metric: String?
    public var until: Date
    public var reason: String?
    /// The maintenance window this mute stands for, when one holds the notification.
    public var window: String?

    public init(batch: String, metric: String?, until: Date, reason: String? = nil, window: String? = nil) {
        self.batch = batch
        self.metric = metric
        self.until = until
        self.reason = reason
        self.window = window
    }

    /// What a delivery it held records (`muted_by`): the window or the mute and why, and until when.
    public var heldText: String {
        let end = until == .distantFuture ? "until lifted" : "until \(MetricTimestamp.format(until)) UTC"
        return "\(window ?? "mute") \(end)" + (reason.map { " (\($0))" } ?? "")
    }

    /// Whether this mute silences `metric` of `batch` at `time`.
    public func covers(batch: String, metric: String, at time: Date) -> Bool {
        self.batch == batch && (self.metric == nil || self.metric == metric) && time < until
    }
}

/// Mutes and maintenance windows set at run time (`engine mute`, the API, the dashboard),
/// beside those in the config.
public protocol MuteStore: Sendable {
    /// Sets (or replaces) the mute of a batch or metric.
    func setMute(_ mute: Mute) throws
    /// Removes the mute of a batch or metric; returns whether there was one.
    @discardableResult
    func clearMute(batch: String, metric: String?) throws -> Bool
    /// The mutes of a batch (all batches when nil).
    func mutes(batch: String?) throws -> [Mute]
    /// Keeps a maintenance window; one with the same id (the same batch and window) is replaced.
    func addMaintenanceWindow(_ window: StoredMaintenanceWindow) throws
    /// Removes a batch's maintenance window; returns whether there was one.
    @discardableResult
    func removeMaintenanceWindow(batch: String, id: String) throws -> Bool
    /// The maintenance windows of a batch (all batches when nil), oldest first.
    func maintenanceWindows(batch: String?) throws -> [StoredMaintenanceWindow]
}
