import Foundation

/// This engine process as the other processes sharing its store see it: the name it writes beside
/// what it holds (run leases, delivery claims), and how it judges another holder's name. What a
/// holder known to be gone held is taken over at once, so a rerun right after a crash neither
/// skips a job nor leaves a delivery it had claimed unsent until the claim runs out.
public struct ProcessIdentity: Sendable {
    /// The name written in lease and claim rows.
    public let name: String
    /// Whether a holder is known to be gone. Holders it cannot judge (other hosts) count as alive.
    public let isGone: @Sendable (String) -> Bool

    public init(name: String, isGone: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.name = name
        self.isGone = isGone
    }

    /// A process that shares its store with no other (replay, backtest, tests): every other
    /// holder counts as alive.
    public static let solitary = ProcessIdentity(name: "engine")
}
