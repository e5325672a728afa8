import Foundation

/// Detector state kept in memory between job runs of one process: the neighbour lists of each
/// KNN detector's last training (so a moving window is updated, not recomputed) and each
/// metric's last decoded models (so scoring does not decode a model it already holds). Only
/// ever a shortcut: every entry is checked against what the store holds, and a miss costs
/// the full computation, with the same result.
public final class DetectorMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var lists: [String: NeighbourLists] = [:]
    private var models: [String: TrainedModel] = [:]

    public init() {}

    func neighbours(_ key: String) -> NeighbourLists? { lock.withLock { lists[key] } }
    func store(_ key: String, _ value: NeighbourLists) { lock.withLock { lists[key] = value } }

    /// The model kept under `key` if it was trained with `fingerprint`.
    func model(_ key: String, fingerprint: String) -> TrainedModel? {
        lock.withLock { models[key].flatMap { $0.fingerprint == fingerprint ? $0 : nil } }
    }
    func store(_ key: String, model: TrainedModel) { lock.withLock { models[key] = model } }
    /// Drops what is kept under `key` (a model found unreadable).
    func forget(_ key: String) { lock.withLock { models[key] = nil; lists[key] = nil } }
}
