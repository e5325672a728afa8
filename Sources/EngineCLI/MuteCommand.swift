import ArgumentParser
import Engine
import Foundation

struct MuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mute",
        abstract: "Mute a batch's or a metric's notifications, plan a maintenance window, lift either, or list them.",
        discussion: """
            While muted or inside a maintenance window, alerts, changes and threshold alerts are still \
            detected and recorded; their deliveries are recorded as `muted`, with what held them, and \
            nothing is sent. Mutes and windows are kept in the database, beside those a batch sets with \
            alert_mute_until, alert_mute_metrics and maintenance_windows.
              engine mute --batch shop --metric checkout_errors --for 2h --reason "deploy"
              engine mute --batch shop --until 2026-12-01T09:00:00Z
              engine mute --batch shop --from 2026-12-08T22:00:00Z --until 2026-12-09T01:00:00Z --reason "db upgrade"
              engine mute --batch shop --cron "0 2 * * 0" --duration 2h --match team=storage
              engine mute --batch shop --metric checkout_errors --clear
              engine mute --batch shop --clear --window 3f09a1c2d4e5
              engine mute --list
            A window starts later (--from) or recurs (--cron and --duration); --metric (repeatable) or \
            --match tag=value narrows it. A window without an end needs --forever.
            """
    )

    @Option(name: .long, help: "The batch.")
    var batch: String?

    @Option(name: .long, help: "A metric of the batch (repeatable; default: the whole batch).")
    var metric: [String] = []

    @Option(name: .long, help: "Mute until this time (ISO 8601, UTC); with --from, the window's end.")
    var until: String?

    @Option(name: .long, help: "Mute for this long from now (or from --from): 30m, 2h, 1d.")
    var `for`: String?

    @Option(name: .long, help: "A maintenance window that starts at this time (ISO 8601, UTC).")
    var from: String?

    @Flag(name: .long, help: "A window from --from that never ends.")
    var forever = false

    @Option(name: .long, help: "A recurring maintenance window that opens when this cron fires (UTC)...")
    var cron: String?

    @Option(name: .long, help: "... and lasts this long: 30m, 2h, 1d.")
    var duration: String?

    @Option(name: .long, help: "Only metrics with this tag (tag=value, repeatable), for a maintenance window.")
    var match: [String] = []

    @Option(name: .long, help: "Why, for the list and the muted deliveries.")
    var reason: String?

    @Flag(name: .long, help: "Lift the mute (or, with --window, remove the maintenance window) instead.")
    var clear = false

    @Option(name: .long, help: "The maintenance window to remove (its id, from --list).")
    var window: String?

    @Flag(name: .long, help: "List the mutes and maintenance windows in the database.")
    var list = false

    @OptionGroup var folder: FolderOptions
    @OptionGroup var database: DatabaseOptions

    /// Whether the options ask for a maintenance window rather than a mute.
    var plansWindow: Bool { from != nil || cron != nil || !match.isEmpty || metric.count > 1 || forever }

    func run() async throws {
        let installation = folder.installation(database: database.db)
        let db = try installation.openDatabase()
        let now = SystemClock().now
        if list {
            try printList(db, now: now)
            return
        }
        guard let batch else { throw ValidationError("give --batch (or --list)") }
        if clear {
            if let window {
                let removed = try db.removeMaintenanceWindow(batch: batch, id: window)
                print(removed ? "removed maintenance window \(window) of \(batch)" : "\(batch) has no maintenance window \(window)")
                return
            }
            for target in metric.isEmpty ? [nil] : metric.map(Optional.some) {
                let removed = try db.clearMute(batch: batch, metric: target)
                print(removed ? "unmuted \(batch) \(target ?? "(whole batch)")" : "\(batch) \(target ?? "(whole batch)") was not muted")
            }
            return
        }
        if plansWindow {
            let stored: StoredMaintenanceWindow
            do {
                stored = try StoredMaintenanceWindow.parse(try windowKeys(now: now), batch: batch, reason: reason, now: now)
            } catch let error as ConfigError {
                throw ValidationError("maintenance window: \(error.message)")
            }
            try db.addMaintenanceWindow(stored)
            print("maintenance window \(stored.id) of \(batch): \(stored.window.summary)")
            return
        }
        let end: Date
        if let until {
            end = try parseTime(until)!
        } else if let span = `for` {
            end = now.addingTimeInterval(try seconds(span, option: "--for"))
        } else {
            throw ValidationError("give --until or --for (or --from, --cron, --clear)")
        }
        for target in metric.isEmpty ? [nil] : metric.map(Optional.some) {
            try db.setMute(Mute(batch: batch, metric: target, until: end, reason: reason))
            print("muted \(batch) \(target ?? "(whole batch)") until \(MetricTimestamp.format(end)) UTC")
        }
    }

    /// The window the options describe, as the keys `maintenance_windows` takes.
    func windowKeys(now: Date) throws -> ConfigValue {
        var keys: [String: ConfigValue] = [:]
        if let cron {
            guard from == nil, until == nil, `for` == nil, !forever else {
                throw ValidationError("--cron takes --duration, not --from, --until, --for or --forever")
            }
            keys["cron"] = .string(cron)
            keys["duration"] = duration.map(ConfigValue.string)
        } else {
            guard duration == nil else { throw ValidationError("--duration goes with --cron; a window from --from ends with --until or --for") }
            let start = try from.map { try parseTime($0)! } ?? now
            keys["start"] = .string(MetricTimestamp.format(start))
            if let until {
                keys["end"] = .string(MetricTimestamp.format(try parseTime(until)!))
            } else if let span = `for` {
                keys["end"] = .string(MetricTimestamp.format(start.addingTimeInterval(try seconds(span, option: "--for"))))
            } else if forever {
                keys["forever"] = .bool(true)
            } else {
                throw ValidationError("a window from --from needs --until, --for or --forever")
            }
        }
        if !metric.isEmpty { keys["metrics"] = .list(metric.map(ConfigValue.string)) }
        if !match.isEmpty {
            var tags: [String: ConfigValue] = [:]
            for pair in match {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--match: expected tag=value, got '\(pair)'") }
                tags[parts[0]] = .string(parts[1])
            }
            keys["match"] = .map(tags)
        }
        return .map(keys)
    }

    func seconds(_ span: String, option: String) throws -> TimeInterval {
        guard let seconds = ResampleFrequency(span)?.seconds else {
            throw ValidationError("\(option): expected a duration such as 30m, 2h or 1d, got '\(span)'")
        }
        return TimeInterval(seconds)
    }

    func printList(_ db: some MuteStore, now: Date) throws {
        let mutes = try db.mutes(batch: batch)
        let windows = try db.maintenanceWindows(batch: batch)
        if mutes.isEmpty && windows.isEmpty { print("no mutes or maintenance windows") }
        for mute in mutes {
            let state = mute.until > now ? "until" : "expired"
            print(
                "\(mute.batch) \(mute.metric ?? "(whole batch)"): \(state) \(MetricTimestamp.format(mute.until)) UTC"
                    + (mute.reason.map { " — \($0)" } ?? ""))
        }
        for stored in windows {
            let state = stored.window.isOver(at: now) ? " (over)" : ""
            print("\(stored.batch) window \(stored.id): \(stored.window.summary)\(state)" + (stored.reason.map { " — \($0)" } ?? ""))
        }
    }
}
