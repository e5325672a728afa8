import Engine
import Fixtures
import Foundation
import Testing

/// One metric that breaks a step fails alone and is named; the batch's other metrics are
/// trained, scored and plotted (robustness finding D7).
@Suite struct PerMetricFailureTests {
    /// A model store that refuses every key of one metric, as a full disk or a path too long for
    /// the file system would.
    struct RefusingModelStore: ModelStore {
        let inner = InMemoryModelStore()
        let refused: String

        struct Refused: Error, CustomStringConvertible {
            var key: String
            var description: String { "cannot write \(key)" }
        }

        func save(_ data: Data, key: String) async throws {
            if key.contains("/\(refused)_") { throw Refused(key: key) }
            try inner.save(data, key: key)
        }

        func load(key: String) async throws -> Data? {
            if key.contains("/\(refused)_") { throw Refused(key: key) }
            return try inner.load(key: key)
        }
    }

    @Test func trainAndScoreGoOnPastAMetricThatFails() async throws {
        let h = try Harness()
        let values = (0..<72).map { 10 + Double($0 % 5) }
        try h.store().insert(hourly(values, name: "bad") + hourly(values, name: "good"))
        var context = h.context
        context.models = RefusingModelStore(refused: "bad")
        let b = try batch("metric_batch: test\ningest_sql: select 1\ntrain_min_n: 24\n")

        let trained = await JobRunner(context: context).run(.train, batch: b)
        #expect(trained.status == .success)
        #expect(trained.rowsWritten == 1)
        #expect(trained.error?.hasPrefix("1 metric failed ('bad'); the others ran. First: 'bad': cannot write test/bad_novelty.json") == true)

        let scored = await JobRunner(context: context).run(.score, batch: b)
        #expect(scored.error?.contains("'bad'") == true)
        #expect(try h.all("test", .score).map(\.name).allSatisfy { $0 == "good" })
        #expect(try !h.all("test", .score).isEmpty)
    }

    @Test func aSequenceStopsAfterALeaseSkipAndAfterAFailureWhenAsked() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: b\ningest_sql: select 1\n")
        let log = RunLog()
        _ = try h.database.acquireLease(
            job: .train, batch: "b", holder: "elsewhere:1", now: referenceTime, expires: referenceTime.addingTimeInterval(60))
        let leased = JobRunner(context: h.context, leases: RunLeases(store: h.database, holder: "here:2", clock: h.clock, ttl: 60)) { kind in
            StandInJob(kind: kind, seconds: 0, fails: false, log: log)
        }
        let runs = await leased.runSequence([.ingest, .train, .score, .plot], batch: b, stopAfterFailure: false)
        #expect(runs.map(\.status) == [.success, .skipped, .skipped, .skipped])
        #expect(runs.map(\.heldBy) == [nil, "elsewhere:1", "elsewhere:1", "elsewhere:1"])
        #expect(runs[2].error == "an earlier job of this run was skipped: elsewhere:1 holds its lease")

        let failing = JobRunner(context: h.context) { kind in StandInJob(kind: kind, seconds: 0, fails: kind == .train, log: log) }
        #expect(
            await failing.runSequence([.ingest, .train, .score], batch: b, stopAfterFailure: true).map(\.status) == [.success, .failed, .skipped])
        #expect(
            await failing.runSequence([.ingest, .train, .score], batch: b, stopAfterFailure: false).map(\.status) == [.success, .failed, .success])
    }
}
