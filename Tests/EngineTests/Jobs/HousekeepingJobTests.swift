import Engine
import Fixtures
import Foundation
import Testing

/// The `delete` (retention) and `summary` (daily digest) jobs.
@Suite struct HousekeepingJobTests {
    @Test func deleteRemovesRowsAndRunsOlderThanTheRetention() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\ndelete_after_n_days: 2\n")
        let store = try h.store()
        // Hourly values over four days, with a score and an alert on the oldest.
        let rows = hourly(Array(repeating: 1.0, count: 96))
        try store.insert(rows)
        try store.insert([
            MetricRow(timestamp: rows[0].timestamp, batch: "test", name: "m", type: .score, value: 0.5),
            MetricRow(timestamp: rows[0].timestamp, batch: "test", name: "m", type: .alert, value: 1),
            MetricRow(timestamp: rows[0].timestamp, batch: "other", name: "m", type: .metric, value: 1),
        ])
        try store.record(
            JobRun(
                job: .ingest, batch: "test", asOf: rows[0].timestamp, startedAt: rows[0].timestamp,
                finishedAt: rows[0].timestamp, status: .success, rowsWritten: 1))
        let run = await JobRunner(context: h.context).run(.delete, batch: b)
        #expect(run.status == .success)
        // 96 hourly values end now: those before now - 48 h go (47 values), with the score and the alert.
        #expect(run.rowsWritten == 49)
        let left = try store.rows(MetricQuery(batch: "test", types: MetricType.allCases))
        #expect(left.count == 49)
        #expect(left.allSatisfy { $0.timestamp >= referenceTime.addingTimeInterval(-2 * 86_400) })
        #expect(try store.rows(MetricQuery(batch: "other", types: [.metric])).count == 1)  // another batch is left alone
        #expect(try store.jobRuns(batch: "test").map(\.job) == [.delete])  // the old run went, this one stays
        let again = await JobRunner(context: h.context).run(.delete, batch: b)
        #expect(again.rowsWritten == 0)
    }

    @Test func theSummaryIsQueuedOncePerDayWithALinePerMetric() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\ndisable_summary: false\nalert_methods: email\n")
        let store = try h.store()
        try store.insert(hourly([1, 2, 3], name: "a") + hourly([5, 6], name: "b"))
        try store.insert([
            MetricRow(timestamp: referenceTime, batch: "test", name: "a", type: .score, value: 0.9),
            MetricRow(timestamp: referenceTime, batch: "test", name: "a", type: .alert, value: 1),
        ])
        let run = await JobRunner(context: h.context).run(.summary, batch: b)
        #expect(run.status == .success)
        #expect(run.rowsWritten == 1)
        let delivery = try #require(try h.database.deliveries(batch: "test").first)
        #expect(delivery.message.title == "📊 [test] daily summary (2026-01-15)")
        #expect(delivery.message.text.contains("a: last 3.0000 at 2026-01-15 12:00:00 · 3 points · mean score 0.900 · 1 alerts"))
        #expect(delivery.message.text.contains("b: last 6.0000 at 2026-01-15 12:00:00 · 2 points · mean score - · 0 alerts"))
        h.clock.advance(by: 3600)
        #expect(await JobRunner(context: h.context).run(.summary, batch: b).rowsWritten == 0)  // same day: nothing new
    }

    /// `summary_metric_timestamp_max_days_ago` widens the window the summary covers.
    @Test func theSummaryCoversTheDaysTheBatchAsksFor() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\ndisable_summary: false\nalert_methods: email\nsummary_metric_timestamp_max_days_ago: 3\n")
        try h.store().insert(hourly(Array(repeating: 1, count: 60), name: "a"))
        _ = await JobRunner(context: h.context).run(.summary, batch: b)
        let delivery = try #require(try h.database.deliveries(batch: "test").first)
        #expect(delivery.message.text.contains("a: last 1.0000 at 2026-01-15 12:00:00 · 60 points"), "\(delivery.message.text)")
    }

    @Test func theSummaryCanOpenWithAParagraphFromTheModel() async throws {
        let h = try Harness()
        try h.store().insert(hourly([1, 2, 3], name: "a"))
        let model = ScriptedLanguageModel { _ in "A quiet day: nothing alerted." }
        var context = h.context
        context.llm = model
        let b = try batch("metric_batch: test\ningest_sql: select 1\ndisable_summary: false\nsummary_llm: true\nalert_methods: email\n")
        _ = await JobRunner(context: context).run(.summary, batch: b)
        #expect(model.requests.first?.messages.last?.content.contains("- a: last 3.0000") == true)
        let text = try #require(try h.database.deliveries(batch: "test").first?.message.text)
        #expect(text.contains("Summary: A quiet day: nothing alerted."))
    }
}

/// `job_failure_alert`: a failed run sends one notice with its error.
@Suite struct JobFailureNoticeTests {
    struct Failing: BatchJob {
        let kind: JobKind
        func run(batch: BatchConfig, context: JobContext) async throws -> JobOutcome { throw JobError("the source is down") }
    }

    @Test func aFailedRunIsNotifiedOnceWhenAskedFor() async throws {
        let h = try Harness()
        let runner = JobRunner(context: h.context) { Failing(kind: $0) }
        let quiet = try batch("metric_batch: test\ningest_sql: select 1\n")
        #expect(await runner.run(.ingest, batch: quiet).status == .failed)
        #expect(h.channel.delivered.isEmpty)  // off by default

        let loud = try batch("metric_batch: test\ningest_sql: select 1\njob_failure_alert: true\njob_failure_methods: webhook\n")
        let run = await runner.run(.ingest, batch: loud)
        #expect(run.error == "the source is down")
        let sent = h.channel.delivered
        #expect(sent.map(\.method) == ["webhook"])
        #expect(sent.first?.message.title == "❌ [test] ingest job failed (2026-01-15 12:00:00)")
        #expect(sent.first?.message.text.contains("Error: the source is down") == true)
        _ = await runner.run(.ingest, batch: loud)  // same start time: the same notice, not sent again
        #expect(h.channel.delivered.count == 1)
    }
}
