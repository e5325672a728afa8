import Engine
import Foundation

extension CrossValidation.Report {
    /// Marks each run's leaderboard fields: its pooled out-of-fold score per profile and whether
    /// its in-sample lead survives (on `profile`): it beats, out of fold, every run it beats in sample.
    public func annotate(_ runs: [BacktestRun.Result], profile: String) -> [BacktestRun.Result] {
        var annotated = runs
        for r in runs.indices {
            annotated[r].outOfFold = Dictionary(uniqueKeysWithValues: settings[r].map { ($0.profile, $0.pooled) })
        }
        for r in runs.indices {
            guard let own = pooled(run: r, profile: profile) else { continue }
            let beaten = runs.indices.filter { runs[$0].nabScore(profile) < runs[r].nabScore(profile) }
            annotated[r].leadSurvives = beaten.allSatisfy { (pooled(run: $0, profile: profile) ?? -.infinity) < own }
        }
        return annotated
    }

    /// The lines `engine backtest` prints: per profile the out-of-fold score beside the in-sample
    /// one, per fold for a single run; with several runs, the selection's per fold and pooled.
    public func lines(_ runs: [BacktestRun.Result]) -> [String] {
        var lines = ["cross-validation by \(scheme) (\(folds.count) folds), thresholds chosen on the other folds:"]
        if runs.count == 1 {
            for score in settings[0] {
                lines.append(
                    "  \(score.profile): out of fold \(Fixed.format(score.pooled, 2)) (in sample \(Fixed.format(runs[0].nabScore(score.profile), 2))), "
                        + "windows detected \(score.windowsDetected) of \(score.windows), false positive rows \(score.falsePositiveRows)")
                lines += score.folds.map { "    \(Self.foldLine($0))" }
            }
            return lines
        }
        lines.append("  the setting chosen on the other folds, scored on the held-out one:")
        for score in selection {
            let best = runs.indices.max { (runs[$0].nabScore(score.profile), $1) < (runs[$1].nabScore(score.profile), $0) }!
            lines.append(
                "  \(score.profile): out of fold \(Fixed.format(score.pooled, 2)) (the in-sample best, run \(best + 1), scores "
                    + "\(Fixed.format(runs[best].nabScore(score.profile), 2)) in sample), windows detected \(score.windowsDetected) of \(score.windows)"
            )
            lines += score.folds.map { "    \(Self.foldLine($0)), chose run \($0.setting + 1): \(Self.settingsText(runs[$0.setting]))" }
        }
        return lines
    }

    /// A fold's line; a fold without windows has no NAB scale, so its raw total (its false
    /// positives' cost) is given instead.
    static func foldLine(_ f: CrossValidation.FoldScore) -> String {
        let falsePositives = f.heldOut.files.reduce(0) { $0 + $1.falsePositives }
        guard f.heldOut.windows > 0 else {
            return "\(f.fold): no windows; at threshold \(Fixed.format(f.threshold, 4)) false positive rows \(falsePositives) "
                + "(raw \(Fixed.format(f.heldOut.rawScore, 3)))"
        }
        return "\(f.fold): held out \(Fixed.format(f.heldOut.normalizedScore, 2)) at threshold \(Fixed.format(f.threshold, 4)) "
            + "(in sample \(Fixed.format(f.inSample, 2))), windows \(f.heldOut.windowsDetected)/\(f.heldOut.windows), "
            + "false positive rows \(falsePositives)"
    }

    static func settingsText(_ run: BacktestRun.Result) -> String {
        run.overrides.isEmpty ? "(defaults)" : run.overrides.joined(separator: " ")
    }

    /// The `cross_validation` object of `summary.json`.
    public func json(_ runs: [BacktestRun.Result]) -> CanonicalJSON {
        func score(_ s: CrossValidation.Score, inSample: Double?) -> CanonicalJSON {
            var fields: [String: CanonicalJSON] = [
                "out_of_fold": .number(s.pooled, decimals: 4), "windows": .int(s.windows), "windows_detected": .int(s.windowsDetected),
                "false_positive_rows": .int(s.falsePositiveRows),
                "folds": .array(
                    s.folds.map { f in
                        .object([
                            "fold": .string(f.fold), "run": .int(f.setting + 1), "threshold": .number(f.threshold, decimals: 6),
                            "held_out": .number(f.heldOut.normalizedScore, decimals: 4), "held_out_raw": .number(f.heldOut.rawScore, decimals: 4),
                            "in_sample": .number(f.inSample, decimals: 4), "windows": .int(f.heldOut.windows),
                            "windows_detected": .int(f.heldOut.windowsDetected),
                        ])
                    }),
            ]
            if let inSample { fields["in_sample"] = .number(inSample, decimals: 4) }
            return .object(fields)
        }
        return .object([
            "scheme": .string(scheme.description),
            "folds": .array(
                folds.map { f in .object(["name": .string(f.name), "series": .array(f.members.map { .string(runs[0].outcomes[$0].series.path) })]) }),
            "runs": .array(
                runs.indices.map { r in
                    .object([
                        "run": .int(r + 1), "settings": .array(runs[r].overrides.map(CanonicalJSON.string)),
                        "nab": .object(
                            Dictionary(uniqueKeysWithValues: settings[r].map { ($0.profile, score($0, inSample: runs[r].nabScore($0.profile))) })),
                    ])
                }),
            "selection": .object(Dictionary(uniqueKeysWithValues: selection.map { ($0.profile, score($0, inSample: nil)) })),
        ])
    }
}
