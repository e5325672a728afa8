import Foundation
import Synchronization

/// Detector state kept in memory between job runs of one process: the neighbour lists of each
/// KNN detector's last training (so a moving window is updated, not recomputed), each
/// metric's last decoded models (so scoring does not decode a model it already holds) and, up to
/// a budget of bytes, each NOVELTY detector's last channel scores (so a moving window scores only
/// its new rows). Only ever a shortcut: every entry is checked against what the store holds, and a
/// miss costs the full computation, with the same result.
public final class DetectorMemo: Sendable {
    private struct Entries {
        var lists: [String: NeighbourLists] = [:]
        var models: [String: TrainedModel] = [:]
        var scores: [String: ChannelScoreCache] = [:]
        var scoreBytes = 0
    }

    private let entries = Mutex(Entries())
    /// How many bytes of NOVELTY channel scores are kept (0: none; `.max`: all). They take a few
    /// hundred kilobytes a metric at 2,500 points and save most of a retraining's work, so a
    /// backtest or a replay keeps them all and a server as many as its budget holds. Past the
    /// budget a metric not kept yet is not admitted, and the ones kept stay: a fixed set of
    /// metrics gains, where evicting would make every metric miss in turn as training walks them
    /// all in the same order.
    public let channelScoreBudget: Int

    /// Whether any channel scores are kept.
    public var keepsChannelScores: Bool { channelScoreBudget > 0 }

    public init(channelScoreBudget: Int = 0) {
        self.channelScoreBudget = max(channelScoreBudget, 0)
    }

    func neighbours(_ key: String) -> NeighbourLists? { entries.withLock { $0.lists[key] } }
    func store(_ key: String, _ value: NeighbourLists) { entries.withLock { $0.lists[key] = value } }

    /// The model kept under `key` if it was trained with `fingerprint`.
    func model(_ key: String, fingerprint: String) -> TrainedModel? {
        entries.withLock { $0.models[key].flatMap { $0.fingerprint == fingerprint ? $0 : nil } }
    }
    func store(_ key: String, model: TrainedModel) { entries.withLock { $0.models[key] = model } }
    func channelScores(_ key: String) -> ChannelScoreCache? { entries.withLock { $0.scores[key] } }
    /// Keeps `channelScores` if the budget holds them (replacing what `key` held); past the
    /// budget, `key`'s older scores are dropped rather than kept stale.
    func store(_ key: String, channelScores: ChannelScoreCache) {
        guard keepsChannelScores else { return }
        let size = channelScores.byteCount
        entries.withLock { entries in
            let held = entries.scores[key]?.byteCount ?? 0
            if entries.scoreBytes - held <= channelScoreBudget - size {
                entries.scores[key] = channelScores
                entries.scoreBytes += size - held
            } else if entries.scores.removeValue(forKey: key) != nil {
                entries.scoreBytes -= held
            }
        }
    }

    /// The bytes of channel scores kept.
    var channelScoreBytes: Int { entries.withLock { $0.scoreBytes } }
    /// Drops what is kept under `key` (a model found unreadable).
    func forget(_ key: String) {
        entries.withLock { entries in
            entries.models[key] = nil
            entries.lists[key] = nil
            entries.scoreBytes -= entries.scores.removeValue(forKey: key)?.byteCount ?? 0
        }
    }
}
