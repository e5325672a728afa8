import Engine
import Fixtures
import Foundation
import Testing

/// Hot reload: changes to the folder and the stored settings reach the catalog; invalid ones are
/// rejected and the batch keeps its previous config.
@Suite struct ConfigWatcherTests {
    let good = "metric_batch: shop\ningest_sql: select 1\nalert_threshold: 0.8\n"

    func watcher(_ folder: EditableMetricsFolder, database: SQLiteDatabase, clock: any EngineClock) -> ConfigWatcher {
        ConfigWatcher(
            folder: folder, environment: [:], overrides: [], settings: database, catalog: BatchCatalog(batches: []),
            clock: clock, logger: quietLogger(), interval: 10)
    }

    @Test func aValidChangeIsPickedUpAndAnInvalidOneIsRejected() async throws {
        let folder = EditableMetricsFolder(["shop/shop.yaml": good])
        let database = try SQLiteDatabase(path: ":memory:")
        let clock = TestClock(referenceTime)
        let watcher = watcher(folder, database: database, clock: clock)
        try await watcher.reload()
        #expect(await watcher.catalog.snapshot.batch(named: "shop")?.alertThreshold == 0.8)

        let task = Task { await watcher.run() }
        try await eventually { clock.sleeperCount == 1 }
        folder.write("shop/shop.yaml", good.replacingOccurrences(of: "0.8", with: "0.9"))
        clock.advance(by: 10)
        try await eventually { await watcher.catalog.snapshot.batch(named: "shop")?.alertThreshold == 0.9 }

        folder.write("shop/shop.yaml", good.replacingOccurrences(of: "0.8", with: "high"))
        folder.write("more/more.yaml", "metric_batch: more\ningest_sql: select 2\n")
        try await eventually { clock.sleeperCount == 1 }
        clock.advance(by: 10)
        try await eventually { await watcher.catalog.snapshot.batch(named: "more") != nil }
        let snapshot = await watcher.catalog.snapshot
        #expect(snapshot.batch(named: "shop")?.alertThreshold == 0.9)  // the old config is kept
        #expect(snapshot.errors.map(\.key) == ["alert_threshold"])
        #expect(snapshot.errors.first?.file == "shop/shop.yaml")

        folder.remove("more/more.yaml")
        try await eventually { clock.sleeperCount == 1 }
        clock.advance(by: 10)
        try await eventually { await watcher.catalog.snapshot.batch(named: "more") == nil }
        task.cancel()
        await task.value
    }

    @Test func storedSettingsApplyAndAreValidatedLikeTheYAML() async throws {
        let folder = EditableMetricsFolder(["shop/shop.yaml": good])
        let database = try SQLiteDatabase(path: ":memory:")
        let watcher = watcher(folder, database: database, clock: TestClock(referenceTime))
        let change = SettingOverride(batch: "shop", key: "alert_threshold", value: "0.95", changedBy: "ana", changedAt: referenceTime)
        #expect(try watcher.load(adding: change).errors.isEmpty)
        try database.setSetting(change)
        try await watcher.reload()
        #expect(await watcher.catalog.snapshot.batch(named: "shop")?.alertThreshold == 0.95)

        let bad = SettingOverride(batch: "shop", key: "alert_snooze_n", value: "-2", changedBy: "ana", changedAt: referenceTime)
        let problems = try watcher.load(adding: bad).errors
        #expect(problems.map(\.description) == ["settings: key 'alert_snooze_n': must lie between 0 and 10000000, got -2"], "\(problems)")
        let unknown = SettingOverride(batch: "shop", key: "alert_treshold", value: "1", changedBy: "ana", changedAt: referenceTime)
        #expect(try watcher.load(adding: unknown).errors.first?.key == "alert_treshold")

        try database.setSetting(SettingOverride(batch: "shop", key: "alert_threshold", value: nil, changedBy: "bo", changedAt: referenceTime))
        try await watcher.reload()
        #expect(await watcher.catalog.snapshot.batch(named: "shop")?.alertThreshold == 0.8)
        #expect(try database.settingHistory(batch: "shop", limit: 10).map { "\($0.changedBy) \($0.value ?? "reset")" } == ["bo reset", "ana 0.95"])
    }
}
