import Foundation

/// Detector state kept in memory between job runs of one process: the neighbour lists of each
/// KNN detector's last training (so a moving window is updated, not recomputed), each
/// metric's last decoded models (so scoring does not decode a model it already holds) and, when
/// asked for, each NOVELTY detector's last channel scores (so a moving window scores only its
/// new rows). Only ever a shortcut: every entry is checked against what the store holds, and a
/// miss costs the full computation, with the same result.
public final class DetectorMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var lists: [String: NeighbourLists] = [:]
    private var models: [String: TrainedModel] = [:]
    private var scores: [String: ChannelScoreCache] = [:]
    /// Whether NOVELTY's channel scores are kept: a few hundred kilobytes a metric, worth it
    /// where one metric is retrained at every point (a backtest), not for thousands of metrics
    /// retrained now and then (serve).
    public let keepsChannelScores: Bool

    public init(keepsChannelScores: Bool = false) {
        self.keepsChannelScores = keepsChannelScores
    }

    func neighbours(_ key: String) -> NeighbourLists? { lock.withLock { lists[key] } }
    func store(_ key: String, _ value: NeighbourLists) { lock.withLock { lists[key] = value } }

    /// The model kept under `key` if it was trained with `fingerprint`.
    func model(_ key: String, fingerprint: String) -> TrainedModel? {
        lock.withLock { models[key].flatMap { $0.fingerprint == fingerprint ? $0 : nil } }
    }
    func store(_ key: String, model: TrainedModel) { lock.withLock { models[key] = model } }
    func channelScores(_ key: String) -> ChannelScoreCache? { lock.withLock { scores[key] } }
    /// Keeps `channelScores` if this memo keeps channel scores at all.
    func store(_ key: String, channelScores: ChannelScoreCache) {
        guard keepsChannelScores else { return }
        lock.withLock { scores[key] = channelScores }
    }
    /// Drops what is kept under `key` (a model found unreadable).
    func forget(_ key: String) {
        lock.withLock {
            models[key] = nil
            lists[key] = nil
            scores[key] = nil
        }
    }
}
