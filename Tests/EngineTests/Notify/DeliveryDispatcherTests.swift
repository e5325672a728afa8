import Engine
import Fixtures
import Foundation
import Testing

@Suite struct DeliveryDispatcherTests {
    func setUp(_ extra: String = "") throws -> (Harness, BatchConfig) {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\nalert_smooth_n: 1\n" + extra)
        try h.store().insert(
            hourly([1, 2, 3])
                + hourly([0.1, 0.1, 0.95], type: .score))
        return (h, b)
    }

    @Test func aFailedDeliveryIsRetriedWithBackoffAndNeverSentTwice() async throws {
        let (h, b) = try setUp()
        h.channel.failNext(DeliveryFailure("HTTP 500"))
        #expect(try await AlertJob().run(batch: b, context: h.context).rowsWritten == 1, "a failing channel does not fail the job")
        var log = try h.database.deliveries(batch: "test")
        #expect(log.map(\.status) == [.pending] && log[0].attempts == 1 && log[0].lastError == "HTTP 500")
        #expect(log[0].nextAttemptAt == referenceTime.addingTimeInterval(30))

        let context = h.context
        #expect(await DeliveryDispatcher(context: context).dispatch(batch: b).delivered == 0, "not due yet")
        h.clock.advance(by: 30)
        #expect(await DeliveryDispatcher(context: context).dispatch(batch: b).delivered == 1)
        #expect(await DeliveryDispatcher(context: context).dispatch(batch: b).delivered == 0)
        h.clock.advance(by: 3600)
        _ = try await AlertJob().run(batch: b, context: context)
        #expect(h.channel.delivered.count == 1)
        log = try h.database.deliveries(batch: "test")
        #expect(log.map(\.status) == [.delivered] && log[0].attempts == 2)
    }

    @Test func backoffDoublesUpToAnHourAndHonoursRetryAfter() {
        #expect(
            (1...9).map { DeliveryDispatcher.backoff(afterAttempts: $0, retryAfter: nil) }
                == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600])
        #expect(DeliveryDispatcher.backoff(afterAttempts: 1, retryAfter: 90) == 90)
    }

    @Test func permanentFailuresAndTheLastAttemptGiveUp() async throws {
        let (h, b) = try setUp("alert_delivery_max_attempts: 2\n")
        h.channel.failNext(DeliveryFailure("refused", permanent: true))
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(try h.database.deliveries(batch: "test").map(\.status) == [.failed])

        let (h2, b2) = try setUp("alert_delivery_max_attempts: 2\n")
        h2.channel.failNext(DeliveryFailure("down"), DeliveryFailure("down"))
        _ = try await AlertJob().run(batch: b2, context: h2.context)
        h2.clock.advance(by: 60)
        await DeliveryDispatcher(context: h2.context).dispatch(batch: b2)
        let log = try h2.database.deliveries(batch: "test")
        #expect(log.map(\.status) == [.failed] && log[0].attempts == 2)
    }

    @Test func aChannelWithoutSettingsIsRecordedAsUnconfigured() async throws {
        let (h, b) = try setUp()
        var context = h.context
        context.channels = NotificationChannels()
        _ = try await AlertJob().run(batch: b, context: context)
        let log = try h.database.deliveries(batch: "test")
        #expect(log.map(\.status) == [.unconfigured] && log[0].lastError == "no settings for the webhook channel")
        #expect(try h.all("test", .alert).count == 1)
    }

    /// Queues one webhook alert of metric `m` and returns its delivery's id.
    func queueOne(_ b: BatchConfig, context: JobContext, _ h: Harness) async throws -> String {
        try await NotificationOutbox(context: context).post(
            [
                AlertNotification(
                    kind: .alert, batch: "test", metric: "m", timestamp: referenceTime, value: 1, score: 0.9, smoothedScore: 0.9,
                    threshold: 0.8, severity: .warning, methods: ["webhook"], tags: [:])
            ], batch: b)
        return try #require(try h.database.deliveries(batch: "test").first?.id)
    }

    @Test func onlyOneDispatcherCanClaimADelivery() async throws {
        let (h, b) = try setUp()
        var context = h.context
        context.channels = NotificationChannels()
        let id = try await queueOne(b, context: context, h)
        #expect(try h.database.claim(id: id, holder: "a", now: referenceTime, until: referenceTime.addingTimeInterval(300)))
        #expect(try !h.database.claim(id: id, holder: "a", now: referenceTime, until: referenceTime.addingTimeInterval(300)))
        #expect(try h.database.due(batch: "test", now: referenceTime, limit: 10).isEmpty)
        #expect(
            try h.database.due(batch: "test", now: referenceTime.addingTimeInterval(300), limit: 10).count == 1,
            "a crashed attempt becomes due again when its claim runs out")
    }

    /// A process killed between claiming a delivery and recording the attempt leaves a claim; the
    /// rerun, at the same simulated time, sends the delivery instead of waiting for the claim to
    /// run out, while a claim of a process still alive is left alone.
    @Test func theClaimsOfAGoneProcessAreReleasedAtOnce() async throws {
        let (h, b) = try setUp()
        let id = try await queueOne(b, context: h.context, h)
        #expect(try h.database.claim(id: id, holder: "box:1", now: referenceTime, until: referenceTime.addingTimeInterval(300)))
        #expect(try h.database.claimHolders(batch: "test") == ["box:1"])
        #expect(try h.database.claimHolders(batch: "other").isEmpty)

        var alive = h.context
        alive.process = ProcessIdentity(name: "box:2", isGone: { _ in false })
        #expect(await DeliveryDispatcher(context: alive).dispatch(batch: b).delivered == 0, "a live holder keeps its claim")

        var rerun = h.context
        rerun.process = ProcessIdentity(name: "box:2", isGone: { $0 == "box:1" })
        #expect(await DeliveryDispatcher(context: rerun).dispatch(batch: b).delivered == 1)
        #expect(h.channel.delivered.count == 1)
        #expect(try h.database.claimHolders(batch: nil).isEmpty, "recording the attempt ends the claim")
        #expect(try h.database.deliveries(batch: "test").map(\.status) == [.delivered])
    }
}

@Suite struct DeliveryRetryLoopTests {
    /// Waits (up to two seconds of real time) for the loop's task to do its work.
    func settle(until done: () -> Bool) async throws {
        for _ in 0..<2000 where !done() { try await Task.sleep(nanoseconds: 1_000_000) }
    }

    @Test func failedDeliveriesAreRetriedWithoutAnotherAlertRun() async throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\nalert_methods: webhook\nalert_smooth_n: 1\n")
        try h.store().insert(
            hourly([0.99], type: .score))
        h.channel.failNext(DeliveryFailure("down"))
        _ = try await AlertJob().run(batch: b, context: h.context)
        #expect(h.channel.delivered.isEmpty)
        let loop = Task { try await DeliveryRetryLoop(context: h.context, batches: [b], interval: 60).run() }
        try await settle { h.clock.sleeperCount > 0 }
        h.clock.advance(by: 60)
        try await settle { h.clock.sleeperCount > 0 }
        #expect(h.channel.delivered.count == 1, "due 30 s after the failure, sent on the loop's next minute")
        h.clock.advance(by: 60)
        try await settle { h.clock.sleeperCount > 0 }
        #expect(h.channel.delivered.count == 1, "never sent twice")
        loop.cancel()
        h.clock.advance(by: 60)
        _ = await loop.result
        #expect(try h.database.deliveries(batch: "test").map(\.status) == [.delivered])
    }
}
