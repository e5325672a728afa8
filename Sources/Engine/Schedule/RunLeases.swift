import Foundation

/// Keeps engine processes that share a store from running the same job of the same batch at
/// once. A run takes the lease of its job and batch, renews it while it runs, and gives it up when
/// it ends; a process that dies leaves a lease that expires `ttl` seconds after its last renewal,
/// so a retry is held up by at most that long.
public struct RunLeases: Sendable {
    public let store: any LeaseStore
    /// This process, as other processes see it in the lease row.
    public let holder: String
    /// The wall clock, whatever time the run is "as of": leases compare real times across processes.
    public let clock: any EngineClock
    public let ttl: TimeInterval
    /// How long to wait for another holder's lease before the run is skipped.
    public let wait: TimeInterval
    /// Whether a holder is known to be gone (a process of this host that no longer exists), so
    /// its lease is taken over at once instead of after it expires: a retry right after a crash
    /// runs rather than skipping. Holders it cannot judge (other hosts) count as alive.
    public let holderIsGone: @Sendable (String) -> Bool

    public init(
        store: any LeaseStore, holder: String, clock: any EngineClock, ttl: TimeInterval = 60, wait: TimeInterval = 0,
        holderIsGone: @escaping @Sendable (String) -> Bool = { _ in false }
    ) {
        self.store = store
        self.holder = holder
        self.clock = clock
        self.ttl = ttl
        self.wait = wait
        self.holderIsGone = holderIsGone
    }

    /// Takes the lease, waiting up to `wait` seconds for another holder's to end or expire.
    /// Returns nil once the lease is this process's, or the other process's lease in force.
    public func acquire(_ job: JobKind, batch: String) async throws -> RunLease? {
        let deadline = clock.now.addingTimeInterval(wait)
        while true {
            let now = clock.now
            let lease = try store.acquireLease(job: job, batch: batch, holder: holder, now: now, expires: now.addingTimeInterval(ttl))
            if lease.holder == holder { return nil }
            if holderIsGone(lease.holder) {
                // Releasing by the dead holder's name cannot touch a lease a live process took since.
                try store.releaseLease(job: job, batch: batch, holder: lease.holder)
                continue
            }
            guard now < deadline else { return lease }
            try await clock.sleep(until: min(deadline, now.addingTimeInterval(max(1, min(5, ttl / 4)))))
        }
    }

    /// Renews the lease every third of its lifetime until cancelled. A renewal the store refuses
    /// is tried again at the next one rather than failing the run: the lease has two more
    /// renewals' worth of life left, and rows are keyed, so even an overlap writes nothing twice.
    public func keepAlive(_ job: JobKind, batch: String) async throws {
        while !Task.isCancelled {
            try await clock.sleep(until: clock.now.addingTimeInterval(ttl / 3))
            let now = clock.now
            _ = try? store.acquireLease(job: job, batch: batch, holder: holder, now: now, expires: now.addingTimeInterval(ttl))
        }
    }

    public func release(_ job: JobKind, batch: String) throws {
        try store.releaseLease(job: job, batch: batch, holder: holder)
    }
}
