import Engine
import Fixtures
import Foundation
import Testing

/// The store contract, run against the embedded SQLite database and a real PostgreSQL server
/// (a fresh database per test on the server scripts/test-services.sh starts): the same calls
/// must give the same answers.
@Suite(.serialized) struct StoreContractTests {
    static let kinds = TestServices.storeKinds

    /// A fresh store of `kind`; for PostgreSQL, a new database dropped afterwards.
    func withStore(_ kind: String, _ body: (any EngineStore) async throws -> Void) async throws {
        try await TestServices.withDatabase(kind, prefix: "contract", body)
    }

    func row(_ hour: Int, _ name: String = "m", _ type: MetricType = .metric, _ value: Double = 1, batch: String = "b") -> MetricRow {
        MetricRow(timestamp: referenceTime.addingTimeInterval(Double(hour) * 3600), batch: batch, name: name, type: type, value: value)
    }

    @Test(arguments: kinds) func metricsAreStoredOnceAndReadInOrder(_ kind: String) async throws {
        try await withStore(kind) { database in
            let store = try database.store(table: "metrics")
            #expect(try store.insert([row(2), row(0), row(1), row(0, "n"), row(1, "m", .score, 0.25)]) == 5)
            #expect(try store.insert([row(2), row(3, "m", .metric, 1e-5)]) == 1)  // a stored key is left as it is
            let all = try store.rows(MetricQuery(batch: "b", types: [.metric, .score]))
            #expect(
                all.map { "\($0.name)/\($0.type.rawValue)@\(Int($0.timestamp.timeIntervalSince(referenceTime) / 3600))" }
                    == ["m/metric@0", "n/metric@0", "m/metric@1", "m/score@1", "m/metric@2", "m/metric@3"])
            #expect(all.last?.value == 1e-5)
            let latest = try store.rows(MetricQuery(batch: "b", names: ["m"], types: [.metric], latest: 2))
            #expect(latest.map(\.timestamp) == [row(2).timestamp, row(3).timestamp])
            let extent = try store.extent(MetricQuery(batch: "b", names: ["m"], types: [.metric], through: row(2).timestamp))
            #expect(extent == MetricExtent(count: 3, first: referenceTime, last: row(2).timestamp, valueSum: 3))
            #expect(try store.metricNames(batch: "b", type: .metric) == ["m", "n"])
            let byMetric = try store.extentsByMetric(batch: "b", types: [.metric, .score], from: nil, latestValues: 2, through: row(3).timestamp)
            #expect(byMetric["m"]?[.metric]?.count == 2)
            #expect(byMetric["m"]?[.score] == nil)  // the score at hour 1 is before m's last two values
            #expect(byMetric["n"]?[.metric]?.count == 1)
            let spans = try store.extentsByMetric(batch: "b", types: [.score], from: referenceTime, latestValues: nil, through: row(3).timestamp)
            #expect(spans["m"]?[.score]?.valueSum == 0.25)
            #expect(try store.delete(MetricQuery(batch: "b", types: [.metric], through: row(1).timestamp)) == 3)
            #expect(try store.rows(MetricQuery(batch: "b", types: [.metric])).count == 2)
            #expect(try store.rows(MetricQuery(batch: "b", names: [], types: [.metric])).isEmpty)
        }
    }

    /// The hourly read model and the batch's generation follow every insert and delete, in whole
    /// UTC hours, batch by batch, and `rebuildReadModels` adds the same totals up from the rows.
    @Test(arguments: kinds) func readModelsFollowTheRows(_ kind: String) async throws {
        try await withStore(kind) { database in
            let store = try database.store(table: "metrics")
            func totals(_ types: [MetricType], from: Double, through: Double, batch: String = "b") throws -> [MetricType: HourlyTotal] {
                try store.hourlyTotals(
                    batch: batch, types: types, from: referenceTime.addingTimeInterval(from * 3600),
                    through: referenceTime.addingTimeInterval(through * 3600))
            }
            let start = try #require(try store.batchGeneration(batch: "b"))
            try store.insert([
                row(0), row(0, "n", .metric, 3), row(1, "m", .score, 0.25), row(1, "n", .score, 0.75), row(2, "m", .alert),
                row(0, "x", batch: "other"),
            ])
            let written = try #require(try store.batchGeneration(batch: "b"))
            #expect(written > start)
            #expect(try store.insert([row(0)]) == 0)
            #expect(try store.batchGeneration(batch: "b") == written)  // nothing new, nothing moved
            let all = try totals([.metric, .score, .alert], from: 0, through: 2)
            #expect(all[.metric] == HourlyTotal(count: 2, valueSum: 4))
            #expect(all[.score] == HourlyTotal(count: 2, valueSum: 1))
            #expect(all[.alert]?.count == 1)
            // Whole hours: half past hour 0 through hour 1 counts all of hours 0 and 1.
            let partial = try totals([.metric, .score], from: 0.5, through: 1)
            #expect(partial[.metric]?.count == 2 && partial[.score]?.count == 2)
            #expect(try totals([.metric], from: 1, through: 2)[.metric] == nil)
            #expect(try totals([.metric], from: 0, through: 2, batch: "other")[.metric]?.count == 1)
            #expect(try store.delete(MetricQuery(batch: "b", names: ["n"], types: [.metric])) == 1)
            let deleted = try #require(try store.batchGeneration(batch: "b"))
            #expect(deleted > written)
            let after = try totals([.metric, .score, .alert], from: 0, through: 2)
            #expect(after[.metric] == HourlyTotal(count: 1, valueSum: 1))
            // Four batch-hours: b's metric at 0, score at 1, alert at 2; other's metric at 0.
            #expect(try store.rebuildReadModels() == 4)
            #expect(try totals([.metric, .score, .alert], from: 0, through: 2) == after)
            #expect(try #require(try store.batchGeneration(batch: "b")) > deleted)
        }
    }

    /// Names come from the batch asked for, only where the metric has rows of the type, in
    /// order, whatever the other batches and types around them hold.
    @Test(arguments: kinds) func metricNamesAreTheBatchsNamesOfTheType(_ kind: String) async throws {
        try await withStore(kind) { database in
            let store = try database.store(table: "metrics")
            #expect(try store.metricNames(batch: "b", type: .metric).isEmpty)
            try store.insert(
                [
                    row(0, "b.mid"), row(1, "b.mid"), row(0, "a-first"), row(0, "zz", .score), row(0, "Zeta"),
                    row(0, "only-score", .score), row(0, "elsewhere", batch: "a"), row(0, "elsewhere", .score, batch: "c"),
                    row(2, "a-first", .thumbsup),
                ] + (0..<30).map { row($0, "n\($0 % 3)") })
            #expect(try store.metricNames(batch: "b", type: .metric) == ["Zeta", "a-first", "b.mid", "n0", "n1", "n2"])
            #expect(try store.metricNames(batch: "b", type: .score) == ["only-score", "zz"])
            #expect(try store.metricNames(batch: "b", type: .thumbsup) == ["a-first"])
            #expect(try store.metricNames(batch: "a", type: .metric) == ["elsewhere"])
            #expect(try store.metricNames(batch: "c", type: .metric).isEmpty)
            #expect(try store.metricNames(batch: "nope", type: .metric).isEmpty)
        }
    }

    @Test(arguments: kinds) func jobRunsAreLoggedWithTheirDuration(_ kind: String) async throws {
        try await withStore(kind) { database in
            let store = try database.store(table: "metrics")
            for (i, job) in [JobKind.ingest, .score, .alert].enumerated() {
                let start = referenceTime.addingTimeInterval(Double(i) * 60)
                try store.record(
                    JobRun(
                        job: job, batch: "b", asOf: start, startedAt: start, finishedAt: start.addingTimeInterval(1.25),
                        status: i == 2 ? .failed : .success, rowsWritten: i, error: i == 2 ? "boom" : nil))
            }
            #expect(try store.jobRuns(batch: "b").map(\.job) == [.ingest, .score, .alert])
            let latest = try store.latestJobRuns(batch: "b", limit: 2)
            #expect(latest.map(\.job) == [.alert, .score])
            #expect(try store.latestJobRuns(batch: "b", job: .alert, status: .success, limit: 5).isEmpty, "the alert run failed")
            #expect(try store.latestJobRuns(batch: "b", job: nil, status: .success, limit: 5).map(\.job) == [.score, .ingest])
            #expect(try store.latestJobRuns(batch: "b", job: .alert, status: nil, limit: 5).map(\.status) == [.failed])
            #expect(try store.latestJobRuns(batch: "other", job: .score, status: .success, limit: 5).isEmpty)
            #expect(latest[0].error == "boom")
            #expect(latest[0].finishedAt.timeIntervalSince(latest[0].startedAt) == 1.25)
            let day = String(MetricTimestamp.format(referenceTime).prefix(10))
            let counts = try store.jobRunCountsByDay(
                batch: "b", from: referenceTime.addingTimeInterval(-86_400), through: referenceTime.addingTimeInterval(86_400))
            #expect(counts.count == 1 && counts[day]?.runs == 3 && counts[day]?.failed == 1)
            #expect(
                try store.jobRunCountsByDay(
                    batch: "b", from: referenceTime.addingTimeInterval(3_600), through: referenceTime.addingTimeInterval(7_200)
                ).isEmpty)
            #expect(try store.deleteJobRuns(batch: "b", before: referenceTime.addingTimeInterval(90)) == 2)
            #expect(try store.jobRuns(batch: nil).count == 1)
        }
    }

    @Test(arguments: kinds) func deliveriesAreQueuedOnceAndClaimedOnce(_ kind: String) async throws {
        try await withStore(kind) { database in
            let notification = AlertNotification(
                kind: .alert, batch: "b", metric: "m", timestamp: referenceTime, value: 1, score: 0.9,
                smoothedScore: 0.9, threshold: 0.8, severity: .warning, methods: ["email"], tags: [:])
            let delivery = Delivery(
                notification: notification, method: "email", target: DeliveryTarget(),
                message: ComposedMessage(title: "t", text: "x", html: "<p>x</p>"), attachment: Data([0, 1, 254, 255]),
                status: .pending, createdAt: referenceTime)
            #expect(try !database.notificationQueued(notification.id))
            #expect(try database.enqueue([delivery]) == 1)
            #expect(try database.enqueue([delivery]) == 0)
            #expect(try database.notificationQueued(notification.id))
            #expect(try !database.notificationQueued(String(notification.id.dropLast())))
            let due = try database.due(batch: "b", now: referenceTime, limit: 10)
            #expect(due.map(\.id) == [delivery.id])
            #expect(due.first?.attachment == Data([0, 1, 254, 255]))
            #expect(due.first?.notification == notification)
            #expect(try database.claim(id: delivery.id, holder: "a", now: referenceTime, until: referenceTime.addingTimeInterval(60)))
            #expect(try !database.claim(id: delivery.id, holder: "a", now: referenceTime, until: referenceTime.addingTimeInterval(60)))
            #expect(try database.claimHolders(batch: "b") == ["a"])
            #expect(try database.releaseClaims(holder: "someone else", now: referenceTime) == 0)
            #expect(try database.releaseClaims(holder: "a", now: referenceTime) == 1)
            #expect(try database.claimHolders(batch: nil).isEmpty)
            #expect(try database.claim(id: delivery.id, holder: "b", now: referenceTime, until: referenceTime.addingTimeInterval(60)))
            try database.recordAttempt(id: delivery.id, at: referenceTime, error: nil, status: .delivered, nextAttemptAt: referenceTime)
            let stored = try #require(try database.deliveries(batch: nil).first)
            #expect(stored.status == .delivered)
            #expect(stored.attempts == 1)
            #expect(stored.deliveredAt == referenceTime)
            #expect(try database.due(batch: nil, now: referenceTime.addingTimeInterval(3600), limit: 10).isEmpty)
        }
    }

    /// Each alert's deliveries as the anomalies page lists them: by the notification's id, every
    /// channel, and none of a notification whose id merely starts the same way.
    @Test(arguments: kinds) func deliveryStatesAreReadPerNotification(_ kind: String) async throws {
        try await withStore(kind) { database in
            func notification(_ metric: String, hours: Double = 0) -> AlertNotification {
                AlertNotification(
                    kind: .alert, batch: "b", metric: metric, timestamp: referenceTime.addingTimeInterval(hours * 3600), value: 1,
                    score: 0.9, smoothedScore: 0.9, threshold: 0.8, severity: .warning, methods: ["email", "slack"], tags: [:])
            }
            func delivery(_ notification: AlertNotification, _ method: String, _ status: DeliveryStatus) -> Delivery {
                Delivery(
                    notification: notification, method: method, target: DeliveryTarget(),
                    message: ComposedMessage(title: "t", text: "x", html: "<p>x</p>"), attachment: nil, status: status, createdAt: referenceTime)
            }
            let cpu = notification("cpu")
            let cpuTwo = notification("cpu2")  // its id starts with cpu's id minus the "/<timestamp>"
            let later = notification("cpu", hours: 1)
            try database.enqueue([
                delivery(cpu, "slack", .pending), delivery(cpu, "email", .pending), delivery(cpuTwo, "email", .muted),
                delivery(later, "webhook", .pending),
            ])
            try database.recordAttempt(id: "\(cpu.id)/slack", at: referenceTime, error: "HTTP 500", status: .failed, nextAttemptAt: referenceTime)
            let states = try database.deliveryStates(notifications: [cpu.id, cpuTwo.id, "alert/b/none/2026-01-01T00:00:00Z", cpu.id])
            #expect(states.keys.sorted() == [cpu.id, cpuTwo.id].sorted())
            #expect(states[cpu.id] == [
                DeliveryState(method: "email", status: .pending, attempts: 0, lastError: nil, mutedBy: nil),
                DeliveryState(method: "slack", status: .failed, attempts: 1, lastError: "HTTP 500", mutedBy: nil),
            ])
            #expect(states[cpuTwo.id]?.map(\.status) == [.muted])
            #expect(try database.deliveryStates(notifications: []).isEmpty)
        }
    }

    @Test(arguments: kinds) func importCursorsPersist(_ kind: String) async throws {
        try await withStore(kind) { database in
            #expect(try database.importCursor(source: "sqlite:a.db", table: "metrics") == nil)
            let cursor = ImportCursor(source: "sqlite:a.db", table: "metrics", after: ["'2026-01-01 00:00:00'", "'b'", "'it''s'", "'metric'"], rowsRead: 7)
            try database.saveImportCursor(cursor)
            #expect(try database.importCursor(source: "sqlite:a.db", table: "metrics") == cursor)
            var finished = cursor
            finished.rowsRead = 9
            finished.finished = true
            try database.saveImportCursor(finished)
            #expect(try database.importCursor(source: "sqlite:a.db", table: "metrics") == finished)
            #expect(try database.importCursor(source: "sqlite:a.db", table: "other") == nil)
        }
    }

    @Test(arguments: kinds) func mutesAndOverridesPersist(_ kind: String) async throws {
        try await withStore(kind) { database in
            try database.setMute(Mute(batch: "b", metric: nil, until: referenceTime, reason: "deploy"))
            try database.setMute(Mute(batch: "b", metric: "m", until: referenceTime, reason: nil))
            try database.setMute(Mute(batch: "b", metric: "m", until: referenceTime.addingTimeInterval(60), reason: "again"))
            #expect(try database.mutes(batch: "b").map { "\($0.metric ?? "*") \($0.reason ?? "")" } == ["* deploy", "m again"])
            #expect(try database.clearMute(batch: "b", metric: "m"))
            #expect(try !database.clearMute(batch: "b", metric: "m"))
            try database.setSchedule(ScheduleOverride(batch: "b", job: .train, running: true, changedBy: "ana", changedAt: referenceTime))
            try database.setSchedule(ScheduleOverride(batch: "b", job: .train, running: false, changedBy: "bo", changedAt: referenceTime))
            #expect(try database.scheduleOverrides().map { "\($0.job.rawValue) \($0.running) \($0.changedBy)" } == ["train false bo"])
            try database.setSetting(SettingOverride(batch: "b", key: "alert_threshold", value: "0.9", changedBy: "ana", changedAt: referenceTime))
            try database.setSetting(SettingOverride(batch: "b", key: "alert_threshold", value: nil, changedBy: "bo", changedAt: referenceTime))
            #expect(try database.settingOverrides().isEmpty)
            #expect(try database.settingHistory(batch: "b", limit: 5).map { $0.value ?? "reset" } == ["reset", "0.9"])
        }
    }

    @Test(arguments: kinds) func maintenanceWindowsPersistOncePerWindow(_ kind: String) async throws {
        try await withStore(kind) { database in
            let deploy = MaintenanceWindow(
                when: .span(start: referenceTime, end: referenceTime.addingTimeInterval(7200)), metrics: ["orders", "a"])
            let weekly = MaintenanceWindow(
                when: .recurring(cron: try CronExpression("0 2 * * 0"), duration: 7200), match: ["team": "storage"])
            let first = StoredMaintenanceWindow(batch: "b", window: deploy, reason: "deploy", createdAt: referenceTime)
            try database.addMaintenanceWindow(first)
            try database.addMaintenanceWindow(
                StoredMaintenanceWindow(batch: "b", window: weekly, reason: nil, createdAt: referenceTime.addingTimeInterval(60)))
            // The same window planned again keeps one row (its id is made from the batch and the window).
            try database.addMaintenanceWindow(
                StoredMaintenanceWindow(batch: "b", window: deploy, reason: "deploy, again", createdAt: referenceTime.addingTimeInterval(120)))
            try database.addMaintenanceWindow(StoredMaintenanceWindow(batch: "c", window: deploy, reason: nil, createdAt: referenceTime))
            let stored = try database.maintenanceWindows(batch: "b")
            #expect(stored.map(\.window) == [deploy, weekly], "read back as written, oldest first")
            #expect(stored.map(\.reason) == ["deploy, again", nil])
            #expect(stored[0].id == first.id && stored[0].id.count == 12)
            #expect(try database.maintenanceWindows(batch: nil).count == 3)
            #expect(try database.removeMaintenanceWindow(batch: "b", id: first.id))
            #expect(try !database.removeMaintenanceWindow(batch: "b", id: first.id))
            #expect(try database.maintenanceWindows(batch: "b").map(\.window) == [weekly])
            #expect(try database.maintenanceWindows(batch: "c").count == 1, "another batch's window with the same keys is its own")
        }
    }

    @Test(arguments: kinds) func aLeaseHasOneHolderUntilItIsReleasedOrLapses(_ kind: String) async throws {
        try await withStore(kind) { database in
            let t0 = referenceTime
            let a = try database.acquireLease(job: .train, batch: "b", holder: "a", now: t0, expires: t0.addingTimeInterval(60))
            #expect(a.holder == "a" && a.expiresAt == t0.addingTimeInterval(60))
            // Another holder sees a's lease while it is in force; a itself renews it.
            #expect(
                try database.acquireLease(
                    job: .train, batch: "b", holder: "b", now: t0.addingTimeInterval(59),
                    expires: t0.addingTimeInterval(119)
                ).holder == "a")
            #expect(
                try database.acquireLease(
                    job: .train, batch: "b", holder: "a", now: t0.addingTimeInterval(30),
                    expires: t0.addingTimeInterval(90)
                ).expiresAt == t0.addingTimeInterval(90))
            #expect(
                try database.acquireLease(
                    job: .train, batch: "b", holder: "b", now: t0.addingTimeInterval(89),
                    expires: t0.addingTimeInterval(149)
                ).holder == "a")
            // Other jobs and batches have their own leases.
            #expect(try database.acquireLease(job: .score, batch: "b", holder: "b", now: t0, expires: t0.addingTimeInterval(60)).holder == "b")
            #expect(try database.acquireLease(job: .train, batch: "c", holder: "b", now: t0, expires: t0.addingTimeInterval(60)).holder == "b")
            // A lapsed lease goes to the next caller; a release by someone else changes nothing.
            let taken = try database.acquireLease(
                job: .train, batch: "b", holder: "b", now: t0.addingTimeInterval(90), expires: t0.addingTimeInterval(150))
            #expect(taken.holder == "b" && taken.acquiredAt == t0.addingTimeInterval(90))
            try database.releaseLease(job: .train, batch: "b", holder: "a")
            #expect(
                try database.acquireLease(
                    job: .train, batch: "b", holder: "c", now: t0.addingTimeInterval(91),
                    expires: t0.addingTimeInterval(151)
                ).holder == "b")
            try database.releaseLease(job: .train, batch: "b", holder: "b")
            #expect(
                try database.acquireLease(
                    job: .train, batch: "b", holder: "c", now: t0.addingTimeInterval(92),
                    expires: t0.addingTimeInterval(152)
                ).holder == "c")
        }
    }

    @Test func exactlyOneOfManyConnectionsGetsAFreeLease() async throws {
        let scratch = try ScratchPostgresDatabase(serverURL: try TestServices.url("ENGINE_TEST_POSTGRES_URL"), prefix: "leases")
        let databases = try (0..<8).map { _ in try PostgresDatabase(url: scratch.url) }
        let winners = try await withThrowingTaskGroup(of: String.self) { group in
            for (index, database) in databases.enumerated() {
                group.addTask {
                    try database.acquireLease(
                        job: .ingest, batch: "b", holder: "p\(index)", now: referenceTime,
                        expires: referenceTime.addingTimeInterval(60)
                    ).holder
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        // Every caller sees the same holder: the one whose insert won.
        #expect(winners.count == 8 && Set(winners).count == 1)
    }

    @Test(arguments: kinds) func theWholePipelineRuns(_ kind: String) async throws {
        try await withStore(kind) { database in
            let h = try Harness()
            var context = h.context
            context.stores = database
            context.deliveries = database
            context.mutes = database
            let b = try batch("metric_batch: test\ningest_sql: select 1\ntrain_min_n: 20\nalert_methods: webhook\nalert_smooth_n: 1\n")
            var series: [Double] = []
            for hour in 0..<48 {
                let normal = 50 + Double(hour % 4)
                series.append(hour >= 45 ? 500 * Double(hour - 44) : normal)
            }
            let values = hourly(series)
            try database.store(table: "metrics").insert(Array(values.prefix(45)))
            h.clock.set(values[44].timestamp)
            #expect(await JobRunner(context: context).run(.train, batch: b).status == .success)
            try database.store(table: "metrics").insert(Array(values.suffix(3)))
            h.clock.set(values[47].timestamp)
            for job in [JobKind.score, .alert] {
                let run = await JobRunner(context: context).run(job, batch: b)
                #expect(run.status == .success, "\(job.rawValue): \(run.error ?? "")")
            }
            let scores = try database.store(table: "metrics").rows(MetricQuery(batch: "test", types: [.score]))
            #expect(scores.count > 0, "no scores")
            #expect(try database.store(table: "metrics").rows(MetricQuery(batch: "test", types: [.alert])).count == 1)
            #expect(h.channel.delivered.count == 1)
            #expect(try database.deliveries(batch: "test").first?.status == .delivered)
        }
    }
}
