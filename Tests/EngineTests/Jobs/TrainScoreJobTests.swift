import Engine
import Fixtures
import Foundation
import Testing

@Suite struct TrainScoreJobTests {
    let config = "metric_batch: test\ningest_sql: select 1\n" + anomstackProfile

    func seasonal(_ n: Int, name: String = "m") -> [MetricRow] {
        SyntheticSeries(start: referenceTime.addingTimeInterval(Double(1 - n) * 3600)).rows(batch: "test", name: name, count: n, seed: 3)
    }

    @Test func metricsBelowTrainMinNAreSkippedOthersTrained() async throws {
        let h = try Harness()
        try h.store().insert(seasonal(100, name: "long") + seasonal(10, name: "short"))
        let outcome = try await TrainJob().run(batch: try batch(config), context: h.context)
        #expect(outcome.rowsWritten == 2)
        #expect(outcome.skipped == ["short: 10 points, train_min_n is 14"])
        #expect(
            h.models.keys == [
                "test/long_knn_default.json", "test/long_knn_default.json.fingerprint",
                "test/long_pca_default.json", "test/long_pca_default.json.fingerprint",
            ])
    }

    @Test func unchangedDataIsNotRetrainedChangedDataIs() async throws {
        let h = try Harness()
        try h.store().insert(seasonal(100))
        let b = try batch(config)
        #expect(try await TrainJob().run(batch: b, context: h.context).rowsWritten == 2)
        #expect(try await TrainJob().run(batch: b, context: h.context).rowsWritten == 0)
        try h.store().insert([MetricRow(timestamp: referenceTime.addingTimeInterval(3600), batch: "test", name: "m", type: .metric, value: 1)])
        h.clock.advance(by: 3600)
        #expect(try await TrainJob().run(batch: b, context: h.context).rowsWritten == 2)
    }

    @Test func trainingReadsOnlyTheMostRecentTrainMaxNPoints() async throws {
        let h = try Harness()
        try h.store().insert(seasonal(300))
        _ = try await TrainJob().run(batch: try batch(config + "train_max_n: 50\n"), context: h.context)
        let model = try TrainedModel.decode(try h.models.load(key: "test/m_pca_default.json")!, key: "")
        #expect(model.trainingRows == 50 - 8)
    }

    @Test func scoresOnlyUnscoredRecentPointsAndSkipsUntrainedMetrics() async throws {
        let h = try Harness()
        try h.store().insert(seasonal(200, name: "trained"))
        let b = try batch(config)
        _ = try await TrainJob().run(batch: b, context: h.context)
        try h.store().insert(seasonal(200, name: "untrained"))
        let first = try await ScoreJob().run(batch: b, context: h.context)
        #expect(first.rowsWritten == 25)
        #expect(first.skipped == ["untrained: no trained model yet"])
        let scores = try h.all("test", .score)
        #expect(scores.allSatisfy { $0.name == "trained" && $0.value >= 0 && $0.value <= 1 })
        #expect(scores.last?.timestamp == referenceTime)
        #expect(scores.allSatisfy { ($0.value * 1000).rounded() / 1000 == $0.value })
        #expect(try await ScoreJob().run(batch: b, context: h.context).rowsWritten == 0)
        try h.store().insert([MetricRow(timestamp: referenceTime.addingTimeInterval(3600), batch: "test", name: "trained", type: .metric, value: 100)]
        )
        h.clock.advance(by: 3600)
        #expect(try await ScoreJob().run(batch: b, context: h.context).rowsWritten == 1)
    }

    /// `score_metric_rounding`: scores keep that many decimals (Anomstack's 4 here), or every digit at -1.
    @Test func scoresAreRoundedAsTheBatchSays() async throws {
        for (decimals, expectRounded) in [(1, true), (-1, false)] {
            let h = try Harness()
            try h.store().insert(seasonal(200))
            let b = try batch(config + "score_metric_rounding: \(decimals)\n")
            _ = try await TrainJob().run(batch: b, context: h.context)
            _ = try await ScoreJob().run(batch: b, context: h.context)
            let scores = try h.all("test", .score).map(\.value)
            #expect(scores.count == 25)
            #expect(scores.allSatisfy { ($0 * 10).rounded() / 10 == $0 } == expectRounded, "\(decimals): \(scores)")
        }
    }

    @Test func combinationMethodsCombineDetectorScores() {
        #expect(ScoreCombination.mean.combine([0.2, 0.6]) == 0.4)
        #expect(ScoreCombination.min.combine([0.2, 0.6]) == 0.2)
        #expect(ScoreCombination.max.combine([0.2, 0.6]) == 0.6)
    }

    @Test func aSpikeScoresHigherThanNormalPoints() async throws {
        let h = try Harness()
        var rows = seasonal(300)
        rows[rows.count - 1].value += 80
        try h.store().insert(rows)
        let b = try batch(config)
        h.clock.set(rows[rows.count - 2].timestamp)
        _ = try await TrainJob().run(batch: b, context: h.context)
        h.clock.set(referenceTime)
        _ = try await ScoreJob().run(batch: b, context: h.context)
        let scores = try h.all("test", .score)
        #expect(scores.last!.value == 1)
        #expect(scores.dropLast().allSatisfy { $0.value < 0.9 })
    }

    /// An Anomstack batch on an isolation forest: each metric's forest is drawn from the run
    /// seed, batch, metric and tag, so a rerun grows the same forests and two metrics with the
    /// same history do not share one; a spike still scores at the top.
    @Test func anIsolationForestIsSeededPerMetricAndScoresASpike() async throws {
        let forest = "metric_batch: test\ningest_sql: select 1\nmodel_configs:\n  - model_name: IForest\n    model_tag: iforest\n"
        func seeds(_ h: Harness) throws -> [String: UInt64] {
            try Dictionary(
                uniqueKeysWithValues: ["a", "b"].map { name in
                    (
                        name,
                        try TrainedModel.decode(try h.models.load(key: "test/\(name)_iforest.json")!, key: "").detector(
                            as: IsolationForestDetector.self)!.seed
                    )
                })
        }
        var rows = seasonal(300, name: "a") + seasonal(300, name: "b")
        rows[299].value += 80
        let first = try Harness()
        let again = try Harness()
        for h in [first, again] {
            try h.store().insert(rows)
            h.clock.set(rows[298].timestamp)
            #expect(try await TrainJob().run(batch: try batch(forest), context: h.context).rowsWritten == 2)
        }
        #expect(try seeds(first) == seeds(again))
        #expect(try seeds(first)["a"] != seeds(first)["b"])
        first.clock.set(referenceTime)
        _ = try await ScoreJob().run(batch: try batch(forest), context: first.context)
        let scores = try first.all("test", .score).filter { $0.name == "a" }
        // A forest does not extrapolate: a point beyond the training range is isolated about as
        // early as the most extreme training row, so it scores near 1, not above it.
        #expect(scores.last!.value >= 0.9 && scores.dropLast().allSatisfy { $0.value < 0.5 })
    }
}

/// A corrupt model: scoring reports it and goes on with the other metrics; training refits it.
@Suite struct CorruptModelTests {
    @Test func aCorruptModelIsReportedAndRetrained() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\ntrain_min_n: 20\n")
        try h.store().insert(hourly((0..<60).map { 50 + Double($0 % 5) }, name: "a") + hourly((0..<60).map { 10 + Double($0 % 3) }, name: "b"))
        #expect(await JobRunner(context: h.context).run(.train, batch: b).status == .success)
        let key = TrainedModel.storeKey(batch: "test", metric: "a", tag: b.models[0].tag)
        let good = try #require(try h.models.load(key: key))
        try h.models.save(good.prefix(good.count / 2), key: key)  // a half-written file
        var context = h.context
        context.memo = nil
        let scored = await JobRunner(context: context).run(.score, batch: b)
        #expect(scored.status == .success)
        #expect(try h.all("test", .score).allSatisfy { $0.name == "b" })
        #expect(!(try h.all("test", .score)).isEmpty)
        // The next training refits the unreadable model although its data did not change.
        #expect(await JobRunner(context: context).run(.train, batch: b).rowsWritten > 0)
        h.clock.advance(by: 1)
        _ = await JobRunner(context: context).run(.score, batch: b)
        #expect(try h.all("test", .score).contains { $0.name == "a" })
    }
}
