import Engine
import Foundation

/// Out-of-fold NAB scores: how a backtest's settings do on series that took no part in choosing
/// them. NAB picks its detection threshold on the very corpus it scores, and a sweep picks its
/// setting the same way, so both figures flatter. Here each fold is held out in turn:
///
/// - **a fixed setting**: the threshold is chosen on the other folds and the held-out fold is
///   scored at it;
/// - **the selection**: the setting (and its threshold) that scores best on the other folds is
///   chosen, and the held-out fold is scored with it. This is the honest figure for "sweep, then
///   keep the best": the score to expect of the chosen setting on data like the corpus but not in it.
///
/// Pooled scores add the held-out folds' raw NAB totals and normalise them over every window of
/// the corpus, as NAB normalises a whole run. Per fold, the fold's own in-sample score (its
/// threshold chosen on itself) stands beside the held-out one.
public struct CrossValidation: Sendable {
    public let scheme: FoldScheme
    public let folds: [FoldScheme.Fold]

    public init(scheme: FoldScheme, corpus: [NABSeries]) throws {
        self.scheme = scheme
        self.folds = try scheme.folds(of: corpus)
    }

    /// One held-out fold under one profile.
    public struct FoldScore: Sendable, Hashable {
        public var fold: String
        /// The setting scored on the fold, by its index in the runs (for a fixed setting, itself).
        public var setting: Int
        /// The threshold the other folds chose.
        public var threshold: Double
        /// The fold scored at that threshold.
        public var heldOut: NABScorer.Result
        /// The fold scored at the threshold it would choose for itself.
        public var inSample: Double
    }

    /// Out-of-fold figures under one profile: per fold and pooled.
    public struct Score: Sendable, Hashable {
        public var profile: String
        public var pooled: Double
        public var folds: [FoldScore]
        public var windows: Int { folds.reduce(0) { $0 + $1.heldOut.windows } }
        public var windowsDetected: Int { folds.reduce(0) { $0 + $1.heldOut.windowsDetected } }
        public var falsePositiveRows: Int { folds.reduce(0) { $0 + $1.heldOut.files.reduce(0) { $0 + $1.falsePositives } } }
    }

    /// Every setting's out-of-fold scores and the selection's.
    public struct Report: Sendable {
        public var scheme: FoldScheme
        public var folds: [FoldScheme.Fold]
        /// Per run (in the order given), one score per profile.
        public var settings: [[Score]]
        /// Per profile: the setting chosen on the other folds, scored on each held-out fold.
        public var selection: [Score]

        /// A run's pooled out-of-fold score under `profile`.
        public func pooled(run: Int, profile: String) -> Double? {
            settings[run].first { $0.profile == profile }?.pooled
        }
    }

    /// Scores `runs` (one per setting, each over the whole corpus in corpus order) out of fold.
    public func evaluate(_ runs: [BacktestRun.Result], corpus: [NABSeries], profiles: [NABProfile]) -> Report {
        var settings = [[Score]](repeating: [], count: runs.count)
        var selection: [Score] = []
        let totalWindows = corpus.reduce(0) { $0 + $1.windows.count }
        for profile in profiles {
            let scorer = NABScorer(profile: profile)
            // held[run][fold], and the score each run reaches on each fold's training folds.
            var held = [[FoldScore]](repeating: [], count: runs.count)
            var training = [[Double]](repeating: [], count: runs.count)
            for (r, run) in runs.enumerated() {
                let rows = scorer.sweepRows(series: corpus, scores: run.outcomes.map(\.scores))
                for fold in folds {
                    let inFold = Set(fold.members)
                    let rest = corpus.indices.filter { !inFold.contains($0) }
                    let threshold = scorer.bestThreshold(rest.flatMap { rows[$0] })
                    let trained = scorer.score(series: rest.map { corpus[$0] }, rows: rest.map { rows[$0] }, threshold: threshold)
                    training[r].append(trained.normalizedScore)
                    let foldSeries = fold.members.map { corpus[$0] }
                    let foldRows = fold.members.map { rows[$0] }
                    let heldOut = scorer.score(series: foldSeries, rows: foldRows, threshold: threshold)
                    let own = scorer.score(series: foldSeries, rows: foldRows, threshold: scorer.bestThreshold(foldRows.flatMap { $0 }))
                    held[r].append(FoldScore(fold: fold.name, setting: r, threshold: threshold, heldOut: heldOut, inSample: own.normalizedScore))
                }
                settings[r].append(pooled(held[r], profile: profile, scorer: scorer, windows: totalWindows))
            }
            // Per fold, the run that scores best on the other folds (the first among equals).
            let chosen = folds.indices.map { f in
                runs.indices.max { (training[$0][f], $1) < (training[$1][f], $0) }!
            }
            let chosenScores = folds.indices.map { held[chosen[$0]][$0] }
            selection.append(pooled(chosenScores, profile: profile, scorer: scorer, windows: totalWindows))
        }
        return Report(scheme: scheme, folds: folds, settings: settings, selection: selection)
    }

    private func pooled(_ scores: [FoldScore], profile: NABProfile, scorer: NABScorer, windows: Int) -> Score {
        let raw = scores.reduce(0) { $0 + $1.heldOut.rawScore }
        return Score(profile: profile.name, pooled: scorer.normalized(raw, windows: windows), folds: scores)
    }
}
