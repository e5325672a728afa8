import Foundation

/// Who may run one job of one batch, and until when: a row in the shared store that every
/// engine process sees.
public struct RunLease: Sendable, Hashable {
    public var job: JobKind
    public var batch: String
    public var holder: String
    public var acquiredAt: Date
    public var expiresAt: Date

    public init(job: JobKind, batch: String, holder: String, acquiredAt: Date, expiresAt: Date) {
        self.job = job
        self.batch = batch
        self.holder = holder
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }
}

/// Leases on job runs, so that two engine processes sharing a store never run the same job of
/// the same batch at once. Taking a lease is one atomic statement in the store.
public protocol LeaseStore: Sendable {
    /// Takes (or extends) the lease of `job` and `batch` for `holder` until `expires`, unless
    /// another holder's lease is still in force at `now`. Returns the lease in force afterwards:
    /// the caller's, or the other holder's.
    func acquireLease(job: JobKind, batch: String, holder: String, now: Date, expires: Date) throws -> RunLease
    /// Gives up `holder`'s lease (nothing happens if another holder has it).
    func releaseLease(job: JobKind, batch: String, holder: String) throws
}
