import Engine
import Foundation
import Synchronization

/// What one backtest run has finished, kept beside its output (`<prefix>checkpoint.json`) so that
/// a run stopped half way and started again with `--resume` reads back the series it completed
/// instead of computing them again. A series is read back only when the settings, the engine
/// version and the series' own rows and windows are those it was computed with, and its results
/// file still holds every row; anything else is computed afresh.
///
/// Each finished series is written as its results file first and entered in the checkpoint
/// second (both atomically), so a stop between the two leaves a file the checkpoint does not
/// vouch for, which is computed again and overwritten: nothing is kept twice or half written.
public final class BacktestCheckpoint: Sendable {
    public let output: BacktestOutput
    /// Where the run's files go under the output folder: "" or `runs/<n>/`.
    public let prefix: String
    /// The fingerprint of what the run computes with (see `settingsFingerprint`).
    public let settings: String
    private let manifest: Mutex<Manifest>

    struct Manifest: Codable {
        var settings: String
        /// Per series path: the fingerprint of its data and how many trainings it took.
        var series: [String: Entry]
    }

    struct Entry: Codable {
        var data: String
        var retrainings: Int
    }

    static let fileName = "checkpoint.json"

    /// A checkpoint for a run writing under `prefix`; with `resume`, it starts from what an
    /// earlier run with the same settings left there, else from nothing.
    public init(output: BacktestOutput, prefix: String, settings: String, resume: Bool) {
        self.output = output
        self.prefix = prefix
        self.settings = settings
        let url = output.folder.appendingPathComponent(prefix + Self.fileName)
        if resume, let data = try? Data(contentsOf: url), let earlier = try? JSONDecoder().decode(Manifest.self, from: data),
            earlier.settings == settings
        {
            manifest = Mutex(earlier)
        } else {
            manifest = Mutex(Manifest(settings: settings, series: [:]))
        }
    }

    /// The outcome of `series` as an earlier run left it, or nil if it must be computed.
    public func finished(_ series: NABSeries) -> Backtester.SeriesOutcome? {
        guard let entry = manifest.withLock({ $0.series[series.path] }), entry.data == Self.dataFingerprint(series),
            let table = try? CSVTable.read(output.folder.appendingPathComponent(prefix + series.path)),
            (try? table.times("timestamp")) == series.timestamps,
            let scores = try? table.numbers("anomaly_score"), let alerts = try? table.numbers("alert"),
            let changes = try? table.numbers("change"), let thresholdAlerts = try? table.numbers("tholdalert"),
            let trends = try? table.numbers("trend"), let silences = try? table.numbers("nodata"), let stuck = try? table.numbers("stuck"),
            (alerts + changes + thresholdAlerts + trends + silences + stuck).allSatisfy({ $0 == 0 || $0 == 1 })
        else { return nil }
        return Backtester.SeriesOutcome(
            series: series, scores: scores, alerts: alerts.map { $0 == 1 }, changes: changes.map { $0 == 1 },
            thresholdAlerts: thresholdAlerts.map { $0 == 1 }, trends: trends.map { $0 == 1 }, silences: silences.map { $0 == 1 },
            stuck: stuck.map { $0 == 1 }, retrainings: entry.retrainings)
    }

    /// Writes a finished series' results file, then enters it in the checkpoint.
    public func record(_ outcome: Backtester.SeriesOutcome) throws {
        try output.writeSeries(outcome, under: prefix)
        // Written under the lock: series finish on several tasks, and an older manifest must never
        // be written after a newer one.
        try manifest.withLock { manifest in
            manifest.series[outcome.series.path] = Entry(data: Self.dataFingerprint(outcome.series), retrainings: outcome.retrainings)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            let text = try encoder.encode(manifest)
            try output.write(String(decoding: text, as: UTF8.self) + "\n", to: prefix + Self.fileName)
        }
    }

    /// What a run's results depend on besides its data: the engine version, the settings file's
    /// text, the `--set` and sweep assignments in order, the retraining cadence and the seed.
    public static func settingsFingerprint(configText: String?, overrides: [String], retrainEvery: Int?, seed: UInt64) -> String {
        var parts = ["engine \(EngineVersion.current)", "seed \(seed)", "retrain_every \(retrainEvery.map(String.init) ?? "cron")"]
        parts.append("config " + (configText.map { Hex.encode(SHA256.hash(Array($0.utf8))) } ?? "builtin"))
        parts += overrides.map { "set " + $0 }
        return Hex.encode(SHA256.hash(Array(parts.joined(separator: "\n").utf8)))
    }

    /// A series' path, metric name, rows (times and exact values) and windows.
    static func dataFingerprint(_ series: NABSeries) -> String {
        var hash = SHA256()
        hash.update(Array(series.path.utf8) + [0] + Array(series.metric.utf8) + [0])
        for (t, v) in zip(series.timestamps, series.values) {
            withUnsafeBytes(of: t.timeIntervalSince1970.bitPattern.littleEndian) { hash.update($0) }
            withUnsafeBytes(of: v.bitPattern.littleEndian) { hash.update($0) }
        }
        for w in series.windows {
            withUnsafeBytes(of: w.lowerBound.timeIntervalSince1970.bitPattern.littleEndian) { hash.update($0) }
            withUnsafeBytes(of: w.upperBound.timeIntervalSince1970.bitPattern.littleEndian) { hash.update($0) }
        }
        return Hex.encode(hash.finalize())
    }
}
