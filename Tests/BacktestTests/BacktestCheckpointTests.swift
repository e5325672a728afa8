import Engine
import Foundation
import Testing

@testable import Backtest

/// Resuming a backtest: what an interrupted run finished is read back, exactly, and only when it
/// was computed with the same settings and data.
@Suite struct BacktestCheckpointTests {
    /// Three short series that differ by their level.
    static func corpus() -> [NABSeries] {
        (0..<3).map { i in
            var s = BacktesterTests.series()
            s.path = "cat/s\(i).csv"
            s.values = s.values.map { $0 + Double(i) }
            return s
        }
    }

    static let settings = BacktestCheckpoint.settingsFingerprint(configText: nil, overrides: ["alert_smooth_n=3"], retrainEvery: 40, seed: 0)

    static func folder() -> BacktestOutput {
        BacktestOutput(folder: FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)"))
    }

    /// Runs `corpus` under `output`, returning the result and how each series was had.
    static func run(
        _ corpus: [NABSeries], output: BacktestOutput, settings: String = settings,
        resume: Bool
    ) async throws -> (BacktestRun.Result, [String: BacktestRun.Source]) {
        let backtester = Backtester(batch: try BacktesterTests.batch(["alert_smooth_n=3"]), retrainEvery: 40)
        let checkpoint = BacktestCheckpoint(output: output, prefix: "", settings: settings, resume: resume)
        let sources = SourceLog()
        let result = try await BacktestRun(label: "r", overrides: [], backtester: backtester, jobs: 2)
            .run(corpus, checkpoint: checkpoint) { outcome, _, source in sources.add(outcome.series.path, source) }
        return (result, sources.all)
    }

    /// How many rows differ between two runs' per-series columns (all of them if the shapes differ).
    static func differences<T: Equatable>(_ a: [[T]], _ b: [[T]]) -> Int {
        guard a.map(\.count) == b.map(\.count) else { return Int.max }
        return zip(a, b).reduce(0) { total, pair in total + zip(pair.0, pair.1).filter { $0 != $1 }.count }
    }

    static func file(_ output: BacktestOutput, _ path: String) throws -> String {
        try String(contentsOf: output.folder.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func anInterruptedRunResumesWithTheUninterruptedResults() async throws {
        let corpus = Self.corpus()
        let whole = Self.folder()
        let (expected, _) = try await Self.run(corpus, output: whole, resume: false)

        // A run stopped after two series, and with the third's file written but not entered.
        let interrupted = Self.folder()
        _ = try await Self.run(Array(corpus.prefix(2)), output: interrupted, resume: false)
        try interrupted.write("timestamp,value,anomaly_score,label,alert\nhalf written", to: "cat/s2.csv")

        let (resumed, sources) = try await Self.run(corpus, output: interrupted, resume: true)
        #expect(sources == ["cat/s0.csv": .readBack, "cat/s1.csv": .readBack, "cat/s2.csv": .computed])
        #expect(Self.differences(resumed.outcomes.map(\.scores), expected.outcomes.map(\.scores)) == 0)
        #expect(Self.differences(resumed.outcomes.map(\.alerts), expected.outcomes.map(\.alerts)) == 0)
        #expect(Self.differences(resumed.outcomes.map(\.changes), expected.outcomes.map(\.changes)) == 0)
        #expect(expected.total.changes > 0, "the spikes are level changes to the change job, so the read-back covers them")
        #expect(resumed.outcomes.map(\.retrainings) == expected.outcomes.map(\.retrainings))
        #expect(resumed.metrics == expected.metrics)
        #expect(resumed.nab.map(\.normalizedScore) == expected.nab.map(\.normalizedScore))
        for s in corpus { #expect(try Self.file(interrupted, s.path) == Self.file(whole, s.path)) }

        // Once finished, a rerun reads everything back.
        let (_, again) = try await Self.run(corpus, output: interrupted, resume: true)
        #expect(Set(again.values) == [.readBack])
    }

    @Test func nothingIsReadBackUnlessSettingsDataAndFileMatch() async throws {
        var corpus = Self.corpus()
        let output = Self.folder()
        _ = try await Self.run(corpus, output: output, resume: false)

        let other = BacktestCheckpoint.settingsFingerprint(configText: nil, overrides: ["alert_smooth_n=1"], retrainEvery: 40, seed: 0)
        #expect(Set(try await Self.run(corpus, output: output, settings: other, resume: true).1.values) == [.computed])
        _ = try await Self.run(corpus, output: output, resume: false)
        #expect(Set(try await Self.run(corpus, output: output, resume: false).1.values) == [.computed], "without --resume")

        corpus[0].values[100] += 1
        let text = try Self.file(output, "cat/s1.csv")
        try output.write(String(text.dropLast(40)), to: "cat/s1.csv")
        let (_, sources) = try await Self.run(corpus, output: output, resume: true)
        #expect(sources == ["cat/s0.csv": .computed, "cat/s1.csv": .computed, "cat/s2.csv": .readBack])
    }

    @Test func theSettingsFingerprintCoversWhatARunDependsOn() {
        let base = BacktestCheckpoint.settingsFingerprint(configText: "a: 1", overrides: ["x=1", "y=2"], retrainEvery: nil, seed: 0)
        let variants = [
            BacktestCheckpoint.settingsFingerprint(configText: "a: 2", overrides: ["x=1", "y=2"], retrainEvery: nil, seed: 0),
            BacktestCheckpoint.settingsFingerprint(configText: nil, overrides: ["x=1", "y=2"], retrainEvery: nil, seed: 0),
            BacktestCheckpoint.settingsFingerprint(configText: "a: 1", overrides: ["x=1", "y=3"], retrainEvery: nil, seed: 0),
            BacktestCheckpoint.settingsFingerprint(configText: "a: 1", overrides: ["x=1", "y=2"], retrainEvery: 12, seed: 0),
            BacktestCheckpoint.settingsFingerprint(configText: "a: 1", overrides: ["x=1", "y=2"], retrainEvery: nil, seed: 1),
        ]
        #expect(Set(variants + [base]).count == 6)
        #expect(base == BacktestCheckpoint.settingsFingerprint(configText: "a: 1", overrides: ["x=1", "y=2"], retrainEvery: nil, seed: 0))
    }

    @Test func theWrittenFilesScoreExactlyAsTheRun() async throws {
        let corpus = Self.corpus()
        let output = Self.folder()
        let (result, _) = try await Self.run(corpus, output: output, resume: false)
        let written = try NABResults.scores(results: output.folder, series: corpus)
        #expect(Self.differences(written, result.outcomes.map(\.scores)) == 0)
        for profile in NABProfile.all {
            let rescored = NABScorer(profile: profile).score(series: corpus, scores: written).normalizedScore
            #expect(rescored == result.nabScore(profile.name))
        }
    }
}

/// How each series of a run was had, collected from the progress callback.
final class SourceLog: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [String: BacktestRun.Source] = [:]
    func add(_ path: String, _ source: BacktestRun.Source) { lock.withLock { sources[path] = source } }
    var all: [String: BacktestRun.Source] { lock.withLock { sources } }
}
