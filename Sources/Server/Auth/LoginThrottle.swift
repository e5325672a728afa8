import Foundation

/// Slows down guessing of the API token at `/login`: after `allowed` failed attempts from one
/// address within `window` seconds, further attempts from it are refused (429) until the oldest
/// failure leaves the window.
actor LoginThrottle {
    static let allowed = 10
    static let window: TimeInterval = 300
    /// Addresses tracked at most, so a scan from many addresses cannot grow memory without bound.
    static let capacity = 10_000

    private var failures: [String: [Date]] = [:]

    /// Whether `address` may try now.
    func admits(_ address: String, now: Date) -> Bool {
        recent(address, now: now).count < Self.allowed
    }

    /// Seconds until `address` may try again (0 when it may now).
    func retryAfter(_ address: String, now: Date) -> Int {
        let recent = recent(address, now: now)
        guard recent.count >= Self.allowed, let oldest = recent.first else { return 0 }
        return max(Int((oldest.addingTimeInterval(Self.window).timeIntervalSince(now)).rounded(.up)), 1)
    }

    func failed(_ address: String, now: Date) {
        if failures.count >= Self.capacity && failures[address] == nil {
            failures = failures.filter { !recentTimes($0.value, now: now).isEmpty }
            if failures.count >= Self.capacity { return }
        }
        failures[address] = recent(address, now: now) + [now]
    }

    func succeeded(_ address: String) {
        failures[address] = nil
    }

    private func recent(_ address: String, now: Date) -> [Date] {
        recentTimes(failures[address] ?? [], now: now)
    }

    private func recentTimes(_ times: [Date], now: Date) -> [Date] {
        times.filter { now.timeIntervalSince($0) < Self.window }
    }
}
