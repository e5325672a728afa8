import Foundation
import Logging

/// Keeps a `BatchCatalog` in step with the metrics folder and the settings changed at run time:
/// every `interval` seconds it hashes the folder's files and the stored settings, and reloads
/// when the hash moved. An invalid change is logged and rejected; the batches it would break
/// keep their previous config (see `BatchCatalog.replace`).
public struct ConfigWatcher: Sendable {
    public let folder: any MetricsFolder
    public let environment: [String: String]
    /// `--set` overrides, applied on every load.
    public let overrides: [String]
    public let settings: any OverrideStore
    public let catalog: BatchCatalog
    public let clock: any EngineClock
    public let logger: Logger
    public let interval: TimeInterval
    /// Told the batches in force after each reload (adapters that route by batch, such as model stores).
    public let onReload: @Sendable ([BatchConfig]) -> Void

    public init(
        folder: any MetricsFolder, environment: [String: String], overrides: [String], settings: any OverrideStore,
        catalog: BatchCatalog, clock: any EngineClock, logger: Logger, interval: TimeInterval = 10,
        onReload: @escaping @Sendable ([BatchConfig]) -> Void = { _ in }
    ) {
        self.folder = folder
        self.environment = environment
        self.overrides = overrides
        self.settings = settings
        self.catalog = catalog
        self.clock = clock
        self.logger = logger
        self.interval = interval
        self.onReload = onReload
    }

    /// Loads every batch with the stored settings applied (and, when given, one more change on top).
    public func load(adding change: SettingOverride? = nil) throws -> BatchLoader.Result {
        try load(adding: change.map { [$0] } ?? [])
    }

    /// Loads every batch with the stored settings applied and `changes` on top, as they would be
    /// once stored: several fields saved together are checked together.
    public func load(adding changes: [SettingOverride]) throws -> BatchLoader.Result {
        var perBatch: [String: [String: String]] = [:]
        for setting in try settings.settingOverrides() { perBatch[setting.batch, default: [:]][setting.key] = setting.value }
        for change in changes { perBatch[change.batch, default: [:]][change.key] = change.value }
        return BatchLoader(folder: folder, environment: environment, overrides: overrides, settings: perBatch).load()
    }

    /// A hash of everything a load reads that can change while the engine runs.
    public func fingerprint() throws -> String {
        var hash = SHA256()
        for file in try folder.files() {
            hash.update(Array("\(file)\u{0}".utf8))
            hash.update(Array(try folder.read(file).utf8))
            hash.update([0])
        }
        for setting in try settings.settingOverrides() {
            hash.update(Array("\(setting.batch)\u{0}\(setting.key)\u{0}\(setting.value ?? "")\u{0}".utf8))
        }
        return Hex.encode(hash.finalize())
    }

    /// Reloads into the catalog; returns the load's errors (already logged).
    @discardableResult
    public func reload() async throws -> [ConfigError] {
        let loaded = try load()
        for error in loaded.errors { logger.error("config rejected: \(error)") }
        await catalog.replace(with: loaded)
        let snapshot = await catalog.snapshot
        onReload(snapshot.batches)
        logger.notice(
            "config loaded: \(snapshot.batches.count) batches, \(snapshot.schedule.entries.count) scheduled jobs, \(loaded.errors.count) errors")
        return loaded.errors
    }

    /// Checks the fingerprint every `interval` seconds and reloads on a change, until cancelled.
    public func run() async {
        var last = try? fingerprint()
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now.addingTimeInterval(interval)) } catch { return }
            do {
                let current = try fingerprint()
                guard current != last else { continue }
                last = current
                try await reload()
            } catch {
                logger.error("could not check the metrics folder: \(error)")
            }
        }
    }
}
