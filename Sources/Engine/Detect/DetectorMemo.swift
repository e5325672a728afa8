import Foundation
import Synchronization

/// Detector state kept in memory between job runs of one process: the neighbour lists of each
/// KNN detector's last training (so a moving window is updated, not recomputed), each
/// metric's last decoded models (so scoring does not decode a model it already holds) and, when
/// asked for, each NOVELTY detector's last channel scores (so a moving window scores only its
/// new rows). Only ever a shortcut: every entry is checked against what the store holds, and a
/// miss costs the full computation, with the same result.
public final class DetectorMemo: Sendable {
    private struct Entries {
        var lists: [String: NeighbourLists] = [:]
        var models: [String: TrainedModel] = [:]
        var scores: [String: ChannelScoreCache] = [:]
    }

    private let entries = Mutex(Entries())
    /// Whether NOVELTY's channel scores are kept: a few hundred kilobytes a metric, worth it
    /// where one metric is retrained at every point (a backtest), not for thousands of metrics
    /// retrained now and then (serve).
    public let keepsChannelScores: Bool

    public init(keepsChannelScores: Bool = false) {
        self.keepsChannelScores = keepsChannelScores
    }

    func neighbours(_ key: String) -> NeighbourLists? { entries.withLock { $0.lists[key] } }
    func store(_ key: String, _ value: NeighbourLists) { entries.withLock { $0.lists[key] = value } }

    /// The model kept under `key` if it was trained with `fingerprint`.
    func model(_ key: String, fingerprint: String) -> TrainedModel? {
        entries.withLock { $0.models[key].flatMap { $0.fingerprint == fingerprint ? $0 : nil } }
    }
    func store(_ key: String, model: TrainedModel) { entries.withLock { $0.models[key] = model } }
    func channelScores(_ key: String) -> ChannelScoreCache? { entries.withLock { $0.scores[key] } }
    /// Keeps `channelScores` if this memo keeps channel scores at all.
    func store(_ key: String, channelScores: ChannelScoreCache) {
        guard keepsChannelScores else { return }
        entries.withLock { $0.scores[key] = channelScores }
    }
    /// Drops what is kept under `key` (a model found unreadable).
    func forget(_ key: String) {
        entries.withLock { entries in
            entries.models[key] = nil
            entries.lists[key] = nil
            entries.scores[key] = nil
        }
    }
}
